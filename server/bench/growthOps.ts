// The calls the growth bench times (growth.ts), each as one signed-in user's
// request against a Parley whose database grows around it: a probe user with a
// chat, a folder and a live stream's resume point, and each call it makes.
import type { Services } from '../src/services';
import { agentFor, type RequestSpec, send } from './http';
import { resultOf, trpcMutation, trpcQuery } from './trpcRequests';

const agent = agentFor(4);
const password = 'growth probe password';

async function call<T>(base: string, spec: RequestSpec): Promise<T> {
  return resultOf<T>((await send(base, spec, agent)).body);
}

export interface Probe {
  base: string;
  token: string;
  sessionId: string;
  refreshToken: string;
  sessions: string[];
  folderId: string;
  /**
   * A second user, new at each size, who purges and empties the Trash: the tombstones
   * purges leave in an index (kept a week) would otherwise weigh on the probe's lists.
   */
  emptierToken: string;
}

export async function makeProbe(base: string): Promise<Probe> {
  const signUp = await call<{ accessToken: string; refreshToken: string }>(
    base,
    trpcMutation('auth.register', { username: 'growth_probe', password, refreshTransport: 'body' }),
  );
  const token = signUp.accessToken;
  const sessions: string[] = [];
  for (let i = 0; i < 20; i++) {
    sessions.push(
      (await call<{ id: string }>(base, trpcMutation('session.create', { title: `p${i}` }, token)))
        .id,
    );
  }
  for (const id of sessions.slice(15))
    await call(base, trpcMutation('session.delete', { id }, token));
  // Organised like a heavy user's: pins, a folder, an archive beside the trash.
  for (const id of sessions.slice(0, 3))
    await call(base, trpcMutation('session.update', { id, pinned: true }, token));
  const folder = await call<{ id: string }>(
    base,
    trpcMutation('folder.create', { name: 'Growth' }, token),
  );
  await call(
    base,
    trpcMutation(
      'session.bulk',
      { ids: sessions.slice(2, 8), action: 'move', folderId: folder.id },
      token,
    ),
  );
  await call(
    base,
    trpcMutation('session.bulk', { ids: sessions.slice(10, 15), action: 'archive' }, token),
  );
  const sessionId = sessions[0] ?? '';
  for (let i = 0; i < 60; i++)
    await call(base, trpcMutation('message.send', { sessionId, content: `probe ${i}` }, token));
  return {
    base,
    token,
    sessionId,
    refreshToken: signUp.refreshToken,
    sessions,
    folderId: folder.id,
    emptierToken: '',
  };
}

