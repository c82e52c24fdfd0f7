// 200 slow clients that never finish their headers or their bodies: the server
// keeps serving everyone else meanwhile and answers them 408 itself, slow headers
// after 10 s and slow bodies after 30 s (it checks its timeouts every second).
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { newSession, p, signUp, trpcCall } from './support/trpc';

let parley: Parley;
let token: string;

beforeAll(async () => {
  parley = await startTestServer();
  token = await signUp(parley.url, 'slow_neighbour');
  await newSession(parley.url, token);
});
afterAll(() => parley.stop());

interface Slow {
  socket: Socket;
  closedAfterMs: number | null;
  answer: string;
}

function openSlow(port: number, first: string): Promise<Slow> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const slow: Slow = { socket: connect(port, '127.0.0.1'), closedAfterMs: null, answer: '' };
    slow.socket.setEncoding('utf8');
    slow.socket.on('data', (d: string) => {
      slow.answer += d;
    });
    slow.socket.on('close', () => {
      slow.closedAfterMs = performance.now() - started;
    });
    slow.socket.on('error', () => {});
    slow.socket.once('connect', () => {
      slow.socket.write(first);
      resolve(slow);
    });
    slow.socket.once('error', reject);
  });
}

async function listTimes(count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const out = await trpcCall(parley.url, 'query', 'session.list', { limit: 20 }, token);
    expect(out.ok).toBe(true);
    ms.push(out.ms);
  }
  return ms.sort((a, b) => a - b);
}

describe('200 slow clients', () => {
  it('do not stop others being served, and are answered 408 within bounded time', async () => {
    const idle = await listTimes(30);
    const headers = `POST /trpc/message.send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`;
    const slow = await Promise.all([
      ...Array.from({ length: 100 }, () => openSlow(parley.port, headers)),
      ...Array.from({ length: 100 }, () =>
        openSlow(
          parley.port,
          `${headers}Authorization: Bearer ${token}\r\nContent-Length: 1000\r\n\r\n{"json":`,
        ),
      ),
    ]);
    // Trickle a byte now and then, as a slowloris does, to look alive.
    const trickle = setInterval(() => {
      for (const [i, s] of slow.entries()) {
        if (s.closedAfterMs === null) s.socket.write(i < 100 ? 'X-Slow: 1\r\n' : ' ');
      }
    }, 2_000);
    const busy = await listTimes(30);
    console.log(
      `session.list p99 idle ${p(idle, 0.99).toFixed(1)} ms, with 200 slow clients ${p(busy, 0.99).toFixed(1)} ms`,
    );
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && slow.some((s) => s.closedAfterMs === null)) {
      await sleep(250);
    }
    clearInterval(trickle);
    const cut = (list: Slow[]) => list.filter((s) => s.closedAfterMs !== null);
    const worst = (list: Slow[]) => Math.max(0, ...cut(list).map((s) => s.closedAfterMs ?? 0));
    const [headerSlow, bodySlow] = [slow.slice(0, 100), slow.slice(100)];
    console.log(
      `slow headers: ${cut(headerSlow).length}/100 cut off (last after ${worst(headerSlow).toFixed(0)} ms, answers: ${[...new Set(headerSlow.map((s) => s.answer.split('\r\n')[0]))].join(' | ')}); ` +
        `slow bodies: ${cut(bodySlow).length}/100 cut off (last after ${worst(bodySlow).toFixed(0)} ms, answers: ${[...new Set(bodySlow.map((s) => s.answer.split('\r\n')[0]))].join(' | ')})`,
    );
    for (const s of slow) s.socket.destroy();
    expect(cut(headerSlow).length).toBe(100);
    expect(cut(bodySlow).length).toBe(100);
    for (const s of slow) expect(s.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(busy.length).toBe(30);
    // Still serving afterwards.
    expect((await listTimes(3)).length).toBe(3);
  });
});
