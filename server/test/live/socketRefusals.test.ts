// A socket whose token is refused at sign-in is closed with 4401 and answered as the
// refusal it is: not logged, or answered, as an internal error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Parley } from '../../src/app';
import { setLogLevel, setLogSink } from '../../src/log';
import { socketUrl } from '../live/support';
import { startTestServer } from '../support/harness';

let server: Parley;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('a refused socket sign-in', () => {
  it('is not logged or answered as an internal error', async () => {
    const lines: string[] = [];
    setLogLevel('info');
    const restore = setLogSink((l) => lines.push(l));
    const frames: string[] = [];
    let code = 0;
    try {
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(`${socketUrl(server.url)}?connectionParams=1`);
        ws.on('open', () =>
          ws.send(JSON.stringify({ method: 'connectionParams', data: { token: 'not-a-token' } })),
        );
        ws.on('message', (d) => frames.push(String(d)));
        ws.on('close', (c) => {
          code = c;
          resolve();
        });
        ws.on('error', () => {});
      });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      restore();
    }
    expect(code).toBe(4401);
    expect(lines.filter((l) => l.includes('internal error'))).toEqual([]);
    expect(frames.join('\n')).not.toContain('INTERNAL_SERVER_ERROR');
  });
});
