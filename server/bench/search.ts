// Search at size: 100,000 messages (quick: 20,000) over 100 users, a tenth of them
// the probe user's. Each query's p50/p99 beside session.get, the same one-word
// query as a $regex scan with the bare driver, the index's heap and its cold load.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ObjectId } from 'mongodb';
import { bucketsFrom } from '../src/chat/readModel';
import { entryOf, packIndex } from '../src/chat/sessionIndex';
import { newSessionDoc } from '../src/chat/sessions';
import type { Database } from '../src/db/database';
import type { MessageDoc, SessionDoc } from '../src/db/documents';
import type { Bench } from './context';
import { agentFor, type RequestSpec, send } from './http';
import { fmt, fmtRatio } from './report';
import { startOwnParley } from './stack';
import { percentile, ratio, round } from './stats';
import { resultOf, trpcMutation, trpcQuery } from './trpcRequests';

const agent = agentFor(2);
const words =
  'deployment deploy server client message search index bucket session title rename purge archive folder typing render browser network latency cache memory budget window cursor paging scroll highlight snippet result query token prefix fuzzy phrase resume review meeting tomorrow morning release rollback incident database worker queue config secret login logout password account profile settings theme mobile desktop keyboard shortcut coffee lunch weekend holiday invoice customer support ticket question answer idea draft report chart figure number monday friday'.split(
    ' ',
  );
export const searchQueries = {
  'one word': 'deployment',
  'two words': 'release rollback',
  prefix: 'deplo',
  typo: 'rolback',
} as const;

let seed = 42;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const line = () =>
  Array.from(
    { length: 6 + Math.floor(random() * 14) },
    () => words[Math.floor(random() * words.length)],
  ).join(' ');

/** `total` messages over 100 users in sessions of 200, `mine` of them the owner's; bulk writes. */
async function seedMessages(
  db: Database,
  owner: ObjectId,
  total: number,
  mine: number,
  progress: (l: string) => void,
) {
  const perSession = 200;
  const others = Array.from({ length: 99 }, () => new ObjectId());
  const base = Date.now() - 86_400_000;
  const byUser = new Map<string, SessionDoc[]>();
  for (let done = 0, s = 0; done < total; s++) {
    const user = done < mine ? owner : (others[s % others.length] as ObjectId);
    const session = newSessionDoc(user, `chat ${s}: ${line().slice(0, 40)}`, new Date(base));
    const messages: (MessageDoc & { seq: number })[] = [];
    for (let i = 0; i < perSession; i++) {
      const at = new Date(base + i * 1_000);
      messages.push({
        _id: new ObjectId(),
        session_id: session._id,
        user_id: user,
        content: line(),
        role: i % 2 ? 'assistant' : 'user',
        created_at: at,
        updated_at: at,
        deleted: false,
        deleted_at: null,
        seq: i + 1,
      });
    }
    const buckets = bucketsFrom(session._id, messages);
    Object.assign(session, {
      message_count: perSession,
      last_message_at: messages.at(-1)?.created_at,
      activity_at: messages.at(-1)?.created_at,
    });
    await db.messages.insertMany(messages, { ordered: false });
    await db.buckets.insertMany(buckets, { ordered: false });
    await db.sessions.insertOne(session);
    const key = user.toHexString();
    byUser.set(key, [...(byUser.get(key) ?? []), session]);
    done += perSession;
    if (done % 10_000 === 0) progress(`  seeded ${done.toLocaleString('en-US')} messages`);
  }
  for (const [key, sessions] of byUser) {
    await db.sessionIndex.replaceOne(
      { _id: key },
      { e: packIndex(sessions.map(entryOf)) },
      { upsert: true },
    );
  }
}

