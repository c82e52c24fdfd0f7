// Input that is not a superjson document Parley reads gets one answer on every way in
// (a POST body, a batch, a GET's input, a subscription's): 400 BAD_REQUEST "The input
// could not be read.", never the words of the runtime or of superjson.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { signUp } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';

const message = 'The input could not be read.';
/** What superjson and V8 said to these documents before. */
const leaks =
  /is not a function|Cannot read|Cannot destructure|BigInt|github|Unexpected token|JSON at position|stack|superjson|Trying to/i;

let parley: Parley;
let token: string;
beforeAll(async () => {
  parley = await startTestServer();
  token = await signUp(parley.url, 'unreadable_user');
});
afterAll(() => parley?.stop());

const documents: Array<[string, string]> = [
  [
    'referentialEqualities that are not paths',
    '{"json":{"title":"x"},"meta":{"referentialEqualities":"x","v":1}}',
  ],
  ['a note on a path that leads nowhere', '{"meta":{"values":{"nope.nope":["title"]},"v":1}}'],
  [
    'a note on a missing path, of a known type',
    '{"json":{},"meta":{"values":{"nope.nope":["Date"]},"v":1}}',
  ],
  ['null', 'null'],
  ['a bigint', '{"json":{},"meta":{"values":["bigint"],"v":1}}'],
  [
    'an unregistered class',
    '{"json":{"title":"x"},"meta":{"values":{"title":[["class","Foo"]]},"v":1}}',
  ],
  [
    'a class note written flat',
    '{"json":{"title":"x"},"meta":{"values":{"title":["class","Foo"]},"v":1}}',
  ],
  [
    'an unknown custom type',
    '{"json":{"title":"x"},"meta":{"values":{"title":[["custom","Foo"]]},"v":1}}',
  ],
  // superjson walked the string 'Foo' as a tree of notes until the stack overflowed.
  [
    'a custom note written flat',
    '{"json":{"title":"x"},"meta":{"values":{"title":["custom","Foo"]},"v":1}}',
  ],
  [
    'a Date that is not a string',
    '{"json":{"title":5},"meta":{"values":{"title":["Date"]},"v":1}}',
  ],
  ['a prototype key', '{"json":{"title":"x"},"meta":{"values":{"__proto__":["undefined"]},"v":1}}'],
  [
    'an index far past the end',
    '{"json":{"ids":[]},"meta":{"values":{"ids.100000000":["undefined"]},"v":1}}',
  ],
  ['an unknown meta version', '{"json":{"title":"x"},"meta":{"v":2}}'],
  ['an input outside the document', '{"title":"x"}'],
  ['text that is not JSON', '{nope'],
];

type TrpcError = { error?: { json?: { message?: string; data?: { code?: string } } } };

function expectUnreadable(status: number, text: string, one: TrpcError | undefined) {
  expect(status).toBe(400);
  expect(one?.error?.json?.data?.code).toBe('BAD_REQUEST');
  expect(one?.error?.json?.message).toBe(message);
  expect(text).not.toMatch(leaks);
}

const auth = () => ({ authorization: `Bearer ${token}` });
const post = (path: string, body: string) =>
  fetch(`${parley.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body,
  });

describe('a document Parley does not read', () => {
  it.each(documents)('%s: 400 with one message over POST', async (_name, doc) => {
    const res = await post('session.create', doc);
    const text = await res.text();
    expectUnreadable(res.status, text, JSON.parse(text));
  });

  it.each(documents)('%s: 400 with one message over GET', async (_name, doc) => {
    const res = await fetch(`${parley.url}/trpc/session.list?input=${encodeURIComponent(doc)}`, {
      headers: auth(),
    });
    const text = await res.text();
    expectUnreadable(res.status, text, JSON.parse(text));
  });

  it.each(documents.filter(([, doc]) => doc !== '{nope'))(
    '%s: the one message for a batch, which tRPC reads as a whole',
    async (_name, doc) => {
      const good = JSON.stringify(superjson.serialize({ title: 'fine' }));
      const res = await post('session.create,session.create?batch=1', `{"0":${good},"1":${doc}}`);
      const text = await res.text();
      const answers = JSON.parse(text) as TrpcError[];
      expect(answers).toHaveLength(2);
      for (const one of answers) expectUnreadable(res.status, text, one);
    },
  );

  it.each(documents)('%s: the one message as a subscription error', async (_name, doc) => {
    const res = await fetch(`${parley.url}/trpc/message.onNew?input=${encodeURIComponent(doc)}`, {
      headers: { accept: 'text/event-stream', ...auth() },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    expect(text).toMatch(/event: serialized-error/);
    expect(text).toContain(message);
    expect(text).not.toMatch(leaks);
  });
});

describe('what superjson clients send', () => {
  it('undefined fields, special numbers and the root undefined are read', async () => {
    const list = await fetch(
      `${parley.url}/trpc/session.list?input=${encodeURIComponent(
        JSON.stringify(superjson.serialize({ limit: undefined, cursor: undefined })),
      )}`,
      { headers: auth() },
    );
    expect(list.status).toBe(200);
    const created = await post('session.create', JSON.stringify(superjson.serialize(undefined)));
    expect(created.status).toBe(200);
    // NaN is read as NaN, and refused by the schema with its field named.
    const nan = await fetch(
      `${parley.url}/trpc/session.list?input=${encodeURIComponent(
        JSON.stringify(superjson.serialize({ limit: Number.NaN })),
      )}`,
      { headers: auth() },
    );
    const body = (await nan.json()) as TrpcError & {
      error: { json: { data: { zodError: { fieldErrors: Record<string, unknown> } } } };
    };
    expect(nan.status).toBe(400);
    expect(body.error.json.data.zodError.fieldErrors).toHaveProperty('limit');
  });

  it('a Date is read as a Date: the schema, not the reader, refuses it for a title', async () => {
    const res = await post(
      'session.create',
      JSON.stringify(superjson.serialize({ title: new Date() })),
    );
    const body = (await res.json()) as {
      error: { json: { message: string; data: { zodError: { fieldErrors: object } } } };
    };
    expect(res.status).toBe(400);
    expect(body.error.json.message).not.toBe(message);
    expect(body.error.json.data.zodError.fieldErrors).toHaveProperty('title');
  });
});
