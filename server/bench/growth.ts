// Flat at any size: one user's calls measured while the database grows around
// them (other users, their sessions and messages), each beside session.get. On
// the embedded database only `_id` lookups avoid reading a whole collection, so a
// request that reads anything else grows with the database. Quick: 100 users /
// 1,000 sessions → 2,000 / 20,000. Full: on to 10,000 / 100,000 / 1,000,000 messages.
import { ObjectId } from 'mongodb';
import { indexesFromSessions } from '../src/chat/indexesFromSessions';
import { entryOf, packIndex } from '../src/chat/sessionIndex';
import { newSessionDoc } from '../src/chat/sessions';
import { sweepTrash } from '../src/chat/trashSweep';
import type { Database } from '../src/db/database';
import type { MessageDoc, SessionDoc, UserDoc } from '../src/db/documents';
import type { Services } from '../src/services';
import type { Bench } from './context';
import { makeProbe, newEmptier, ops, type Probe } from './growthOps';
import { fmt, fmtRatio } from './report';
import { startOwnParley } from './stack';
import { ratio, round, summarise } from './stats';

interface Size {
  users: number;
  sessions: number;
  messagesPerSession: number;
}

/** Other people's data, written in bulk (as the old service's data would be there). */
async function grow(db: Database, from: Size, to: Size, progress: (l: string) => void) {
  const users = to.users - from.users;
  const perUser = Math.round(to.sessions / to.users);
  const hash = '$2b$04$0123456789012345678901uPpZ7s0A0Z3S0tq5k9gJv3PBdkQmNG'; // never signs in
  const now = Date.now();
  for (let done = 0; done < users; ) {
    const n = Math.min(500, users - done);
    const userDocs: UserDoc[] = [];
    const sessions: SessionDoc[] = [];
    const messages: MessageDoc[] = [];
    for (let i = 0; i < n; i++) {
      const name = `grown_${from.users + done + i}`;
      const user: UserDoc = {
        _id: new ObjectId(),
        username: name,
        username_lower: name,
        hashed_password: hash,
        token_version: 0,
        session_index: 1,
        created_at: new Date(now),
        updated_at: new Date(now),
      };
      userDocs.push(user);
      for (let s = 0; s < perUser; s++) {
        const at = new Date(now - (s + 1) * 60_000);
        const session = newSessionDoc(user._id, `grown ${s}`, at);
        for (let m = 0; m < to.messagesPerSession; m++) {
          messages.push({
            _id: new ObjectId(),
            session_id: session._id,
            user_id: user._id,
            content: `grown message ${m}: an ordinary line of chat`,
            role: 'user',
            created_at: at,
            updated_at: at,
            deleted: false,
            deleted_at: null,
            seq: m + 1,
          });
        }
        session.message_count = to.messagesPerSession;
        sessions.push(session);
      }
    }
    await db.users.insertMany(userDocs);
    await db.userNames.insertMany(userDocs.map((u) => ({ _id: u.username_lower, user_id: u._id })));
    await db.sessions.insertMany(sessions);
    for (let i = 0; i < messages.length; i += 5_000)
      await db.messages.insertMany(messages.slice(i, i + 5_000));
    await db.sessionIndex.insertMany(
      userDocs.map((u) => ({
        _id: u._id.toHexString(),
        e: packIndex(sessions.filter((s) => s.user_id.equals(u._id)).map(entryOf)),
      })),
    );
    done += n;
    progress(`  grown to ${(from.users + done).toLocaleString('en-US')} users`);
  }
}

async function measure(p: Probe, services: Services, rounds: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  p.emptierToken = await newEmptier(p.base);
  for (const op of ops(p, services)) {
    const times: number[] = [];
    const n = op.what.startsWith('session.onChange') ? Math.max(3, rounds / 5) : rounds;
    for (let i = 0; i < n; i++) times.push(await op.once());
    out.set(op.what, summarise(times, 0, 1).p50Ms);
  }
  return out;
}

