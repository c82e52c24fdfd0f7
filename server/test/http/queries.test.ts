// Queries over GET are answered by http/queries.ts instead of tRPC's resolveResponse.
// Every request here goes to both (the same services, the same data) and the two
// answers must match: status, body, and the headers a client reads.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthResult, Message, Session } from '@parley/shared';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { routerConfig } from '../../src/http/procedures';
import { readQueries } from '../../src/http/queries';
import { maxBatchSize, trpcHandler } from '../../src/http/trpcHandler';
import { startTestServer } from '../support/harness';
import { dataOf, mutate } from '../support/http';

let parley: Parley;
let viaTRPC: Server;
let viaTRPCUrl: string;
let token: string;
let session: Session;
let othersSession: Session;

beforeAll(async () => {
  parley = await startTestServer();
  const handle = trpcHandler(parley.services, { viaTRPC: true });
  viaTRPC = createServer((req, res) => {
    void handle(req, res, new URL(req.url ?? '/', 'http://localhost'));
  });
  await new Promise<void>((resolve) => viaTRPC.listen(0, '127.0.0.1', resolve));
  viaTRPCUrl = `http://127.0.0.1:${(viaTRPC.address() as AddressInfo).port}`;

  const me = dataOf<AuthResult>(
    await mutate(parley.url, 'auth.register', { username: 'lane', password: 'lane password' }),
  );
  token = me.accessToken;
  const auth = { authorization: `Bearer ${token}` };
  session = dataOf<Session>(await mutate(parley.url, 'session.create', { title: 'lane' }, auth));
  for (let i = 0; i < 3; i++) {
    dataOf<Message>(
      await mutate(parley.url, 'message.send', { sessionId: session.id, content: `m${i}` }, auth),
    );
  }
  const other = dataOf<AuthResult>(
    await mutate(parley.url, 'auth.register', { username: 'other', password: 'other password' }),
  );
  othersSession = dataOf<Session>(
    await mutate(
      parley.url,
      'session.create',
      { title: 'not yours' },
      {
        authorization: `Bearer ${other.accessToken}`,
      },
    ),
  );
});

afterAll(async () => {
  viaTRPC.closeAllConnections();
  await new Promise<void>((resolve) => viaTRPC.close(() => resolve()));
  await parley.stop();
});

const input = (value: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(value)));
const batchInput = (values: unknown[]) =>
  encodeURIComponent(
    JSON.stringify(Object.fromEntries(values.map((v, i) => [i, superjson.serialize(v)]))),
  );

interface Case {
  name: string;
  /** After /trpc/. */
  target: () => string;
  headers?: () => Record<string, string>;
  /** Whether http/queries.ts answers it (else resolveResponse does, on both servers). */
  lane: boolean;
}

const bearer = () => ({ authorization: `Bearer ${token}` });

