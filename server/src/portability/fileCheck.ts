// What an uploaded file is, learnt while it is received: its size, whether it is
// UTF-8 throughout, and its format from its first character. An import starts
// only on a file that passes, so a file that is not text changes nothing.
import type { ImportSource } from './imported';

const bom = [0xef, 0xbb, 0xbf];

export class FileCheck {
  bytes = 0;
  /** Bytes of a UTF-8 byte-order mark at the start, which readers skip. */
  bomBytes = 0;
  private first: string | null = null;
  private utf8 = true;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  add(chunk: Buffer): void {
    if (this.bytes === 0 && bom.every((b, i) => chunk[i] === b)) this.bomBytes = 3;
    this.bytes += chunk.length;
    if (!this.utf8) return;
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      if (this.first === null) {
        const m = /[^\s\uFEFF]/.exec(text);
        if (m) this.first = m[0];
      }
    } catch {
      this.utf8 = false;
    }
  }

  /** The file's format, or why it cannot be imported. */
  result(): { format: ImportSource } | { problem: string } {
    if (this.utf8) {
      try {
        this.decoder.decode();
      } catch {
        this.utf8 = false;
      }
    }
    if (!this.utf8)
      return { problem: 'The file is not UTF-8 text, so it is no export Parley reads.' };
    if (this.first === '[') return { format: 'chatgpt' };
    if (this.first === '{') return { format: 'parley' };
    if (this.first === null) return { problem: 'The file is empty.' };
    return {
      problem:
        'The file is neither a Parley account export (NDJSON) nor ChatGPT’s conversations.json (a JSON array).',
    };
  }
}
