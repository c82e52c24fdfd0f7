// Percent-encoding that does not decode (`%E0%A4%A` is a cut-off UTF-8 sequence) in a
// tRPC path, a batch path, a GET's input or connectionParams, and the REST routes: a
// 4xx in the route's usual shape, never a 500, and nothing logged at error level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { setLogSink } from '../../src/log';
import { signUp } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';
import { type WireAnswer, wire } from './support/wire';

const bad = '%E0%A4%A';

let parley: Parley;
let token: string;
const lines: string[] = [];
let restoreSink: () => void;

beforeAll(async () => {
  restoreSink = setLogSink((line) => lines.push(line));
  parley = await startTestServer({ LOG_LEVEL: 'warn' });
  token = await signUp(parley.url, 'percent_user');
});
afterAll(async () => {
  await parley?.stop();
  restoreSink?.();
});

type TrpcError = { error?: { json?: { message?: string; data?: { code?: string } } } };
type TrpcAnswer = TrpcError & { result?: unknown };

/** The request as written, signed in, and what was logged at error level while it ran. */
async function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<WireAnswer & { errors: string[] }> {
  const before = lines.length;
  const headers = { authorization: `Bearer ${token}`, ...opts.headers };
  const answer = await wire(parley.url, path, { ...opts, headers });
  return { ...answer, errors: lines.slice(before).filter((l) => / error /.test(l)) };
}

const json = (a: WireAnswer) => JSON.parse(a.body.toString()) as TrpcAnswer | TrpcAnswer[];
const codeOf = (a: TrpcAnswer | undefined) => a?.error?.json?.data?.code;

describe('a tRPC path that is not valid percent-encoding', () => {
  it.each(['GET', 'POST'])('over %s names no procedure: 404 NOT_FOUND', async (method) => {
    const answer = await send(`/trpc/${bad}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{"json":{}}' } : {}),
    });
    expect(answer.status).toBe(404);
    const body = json(answer) as TrpcAnswer;
    expect(codeOf(body)).toBe('NOT_FOUND');
    expect(body.error?.json?.message).toBe(`No procedure found on path "${bad}"`);
    expect(answer.errors).toEqual([]);
  });

  it('in a batch answers NOT_FOUND for that call, as for any unknown name', async () => {
    const both = await send(`/trpc/${bad},${bad}?batch=1`);
    expect(both.status).toBe(404);
    expect((json(both) as TrpcAnswer[]).map(codeOf)).toEqual(['NOT_FOUND', 'NOT_FOUND']);

    const mixed = await send(`/trpc/auth.me,${bad}?batch=1`);
    expect(mixed.status).toBe(207);
    const [me, unknown] = json(mixed) as TrpcAnswer[];
    expect(me?.result).toBeDefined();
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect([...both.errors, ...mixed.errors]).toEqual([]);
  });

  it('as a subscription answers NOT_FOUND too', async () => {
    const answer = await send(`/trpc/${bad}`, { headers: { accept: 'text/event-stream' } });
    expect(answer.status).toBe(404);
    expect(codeOf(json(answer) as TrpcAnswer)).toBe('NOT_FOUND');
    expect(answer.errors).toEqual([]);
  });
});

describe('query parameters that are not valid percent-encoding', () => {
  it('in a GET input: 400 BAD_REQUEST, one call or a batch', async () => {
    const one = await send(`/trpc/session.list?input=${bad}`);
    expect(one.status).toBe(400);
    expect(codeOf(json(one) as TrpcAnswer)).toBe('BAD_REQUEST');
    const batch = await send(`/trpc/session.list,auth.me?batch=1&input=${bad}`);
    expect((json(batch) as TrpcAnswer[]).map(codeOf)).toContain('BAD_REQUEST');
    expect([...one.errors, ...batch.errors]).toEqual([]);
  });

  it('in connectionParams: 400 PARSE_ERROR', async () => {
    const answer = await send(`/trpc/auth.me?connectionParams=${bad}`);
    expect(answer.status).toBe(400);
    expect(codeOf(json(answer) as TrpcAnswer)).toBe('PARSE_ERROR');
    expect(answer.errors).toEqual([]);
  });

  it('in a subscription input: a BAD_REQUEST error event', async () => {
    const answer = await send(`/trpc/message.onNew?input=${bad}`, {
      headers: { accept: 'text/event-stream' },
    });
    const text = answer.body.toString();
    expect(text).toMatch(/event: serialized-error/);
    expect(text).toMatch(/BAD_REQUEST/);
    expect(answer.errors).toEqual([]);
  });
});

describe('REST routes and pages with such a path', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  it.each([
    ['GET', `/chat/sessions/${bad}`, 422, undefined],
    ['GET', `/chat/sessions/${bad}/messages`, 422, undefined],
    ['POST', `/chat/sessions/${bad}/messages`, 422, '{"content":"hi"}'],
    ['GET', `/chat/sessions?limit=${bad}`, 422, undefined],
    ['POST', `/auth/${bad}`, 404, undefined],
    ['GET', `/export/sessions/${bad}`, 404, undefined],
    ['GET', `/${bad}`, 400, undefined],
  ] as const)('%s %s answers %i', async (method, path, status, body) => {
    const headers = body ? { 'content-type': 'application/json' } : undefined;
    const answer = await send(path, { method, headers, ...(body ? { body } : {}) });
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body.toString())).toHaveProperty('detail');
    expect(answer.errors).toEqual([]);
  });

  it('a sign-in form with such fields is refused as a wrong password', async () => {
    const answer = await send('/auths/login', {
      method: 'POST',
      headers: form,
      body: `username=${bad}&password=${bad}`,
    });
    expect(answer.status).toBe(401);
    expect(answer.errors).toEqual([]);
  });
});