const cases: Case[] = [
  { name: 'one query, no input', target: () => 'auth.me', headers: bearer, lane: true },
  {
    name: 'one query with input',
    target: () => `message.list?input=${input({ sessionId: session.id, limit: 2 })}`,
    headers: bearer,
    lane: true,
  },
  {
    name: 'a batch, as httpBatchLink sends it',
    target: () =>
      `session.get,message.list,session.list?batch=1&input=${batchInput([
        { id: session.id },
        { sessionId: session.id },
      ])}`,
    headers: bearer,
    lane: true,
  },
  {
    name: 'a batch where one call fails (207)',
    target: () =>
      `session.get,session.get?batch=1&input=${batchInput([{ id: session.id }, { id: othersSession.id }])}`,
    headers: bearer,
    lane: true,
  },
  {
    name: 'input that fails its schema',
    target: () => `message.list?input=${input({ sessionId: 'nope', limit: 0 })}`,
    headers: bearer,
    lane: true,
  },
  {
    name: 'no token',
    target: () => `session.get?input=${input({ id: session.id })}`,
    lane: true,
  },
  {
    name: 'a token that is not one',
    target: () => 'auth.me',
    headers: () => ({ authorization: 'Bearer not-a-token' }),
    lane: true,
  },
  {
    name: 'the token in connection params',
    target: () => `auth.me?connectionParams=${encodeURIComponent(JSON.stringify({ token }))}`,
    lane: true,
  },
  {
    name: 'a percent-encoded path',
    target: () => `session%2Elist`,
    headers: bearer,
    lane: true,
  },
  {
    name: 'input that is not JSON',
    target: () => 'session.list?input=%7Bnope',
    headers: bearer,
    lane: false,
  },
  {
    name: 'a batch whose input is not an object',
    target: () => `session.list?batch=1&input=${encodeURIComponent('[1]')}`,
    headers: bearer,
    lane: false,
  },
  { name: 'an unknown path', target: () => 'session.nope', headers: bearer, lane: false },
  {
    name: 'a mutation over GET',
    target: () => `session.create?input=${input({ title: 'x' })}`,
    headers: bearer,
    lane: false,
  },
  {
    name: 'a batch over the limit',
    target: () =>
      `${Array(maxBatchSize + 1)
        .fill('auth.me')
        .join(',')}?batch=1`,
    headers: bearer,
    lane: false,
  },
  {
    name: 'JSON lines asked for',
    target: () => 'auth.me,auth.me?batch=1',
    headers: () => ({ ...bearer(), 'trpc-accept': 'application/jsonl' }),
    lane: false,
  },
];

/** What a client reads of an answer; request ids differ per request by design. */
async function answer(base: string, c: Case) {
  const res = await fetch(`${base}/trpc/${c.target()}`, { headers: c.headers?.() ?? {} });
  const text = (await res.text()).replace(/"requestId":"[^"]+"/g, '"requestId":"…"');
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    vary: res.headers.get('vary'),
    text,
  };
}

describe('queries over GET', () => {
  it.each(cases)('$name: the same answer as tRPC gives', async (c) => {
    const url = new URL(`http://localhost/trpc/${c.target()}`);
    const req = { headers: c.headers?.() ?? {} } as unknown as IncomingMessage;
    const path = decodeURIComponent(url.pathname.slice('/trpc/'.length));
    expect(readQueries(req, url, path, maxBatchSize) !== null).toBe(c.lane);

    const [ours, theirs] = await Promise.all([answer(parley.url, c), answer(viaTRPCUrl, c)]);
    expect(ours).toEqual(theirs);
  });

  it('an answer the transformer cannot write: the same one error as tRPC gives', async () => {
    const { output } = routerConfig.transformer;
    const serialize = output.serialize;
    output.serialize = (value: unknown) => {
      if (typeof value === 'object' && value !== null && 'items' in value) throw new Error('nope');
      return serialize(value);
    };
    try {
      const c: Case = {
        name: 'unwritable',
        target: () =>
          `session.get,message.list?batch=1&input=${batchInput([{ id: session.id }, { sessionId: session.id }])}`,
        headers: bearer,
        lane: true,
      };
      const [ours, theirs] = await Promise.all([answer(parley.url, c), answer(viaTRPCUrl, c)]);
      expect(ours.status).toBe(500);
      expect(JSON.parse(ours.text).error.json.data.code).toBe('INTERNAL_SERVER_ERROR');
      expect(ours).toEqual(theirs);
    } finally {
      output.serialize = serialize;
    }
  });

  it('answers a page of messages a client can read', async () => {
    const res = await fetch(
      `${parley.url}/trpc/message.list?input=${input({ sessionId: session.id })}`,
      { headers: bearer() },
    );
    const page = dataOf<{ items: Message[] }>({
      status: res.status,
      headers: res.headers,
      text: '',
      body: await res.json(),
    });
    expect(page.items.map((m) => m.content)).toEqual(['m0', 'm1', 'm2']);
    expect(page.items[0]?.createdAt).toBeInstanceOf(Date);
  });
});
