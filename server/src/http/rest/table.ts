// The seed's REST routes, one line each: path, body kind, the tRPC procedure it
// runs (through a caller, so auth, validation and logic are the twin's own) and
// the seed shape it answers with.
import { limits } from '@parley/shared';
import { messageCursor } from '../../chat/cursor';
import type { createCaller, RouterOutputs } from '../../routers/app';
import type { FieldPlaces } from './errors';
import { type SkipLimit, sessionSkipMax, skipLimit, sliceOfPages } from './paging';
import { toSeedMessage, toSeedSession } from './shapes';

export type Api = ReturnType<typeof createCaller>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Message = RouterOutputs['message']['list']['items'][number];

export interface RestCall {
  params: Record<string, string>;
  url: URL;
  body: Record<string, unknown>;
}

export interface RestRoute {
  method: Method;
  /** `:name` segments are path parameters. */
  path: string;
  body?: 'json' | 'form';
  /** Where the procedure's input fields came from, for 422 answers. */
  places?: FieldPlaces;
  run(api: Api, call: RestCall): Promise<unknown>;
}

const sessionPlaces: FieldPlaces = { id: ['path', 'session_id'] };
const messagePlaces: FieldPlaces = {
  sessionId: ['path', 'session_id'],
  id: ['path', 'session_id'],
};
const pastSessionSkipMax =
  '; to page further, follow nextCursor of session.list in the tRPC API (/trpc)';
/** JSON `null` means "not given" to the seed's optional fields. */
const given = (v: unknown) => (v === null ? undefined : v) as string;

const renameRoute = (method: Method): RestRoute => ({
  method,
  path: '/chat/sessions/:id',
  body: 'json',
  places: sessionPlaces,
  run: async (api, { params, body }) =>
    toSeedSession(await api.session.rename({ id: params.id ?? '', title: given(body.title) })),
});

/**
 * Messages `skip + 1 ..` of a session, oldest first, at most `limit`: a message's
 * seq is its position, so the pages are the ones ending at the last wanted seq,
 * read by message.list's own cursor. O(limit) reads however deep `skip` goes.
 */
async function messagesAt(api: Api, sessionId: string, { skip, limit }: SkipLimit) {
  const { messageCount } = await api.session.get({ id: sessionId });
  const first = skip + 1;
  const out: Message[] = [];
  // A page holds the messages below `end`; a long page may stop short, and the next goes on.
  let end = Math.min(messageCount, skip + limit) + 1;
  while (end > first) {
    const page: RouterOutputs['message']['list'] = await api.message.list({
      sessionId,
      limit: end - first,
      cursor: messageCursor(sessionId, 'older', end),
    });
    const oldest = page.items[0];
    if (!oldest) break;
    out.unshift(...page.items);
    end = oldest.seq;
  }
  return out;
}

export const restTable: RestRoute[] = [
  {
    method: 'POST',
    path: '/auths/login',
    body: 'form',
    run: async (api, { body }) => {
      const auth = await api.auth.login({
        username: body.username as string,
        password: body.password as string,
        refreshTransport: 'none',
      });
      return { access_token: auth.accessToken, token_type: 'bearer' };
    },
  },
  {
    method: 'POST',
    path: '/chat/sessions',
    body: 'json',
    run: async (api, { body }) =>
      toSeedSession(await api.session.create({ title: given(body.title) })),
  },
  {
    method: 'GET',
    path: '/chat/sessions',
    run: async (api, { url }) => {
      const range = skipLimit(url, limits.sessionPageDefault, sessionSkipMax, pastSessionSkipMax);
      const pageSize = Math.min(limits.sessionPageMax, range.skip + range.limit);
      const sessions = await sliceOfPages(
        (cursor) => api.session.list({ limit: pageSize, cursor }),
        range,
      );
      return sessions.map(toSeedSession);
    },
  },
  {
    method: 'GET',
    path: '/chat/sessions/:id',
    places: sessionPlaces,
    run: async (api, { params }) => toSeedSession(await api.session.get({ id: params.id ?? '' })),
  },
  renameRoute('PUT'),
  renameRoute('PATCH'),
  {
    method: 'DELETE',
    path: '/chat/sessions/:id',
    places: sessionPlaces,
    run: async (api, { params }) =>
      toSeedSession(await api.session.delete({ id: params.id ?? '' })),
  },
  {
    method: 'POST',
    path: '/chat/sessions/:id/messages',
    body: 'json',
    places: messagePlaces,
    run: async (api, { params, body }) =>
      toSeedMessage(
        await api.message.send({ sessionId: params.id ?? '', content: given(body.content) }),
      ),
  },
  {
    method: 'GET',
    path: '/chat/sessions/:id/messages',
    places: messagePlaces,
    run: async (api, { params, url }) => {
      const messages = await messagesAt(
        api,
        params.id ?? '',
        skipLimit(url, limits.messagePageDefault),
      );
      return messages.map(toSeedMessage);
    },
  },
];
