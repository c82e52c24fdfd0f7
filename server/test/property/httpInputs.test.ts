// Arbitrary JSON over real HTTP into every query and mutation, in the superjson
// envelope or not, with arbitrary `meta`: never a 5xx, and nothing another user
// owns ever changes. (Subscriptions are covered through the router.)
import { fc, it } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Parley } from '../../src/app';
import { newSession, signUp, trpcCall } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';
import { inputs, objectId, ownedBy, procedures } from './support';

let parley: Parley;
let myToken: string;
let theirId: string;
const ids = { theirs: [] as string[], mine: [] as string[] };

beforeAll(async () => {
  parley = await startTestServer();
  const theirToken = await signUp(parley.url, 'http_owner');
  const sessionId = await newSession(parley.url, theirToken);
  const sent = await trpcCall<{ id: string; userId: string }>(
    parley.url,
    'mutation',
    'message.send',
    { sessionId, content: 'mine, not yours' },
    theirToken,
  );
  theirId = sent.data?.userId ?? '';
  ids.theirs.push(sessionId, sent.data?.id ?? '');
  myToken = await signUp(parley.url, 'http_caller');
  ids.mine.push(await newSession(parley.url, myToken));
});
afterAll(() => parley.stop());

const envelopes = fc.oneof(
  inputs(ids).map((v) => ({ json: v })),
  fc.jsonValue(),
  fc.record({ json: inputs(ids), meta: fc.jsonValue() }),
);

describe.each(procedures().filter((p) => p.type !== 'subscription'))(
  '$path over HTTP with arbitrary JSON',
  ({ path, type }) => {
    it.prop([envelopes], { numRuns: 25 })('never answers 5xx', async (body) => {
      const before = await ownedBy(parley.services.db, objectId(theirId));
      const text = JSON.stringify(body) ?? 'null';
      const res = await fetch(
        type === 'query'
          ? `${parley.url}/trpc/${path}?input=${encodeURIComponent(text)}`
          : `${parley.url}/trpc/${path}`,
        {
          method: type === 'query' ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${myToken}` },
          body: type === 'query' ? undefined : text,
          signal: AbortSignal.timeout(10_000),
        },
      );
      const answer = await res.text();
      expect(res.status, `${path} ${text.slice(0, 300)} -> ${answer.slice(0, 300)}`).toBeLessThan(
        500,
      );
      expect(await ownedBy(parley.services.db, objectId(theirId))).toBe(before);
    });
  },
);
