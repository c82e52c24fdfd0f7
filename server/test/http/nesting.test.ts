// Deeply nested JSON is refused before it is parsed, on every way in: a tRPC
// body, a GET's `input` and `connectionParams`, and a REST body; unauthenticated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { maxJsonDepth } from '../../src/http/json';
import { signUp, trpcCall } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** About 800 KB of nested arrays. */
const deep = nested(400_000);

type TrpcError = { error?: { json?: { message?: string; data?: { code?: string } } } };

async function trpcAnswer(res: Response) {
  const body = (await res.json()) as TrpcError | TrpcError[];
  const first = Array.isArray(body) ? body[0] : body;
  return {
    status: res.status,
    code: first?.error?.json?.data?.code,
    message: first?.error?.json?.message,
  };
}

describe('deeply nested JSON', () => {
  it('as a tRPC body is refused with 400 BAD_REQUEST before parsing', async () => {
    for (const path of ['auth.login', 'auth.login,auth.login?batch=1']) {
      const res = await fetch(`${parley.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: deep,
        signal: AbortSignal.timeout(20_000),
      });
      const answer = await trpcAnswer(res);
      expect(answer).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
      expect(answer.message).toMatch(/nested/);
    }
  });

  it('in a GET input or connectionParams is refused with 400 BAD_REQUEST', async () => {
    // A URL is bounded by the header limit: deep enough to overflow a recursive walk.
    const input = encodeURIComponent(nested(2_000));
    for (const query of [
      `auth.me?input=${input}`,
      `auth.me,auth.me?batch=1&input=${input}`,
      `auth.me?connectionParams=${input}`,
    ]) {
      const res = await fetch(`${parley.url}/trpc/${query}`, {
        signal: AbortSignal.timeout(20_000),
      });
      const answer = await trpcAnswer(res);
      expect(answer, query.slice(0, 40)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
      expect(answer.message).toMatch(/nested/);
    }
  });

  it('in a subscription input is refused with a BAD_REQUEST error event, as tRPC answers', async () => {
    const input = encodeURIComponent(nested(2_000));
    const res = await fetch(`${parley.url}/trpc/message.onNew?input=${input}`, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    expect(text).toMatch(/event: serialized-error/);
    expect(text).toMatch(/BAD_REQUEST/);
    expect(text).toMatch(/nested/);
  });

  it('as a REST body is refused with 422 in FastAPI shape', async () => {
    const res = await fetch(`${parley.url}/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: string[]; type: string; msg: string }[] };
    expect(body.detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
    expect(body.detail[0]?.msg).toMatch(/nested/);
  });

  it('up to the bound, and brackets inside strings, pass as before', async () => {
    const token = await signUp(parley.url, 'nesting_ok');
    const title = `{"\\"${'['.repeat(190)}`;
    const created = await trpcCall<{ title: string }>(
      parley.url,
      'mutation',
      'session.create',
      { title },
      token,
    );
    expect(created.data?.title).toBe(title);
    // Within the bound, a deep but wrong input is the procedure's own BAD_REQUEST (zod).
    const inner = JSON.parse(nested(maxJsonDepth - 2));
    const res = await fetch(`${parley.url}/trpc/session.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: { title: inner } }),
    });
    const answer = await trpcAnswer(res);
    expect(answer).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(answer.message).not.toMatch(/nested/);
    const me = await trpcCall(parley.url, 'query', 'auth.me', undefined, token);
    expect(me.ok).toBe(true);
  });
});
