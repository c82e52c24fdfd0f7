// Precompressed copies of the built app: a brotli (.br) and a gzip (.gz) file beside
// every text asset of 1 KB or more, so the server sends the smallest copy a browser
// accepts without compressing per request. Run after `vite build`; takes the folder
// as its argument (web/dist by default).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest']);
const minBytes = 1024;

function* filesIn(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesIn(path);
    else if (entry.isFile()) yield path;
  }
}

let count = 0;
let before = 0;
let after = 0;
for (const file of [...filesIn(dist)]) {
  if (!compressible.has(extname(file))) continue;
  const raw = readFileSync(file);
  if (raw.length < minBytes) continue;
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = gzipSync(raw, { level: 9 });
  // A copy no smaller than the file is left out: the server then sends the file itself.
  if (br.length < raw.length) writeFileSync(`${file}.br`, br);
  if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
  count++;
  before += raw.length;
  after += Math.min(br.length, raw.length);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`compress: ${count} file(s), ${kb(before)} → ${kb(after)} with brotli`);