export async function measureGrowth(b: Bench): Promise<void> {
  const { parley, stop } = await startOwnParley(b.stack.embedded, 'parley_growth', {
    BCRYPT_COST: '4',
    LOGIN_PER_USERNAME_AND_ADDRESS: '1000',
  });
  try {
    const db = parley.services.db;
    const sizes: Size[] = [
      { users: 100, sessions: 1_000, messagesPerSession: 2 },
      { users: 2_000, sessions: 20_000, messagesPerSession: 2 },
      ...(b.full ? [{ users: 10_000, sessions: 100_000, messagesPerSession: 10 }] : []),
    ];
    const rounds = b.full ? 25 : 15;
    const zero: Size = {
      users: 0,
      sessions: 0,
      messagesPerSession: sizes[0]?.messagesPerSession ?? 2,
    };
    await grow(db, zero, sizes[0] ?? zero, b.progress);
    const probe = await makeProbe(parley.url);
    const results: Array<[Size, Map<string, number>]> = [];
    let previous = sizes[0] ?? zero;
    for (const size of sizes) {
      if (size !== sizes[0]) await grow(db, previous, size, b.progress);
      previous = size;
      b.progress(
        `measuring at ${size.users.toLocaleString('en-US')} users / ${size.sessions.toLocaleString('en-US')} sessions…`,
      );
      const m = await measure(probe, parley.services, rounds);
      // The hourly trash sweep reads every user's index: it may grow with the users, no faster.
      const swept = performance.now();
      await sweepTrash(parley.services);
      m.set('the trash sweep', performance.now() - swept);
      for (const [what, ms] of m) b.progress(`  ${what}: p50 ${round(ms, 2)} ms`);
      results.push([size, m]);
    }
    const [small, large] = [results[0], results.at(-1)];
    if (!small || !large) return;
    const label = (s: Size) =>
      `${s.users.toLocaleString('en-US')} users / ${s.sessions.toLocaleString('en-US')} sessions`;
    for (const [what, ms] of large[1]) {
      const first = small[1].get(what) ?? Number.NaN;
      if (what === 'the trash sweep') {
        const users = large[0].users / small[0].users;
        b.rows.push({
          what: `growth to ${label(large[0])}: the trash sweep vs at ${label(small[0])} (${fmt(users, 'x', 0)} the users)`,
          parley: fmt(ms, ' ms', 0),
          baseline: fmt(first, ' ms', 0),
          ratio: fmtRatio(ratio(ms, first)),
          target: `≤ ${fmt(1.5 * users, 'x', 0)}`,
        });
        continue;
      }
      b.rows.push({
        what: `growth to ${label(large[0])}: ${what} p50 vs at ${label(small[0])}`,
        parley: fmt(ms, ' ms', 2),
        baseline: fmt(first, ' ms', 2),
        ratio: fmtRatio(ratio(ms, first)),
        target: '≤ 1.5x',
      });
    }
    const get = large[1].get('session.get') ?? Number.NaN;
    const views = [
      'session.list (active, 20)',
      'session.list (a folder)',
      'session.list (archived)',
      'session.list (trash)',
      'folder.list',
    ];
    for (const view of views) {
      b.rows.push({
        what: `${label(large[0])}: ${view} p50 vs session.get p50`,
        parley: fmt(large[1].get(view) ?? Number.NaN, ' ms', 2),
        baseline: fmt(get, ' ms', 2),
        ratio: fmtRatio(ratio(large[1].get(view) ?? Number.NaN, get)),
        target: '≤ 5x',
      });
    }
    b.raw.growth = results.map(([size, m]) => ({ size, p50Ms: Object.fromEntries(m) }));
    // What the first start on an old database does: every user's index from chat_sessions.
    b.progress(`building every session index from ${label(large[0])} (as on an old database)…`);
    const t = performance.now();
    const indexes = await indexesFromSessions(db);
    for (const [userId, index] of indexes) {
      await db.sessionIndex.replaceOne(
        { _id: userId },
        { e: packIndex(index.values()) },
        { upsert: true },
      );
    }
    const seconds = (performance.now() - t) / 1000;
    b.rows.push({
      what: `${label(large[0])}: building every user's session index from chat_sessions (first start on an old database)`,
      parley: fmt(seconds, ' s', 1),
      baseline: '—',
      ratio: '—',
      target: 'report',
    });
  } finally {
    await stop();
  }
}
