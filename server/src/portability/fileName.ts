// Download names from chat titles: safe on every file system, readable, and
// sent as Content-Disposition with an ASCII fallback and the UTF-8 original.

/** `title` as a file name stem: letters, digits and underscores kept, anything else a dash, 80 characters at most. */
export function fileStem(title: string, fallback = 'chat'): string {
  const stem = title
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return [...stem].slice(0, 80).join('').replace(/-+$/, '') || fallback;
}

export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\]/g, '');
  const safeAscii = /[A-Za-z0-9]/.test(ascii.replace(/\.[a-z]+$/, ''))
    ? ascii
    : `chat${fileName.slice(fileName.lastIndexOf('.'))}`;
  return `attachment; filename="${safeAscii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
