// Server memory after a full garbage collection (this process is the server).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function settledMemory(): Promise<{ heapUsed: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  // external already includes arrayBuffers (Buffers and the like).
  return { heapUsed: m.heapUsed + m.external, rss: m.rss };
}
