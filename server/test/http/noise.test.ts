// What a misbehaving client leaves behind: a body cut off mid-way is one log line
// with its request id (no stack), and input that makes a parser recurse too deep
// gets a generic refusal, never the runtime's own words.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Parley } from '../../src/app';
import { setLogSink } from '../../src/log';
import { startTestServer } from '../support/harness';

let parley: Parley;
const lines: string[] = [];
let restoreSink: () => void;

beforeAll(async () => {
  restoreSink = setLogSink((line) => lines.push(line));
  parley = await startTestServer({ LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await parley?.stop();
  restoreSink?.();
});

/**
 * Sends the headers and part of a 10 KB body, then resets the connection. Waits for the
 * server's `100 Continue` first, so the request has reached its handler when the body stops.
 */
async function abortMidBody(path: string): Promise<void> {
  const socket = connect(parley.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const continued = new Promise<void>((resolve) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('100 Continue')) resolve();
    });
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      'content-length: 10000\r\nexpect: 100-continue\r\n\r\n',
  );
  await continued;
  socket.write('{"json":{"username":"someone","password":"');
  socket.resetAndDestroy();
}

const uuid = /"requestId":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/;

describe('a request body cut off mid-way', () => {
  it.each(['/trpc/auth.login', '/auths/login'])(
    'on %s is one log line with the request id and no stack',
    async (path) => {
      const before = lines.length;
      const about = () => lines.slice(before).filter((l) => l.includes(path));
      await abortMidBody(path);
      await vi.waitFor(() => expect(about().length).toBeGreaterThan(0), { timeout: 10_000 });
      // A later request has been answered, so anything else the abort logs has been logged.
      expect((await fetch(`${parley.url}/healthz`)).status).toBe(200);
      expect(about()).toHaveLength(1);
      const [line = ''] = about();
      expect(line).toMatch(uuid);
      expect(line.match(/\n/g)).toHaveLength(1);
      expect(line).not.toMatch(/\bat \S+ \(|internal error/);
      expect(lines.slice(before).join('')).not.toMatch(/at abortIncoming/);
    },
  );
});

describe('input nested deeper than a parser can follow', () => {
  // superjson walks `meta` recursively: deep enough, that walk overflows the stack.
  const deepMeta = (depth: number) =>
    `{"json":{},"meta":{"values":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

  it('gets a generic BAD_REQUEST over POST', async () => {
    const res = await fetch(`${parley.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deepMeta(5_000),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(/Maximum call stack|RangeError/i);
    // The nesting bound answers first; past it, the error formatter's generic answer.
    expect(JSON.parse(text).error.json.message).toMatch(
      /^(JSON nested more than 64 levels deep\.|The input could not be read\.)$/,
    );
  });

  it('gets a generic BAD_REQUEST over GET', async () => {
    // Brackets may stay as they are in a query, which keeps the URL under Node's header limit.
    const input = encodeURIComponent(deepMeta(5_000)).replace(/%5B/g, '[').replace(/%5D/g, ']');
    const signedUp = await fetch(`${parley.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        json: {
          username: 'deep_reader',
          password: 'correct horse battery',
          refreshTransport: 'none',
        },
      }),
    });
    const signUp = (await signedUp.json()) as {
      result: { data: { json: { accessToken: string } } };
    };
    const token = signUp.result.data.json.accessToken;
    // A signed-in caller, so the input is read (an anonymous one is refused before that).
    const res = await fetch(`${parley.url}/trpc/session.list?input=${input}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(/Maximum call stack|RangeError/i);
    // The nesting bound answers first; past it, the error formatter's generic answer.
    expect(JSON.parse(text).error.json.message).toMatch(
      /^(JSON nested more than 64 levels deep\.|The input could not be read\.)$/,
    );
  });
});
