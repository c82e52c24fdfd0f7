// The access token in connectionParams (a URL query parameter) is taken for
// subscriptions only: everything else must send it in the Authorization header,
// so that ordinary calls never put a token where proxies and access logs keep URLs.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { dataOf, errorOf, mutate, query } from '../support/http';

let parley: Parley;
let token: string;
let sessionId: string;

const withParams = (path: string, params: unknown) =>
  `${path}${path.includes('?') ? '&' : '?'}connectionParams=${encodeURIComponent(JSON.stringify(params))}`;

beforeAll(async () => {
  parley = await startTestServer();
  const reg = await mutate(parley.url, 'auth.register', {
    username: 'params_user',
    password: 'params password',
    refreshTransport: 'body',
  });
  token = dataOf<{ accessToken: string }>(reg).accessToken;
  const created = await mutate(
    parley.url,
    'session.create',
    { title: 'params' },
    { authorization: `Bearer ${token}` },
  );
  sessionId = dataOf<{ id: string }>(created).id;
});
afterAll(() => parley.stop());

/** The first event of a stream opened with `headers` on `url`, then the stream is closed. */
async function firstEvent(url: string, headers: Record<string, string> = {}): Promise<string> {
  const left = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: left.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    // The server writes `connected` first and, for a refused caller, the error right after.
    for (let i = 0; i < 20 && !/event: (ping|serialized-error)|^data:/m.test(text); i++) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    left.abort();
  }
  return text;
}

describe('connectionParams', () => {
  it('does not sign in a query over GET', async () => {
    const res = await query(parley.url, withParams('auth.me', { token }), undefined);
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
    // The same token in the header is fine.
    const me = await query(parley.url, 'auth.me', undefined, { authorization: `Bearer ${token}` });
    expect(dataOf<{ username: string }>(me).username).toBe('params_user');
  });

  it('does not sign in a mutation', async () => {
    const res = await mutate(parley.url, withParams('session.create', { token }), {
      title: 'should not exist',
    });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
  });

  it('still signs in a subscription, as does the Authorization header', async () => {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ sessionId })));
    const stream = `${parley.url}/trpc/message.onNew?input=${input}`;
    for (const text of [
      await firstEvent(withParams(stream, { token })),
      await firstEvent(stream, { authorization: `Bearer ${token}` }),
    ]) {
      expect(text).toMatch(/event: connected/);
      expect(text).not.toMatch(/serialized-error/);
    }
    // Without either, the stream is refused.
    expect(await firstEvent(stream)).toMatch(/event: serialized-error[\s\S]*UNAUTHORIZED/);
  });
});
