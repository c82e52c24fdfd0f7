// The bundle budget: the JavaScript a first visit loads (the entry script and the
// chunks index.html preloads), gzipped, must stay within 120 KB. Run after `vite build`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const budgetBytes = 120 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const initial = new Set();
for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) initial.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g))
  initial.add(m[1]);
if (initial.size === 0) {
  console.error('budget: no script found in dist/index.html');
  process.exit(1);
}

let total = 0;
for (const src of initial) {
  const bytes = gzipSync(readFileSync(join(dist, src.replace(/^\//, '')))).length;
  total += bytes;
  console.log(`  ${src}  ${(bytes / 1024).toFixed(1)} KB gzipped`);
}
const figure = `${(total / 1024).toFixed(1)} KB of ${budgetBytes / 1024} KB`;
if (total > budgetBytes) {
  console.error(`budget: initial JavaScript is ${figure} (gzipped): over budget`);
  process.exit(1);
}
console.log(`budget: initial JavaScript is ${figure} (gzipped)`);