/** The time until a resumed session.onChange has sent its catch-up of `expected` events. */
async function resumeMs(p: Probe, lastEventId: string, expected: number): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ json: { lastEventId } }));
  const controller = new AbortController();
  const t = performance.now();
  const res = await fetch(`${p.base}/trpc/session.onChange?input=${input}`, {
    headers: { authorization: `Bearer ${p.token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  let seen = 0;
  let text = '';
  const decoder = new TextDecoder();
  while (reader && seen < expected) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const events = text.split('\n\n');
    text = events.pop() ?? '';
    seen += events.filter((e) => e.includes('"updated"')).length;
  }
  const ms = performance.now() - t;
  controller.abort();
  return ms;
}

export type Op = { what: string; once: () => Promise<number> };

function timed(base: string, spec: () => RequestSpec): () => Promise<number> {
  return async () => {
    const a = await send(base, spec(), agent);
    if (a.status >= 400) throw new Error(`${spec().path}: ${a.status} ${a.body.slice(0, 200)}`);
    return a.ms;
  };
}

let emptiers = 0;

export async function newEmptier(base: string): Promise<string> {
  const input = { username: `growth_emptier_${++emptiers}`, password, refreshTransport: 'none' };
  return (await call<{ accessToken: string }>(base, trpcMutation('auth.register', input)))
    .accessToken;
}

/** A trashed session of 60 messages, made for purging. */
async function trashedChat(p: Probe): Promise<string> {
  const t = p.emptierToken;
  const s = await call<{ id: string }>(p.base, trpcMutation('session.create', {}, t));
  for (let i = 0; i < 60; i++) {
    const input = { sessionId: s.id, content: `doomed ${i}` };
    await call(p.base, trpcMutation('message.send', input, t));
  }
  await call(p.base, trpcMutation('session.delete', { id: s.id }, t));
  return s.id;
}

export function ops(p: Probe, services: Services): Op[] {
  const { base, token, sessionId } = p;
  let n = 0;
  return [
    {
      what: 'session.purge (60 messages)',
      once: async () => {
        const id = await trashedChat(p);
        const t = p.emptierToken;
        const ms = await timed(base, () => trpcMutation('session.purge', { id }, t))();
        await services.purges.idle();
        return ms;
      },
    },
    {
      what: 'the background purge after it',
      once: async () => {
        const id = await trashedChat(p);
        await call(base, trpcMutation('session.purge', { id }, p.emptierToken));
        const t = performance.now();
        await services.purges.idle();
        return performance.now() - t;
      },
    },
    {
      what: 'session.emptyTrash (20 chats)',
      once: async () => {
        const t = p.emptierToken;
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          ids.push((await call<{ id: string }>(base, trpcMutation('session.create', {}, t))).id);
        }
        await call(base, trpcMutation('session.bulk', { ids, action: 'delete' }, t));
        const ms = await timed(base, () => trpcMutation('session.emptyTrash', undefined, t))();
        await services.purges.idle();
        return ms;
      },
    },
    {
      what: 'session.get',
      once: timed(base, () => trpcQuery('session.get', { id: sessionId }, token)),
    },
    {
      what: 'session.list (active, 20)', // three pinned first
      once: timed(base, () => trpcQuery('session.list', { limit: 20 }, token)),
    },
    {
      what: 'session.list (trash)',
      once: timed(base, () => trpcQuery('session.list', { view: 'trash' }, token)),
    },
    {
      what: 'session.list (a folder)',
      once: timed(base, () => trpcQuery('session.list', { folderId: p.folderId }, token)),
    },
    {
      what: 'session.list (archived)',
      once: timed(base, () => trpcQuery('session.list', { view: 'archived' }, token)),
    },
    {
      what: 'folder.list',
      once: timed(base, () => trpcQuery('folder.list', undefined, token)),
    },
    {
      what: 'search.query (one word)',
      once: timed(base, () => trpcQuery('search.query', { q: 'probe' }, token)),
    },
    {
      what: 'export of the account (20 chats, a folder, 60 messages)',
      once: timed(base, () => ({
        method: 'GET',
        path: '/export/account',
        headers: { authorization: `Bearer ${token}` },
      })),
    },
    {
      what: 'message.list first page',
      once: timed(base, () => trpcQuery('message.list', { sessionId }, token)),
    },
    {
      what: 'message.send',
      once: timed(base, () =>
        trpcMutation('message.send', { sessionId, content: `grow ${n++}` }, token),
      ),
    },
    {
      what: 'message.send into a new session',
      once: async () => {
        const s = await call<{ id: string }>(base, trpcMutation('session.create', {}, token));
        const ms = await timed(base, () =>
          trpcMutation('message.send', { sessionId: s.id, content: 'first' }, token),
        )();
        await call(base, trpcMutation('session.delete', { id: s.id }, token));
        return ms;
      },
    },
    {
      what: 'auth.login (BCRYPT_COST=4)',
      once: timed(base, () =>
        trpcMutation('auth.login', {
          username: 'growth_probe',
          password,
          refreshTransport: 'none',
        }),
      ),
    },
    {
      what: 'auth.refresh',
      once: async () => {
        // The chain lives on the probe: a spent credential presented again revokes it.
        const spec = trpcMutation('auth.refresh', { refreshToken: p.refreshToken });
        const a = await send(base, spec, agent);
        p.refreshToken = resultOf<{ refreshToken: string }>(a.body).refreshToken;
        return a.ms;
      },
    },
    {
      what: 'session.onChange resume after 100 changes',
      once: async () => {
        const before = await call<{ updatedAt: string; id: string }>(
          base,
          trpcQuery('session.get', { id: p.sessions[19] ?? '' }, token),
        );
        const from = `${new Date(before.updatedAt).getTime()}:${before.id}`;
        const changed = p.sessions.slice(0, 10);
        for (let i = 0; i < 100; i++) {
          const id = changed[i % changed.length] ?? '';
          await call(base, trpcMutation('session.rename', { id, title: `r${i}` }, token));
        }
        return resumeMs(p, from, changed.length);
      },
    },
  ];
}