/** The heap in use after a full collection, when the flag can be set. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function timedCalls(base: string, spec: RequestSpec, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const a = await send(base, spec, agent);
    if (a.status >= 400) throw new Error(`${spec.path}: ${a.status} ${a.body.slice(0, 200)}`);
    times.push(a.ms);
  }
  return times.sort((a, b) => a - b);
}

export async function measureSearch(b: Bench): Promise<void> {
  const total = b.full ? 100_000 : 20_000;
  const mine = total / 10;
  const { parley, stop } = await startOwnParley(b.stack.embedded, 'parley_search', {
    BCRYPT_COST: '4',
  });
  try {
    const base = parley.url;
    const { accessToken: token, user } = resultOf<{ accessToken: string; user: { id: string } }>(
      (
        await send(
          base,
          trpcMutation('auth.register', { username: 'search_probe', password: 'search probe pw' }),
          agent,
        )
      ).body,
    );
    const owner = ObjectId.createFromHexString(user.id);
    const db = parley.services.db;
    const seeding = performance.now();
    await seedMessages(db, owner, total, mine, b.progress);
    b.progress(`seeded ${total} messages in ${round((performance.now() - seeding) / 1000, 1)} s`);
    const someSession = resultOf<{ items: Array<{ id: string }> }>(
      (await send(base, trpcQuery('session.list', { limit: 1 }, token), agent)).body,
    ).items[0]?.id;

    // Cold load: the first search starts the build; searches answer `indexing` until it ends.
    const heapBefore = heapAfterGc();
    const coldStarted = performance.now();
    const search = (q: string) => trpcQuery('search.query', { q }, token);
    for (let i = 0; i < 10_000; i++) {
      const r = resultOf<{ indexing: boolean }>(
        (await send(base, search('deployment'), agent)).body,
      );
      if (!r.indexing) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const coldMs = performance.now() - coldStarted;
    const heapMb = (heapAfterGc() - heapBefore) / 1024 / 1024;
    const stats = parley.services.search.stats();
    const mbPer100k = (heapMb * 100_000) / Math.max(stats.texts, 1);
    b.progress(
      `cold load ${round(coldMs)} ms, ${stats.texts} texts, heap +${round(heapMb, 1)} MB (estimate ${round(stats.bytes / 1048576, 1)} MB)`,
    );

    const rounds = b.full ? 300 : 100;
    const get = await timedCalls(
      base,
      trpcQuery('session.get', { id: someSession }, token),
      rounds,
    );
    const getP50 = percentile(get, 50);
    const raw: Record<string, unknown> = { total, mine, coldMs, heapMb, mbPer100k, stats };
    const label = `${total.toLocaleString('en-US')} messages (${mine.toLocaleString('en-US')} the user's)`;
    for (const [what, q] of Object.entries(searchQueries)) {
      const hits = resultOf<{ items: unknown[] }>((await send(base, search(q), agent)).body).items
        .length;
      const t = await timedCalls(base, search(q), rounds);
      const [p50, p99] = [percentile(t, 50), percentile(t, 99)];
      raw[what] = { p50, p99 };
      b.progress(
        `  search ${what} "${q}" (${hits} hits on the first page): p50 ${round(p50)} ms, p99 ${round(p99)} ms`,
      );
      b.rows.push({
        what: `${label}: search.query ${what} ("${q}") p50 vs session.get p50`,
        parley: fmt(p50, ' ms', 2),
        baseline: fmt(getP50, ' ms', 2),
        ratio: fmtRatio(ratio(p50, getP50)),
        target: '≤ 5x',
      });
      b.rows.push({
        what: `${label}: search.query ${what} p99`,
        parley: fmt(p99, ' ms', 2),
        baseline: fmt(percentile(get, 99), ' ms', 2),
        ratio: fmtRatio(ratio(p99, percentile(get, 99))),
        target: '< 100 ms',
      });
    }
    // The scan search replaces: the bare driver's case-insensitive $regex over the user's messages.
    const scans: number[] = [];
    for (let i = 0; i < (b.full ? 5 : 10); i++) {
      const t = performance.now();
      await db.messages
        .find({ user_id: owner, content: { $regex: searchQueries['one word'], $options: 'i' } })
        .limit(20)
        .toArray();
      scans.push(performance.now() - t);
    }
    scans.sort((a, c) => a - c);
    const one = (raw['one word'] as { p50: number }).p50;
    const scanP50 = percentile(scans, 50);
    raw.regexP50 = scanP50;
    b.progress(`  $regex scan: p50 ${round(scanP50)} ms`);
    b.rows.push(
      {
        what: `${label}: search.query one word p50 vs the same word as a $regex scan (bare driver)`,
        parley: fmt(one, ' ms', 2),
        baseline: fmt(scanP50, ' ms', 2),
        ratio: fmtRatio(ratio(one, scanP50)),
        target: '< 1x',
      },
      {
        what: `search index of ${stats.texts.toLocaleString('en-US')} texts: heap, and MB per 100,000 messages`,
        parley: fmt(heapMb, ' MB', 1),
        baseline: fmt(mbPer100k, ' MB / 100k', 1),
        ratio: '',
        target: 'bounded (SEARCH_MAX_MB)',
      },
      {
        what: `search index cold load of ${mine.toLocaleString('en-US')} messages (first search to indexing: false)`,
        parley: fmt(coldMs, ' ms', 0),
        baseline: '',
        ratio: '',
        target: 'does not block searches',
      },
    );
    b.raw.search = raw;
  } finally {
    await stop();
  }
}
