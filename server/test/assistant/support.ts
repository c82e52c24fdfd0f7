// Shared by the assistant tests: a Parley pointed at a stand-in model, a signed-in
// client, and a recorder of a session's reply events folded into the reply shown.
import { applyReplyEvent, type Message, type ReplyEvent } from '@parley/shared';
import { afterAll, beforeAll } from 'vitest';
import type { Parley } from '../../src/app';
import { type Client, clientFor, record, tokenFor, waitFor } from '../realtime/support';
import { newUser, startTestServer } from '../support/harness';
import { ModelServer } from '../support/modelServer';

export async function startWithModel(env: Record<string, string> = {}) {
  const model = await ModelServer.start();
  const server = await startTestServer({
    ASSISTANT_BASE_URL: model.baseUrl,
    ASSISTANT_MODEL: 'test-model',
    ASSISTANT_SAVE_EVERY_MS: '100',
    ...env,
  });
  return { model, server };
}

/**
 * For the enclosing describe's tests: a Parley on a stand-in model and a signed-in
 * client, started before them and stopped after (read the fields inside the tests).
 */
export function withModel(env: Record<string, string> = {}) {
  const t = {} as { model: ModelServer; server: Parley; client: Client };
  beforeAll(async () => {
    ({ model: t.model, server: t.server } = await startWithModel(env));
    ({ client: t.client } = await signedIn(t.server));
  });
  afterAll(async () => {
    await t.server?.stop();
    await t.model?.close();
  });
  return t;
}

export async function signedIn(server: Parley) {
  const { user } = await newUser(server.services);
  return { user, client: clientFor(server.url, tokenFor(server.services, user)) };
}

/** A view of a session's replies: every event, and the reply as it folds them. */
export function watchReplies(client: Client, sessionId: string) {
  const rec = record<ReplyEvent>((h) => client.message.onReply.subscribe({ sessionId }, h));
  const view = {
    rec,
    reply: null as Message | null,
    get events() {
      return rec.events;
    },
  };
  const seen = { n: 0 };
  const fold = () => {
    for (; seen.n < rec.events.length; seen.n++) {
      const e = rec.events[seen.n] as ReplyEvent;
      view.reply = applyReplyEvent(view.reply, e);
    }
  };
  return {
    ...view,
    get reply() {
      fold();
      return view.reply;
    },
    started: () => waitFor('reply stream to start', () => rec.starts > 0),
    stop: () => rec.unsubscribe(),
  };
}

/** Polls message.list until the newest message matches. */
export async function waitForNewest(
  client: Client,
  sessionId: string,
  what: string,
  check: (m: Message) => boolean,
): Promise<Message[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const page = await client.message.list.query({ sessionId });
    const newest = page.items.at(-1);
    if (newest && check(newest)) return page.items;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(newest)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export { waitFor };
