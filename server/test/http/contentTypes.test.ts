// A tRPC call's body is JSON: every other content type, and none, gets one 415
// UNSUPPORTED_MEDIA_TYPE and runs nothing; what tRPC's own links send is answered.
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import type { AppRouter } from '../../src/routers/app';
import { signUp } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';
import { wire } from './support/wire';

let parley: Parley;
let token: string;
beforeAll(async () => {
  parley = await startTestServer();
  token = await signUp(parley.url, 'content_types');
});
afterAll(() => parley?.stop());

const auth = () => ({ authorization: `Bearer ${token}` });
const body = JSON.stringify(superjson.serialize({ title: 'from a body' }));

async function chatCount(): Promise<number> {
  const res = await fetch(`${parley.url}/trpc/session.list`, { headers: auth() });
  const { result } = (await res.json()) as { result: { data: never } };
  const page = superjson.deserialize(result.data) as { items: unknown[] };
  return page.items.length;
}

type TrpcError = { error: { json: { message: string; data: { code: string } } } };

describe('a tRPC POST whose body is not JSON', () => {
  const multipart = () => {
    const form = new FormData();
    form.set('title', 'from a form');
    return form;
  };
  const cases: Array<[string, () => RequestInit]> = [
    ['multipart/form-data', () => ({ body: multipart() })],
    [
      'application/octet-stream',
      () => ({ body, headers: { 'content-type': 'application/octet-stream' } }),
    ],
    ['text/plain', () => ({ body, headers: { 'content-type': 'text/plain' } })],
    [
      'a form',
      () => ({ body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ],
    [
      'a type that only begins like JSON',
      () => ({ body, headers: { 'content-type': 'application/jsonx' } }),
    ],
  ];
  const messages = new Set<string>();

  it.each(cases)('%s: 415 UNSUPPORTED_MEDIA_TYPE, and no chat made', async (_name, init) => {
    const before = await chatCount();
    for (const path of ['session.create', 'session.create,session.create?batch=1']) {
      const request = init();
      const res = await fetch(`${parley.url}/trpc/${path}`, {
        method: 'POST',
        ...request,
        headers: { ...auth(), ...(request.headers as Record<string, string>) },
      });
      expect(res.status).toBe(415);
      const answer = (await res.json()) as TrpcError;
      expect(answer.error.json.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      messages.add(answer.error.json.message);
    }
    expect(await chatCount()).toBe(before);
  });

  it('no content type at all: the same 415', async () => {
    const res = await wire(parley.url, '/trpc/session.create', {
      method: 'POST',
      headers: { ...auth(), 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect(res.status).toBe(415);
    const answer = JSON.parse(res.body.toString()) as TrpcError;
    expect(answer.error.json.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    messages.add(answer.error.json.message);
  });

  it('every one of them words it the same', () => {
    expect(messages.size).toBe(1);
  });
});

describe('what clients send', () => {
  it.each([
    'application/json; charset=utf-8',
    'Application/JSON',
    'APPLICATION/JSON; charset=UTF-8',
  ])('JSON as %s is answered (media types ignore case)', async (type) => {
    const res = await fetch(`${parley.url}/trpc/session.create`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': type },
      body,
    });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: { data: never } };
    expect((superjson.deserialize(result.data) as { title: string }).title).toBe('from a body');
  });

  it.each([
    ['httpLink', httpLink],
    ['httpBatchLink', httpBatchLink],
  ] as const)('tRPC’s %s, with and without an input', async (_name, link) => {
    const api = createTRPCClient<AppRouter>({
      links: [link({ url: `${parley.url}/trpc`, transformer: superjson, headers: auth })],
    });
    expect((await api.session.create.mutate({ title: 'linked' })).title).toBe('linked');
    expect((await api.session.create.mutate()).title).toBe('New Chat');
  });
});
