// Helpers for the export and import tests: a signed-in user over real HTTP, the
// routes called as a script would, and ChatGPT conversations built node by node.
import type { Parley } from '../../src/app';
import type { UserDoc } from '../../src/db/documents';
import { idString } from '../../src/db/ids';
import { callerFor, newUser } from '../support/harness';

export async function signedInUser(parley: Parley) {
  const { user, caller } = await newUser(parley.services);
  const token = parley.services.tokens.sign({
    userId: idString(user._id),
    tokenVersion: user.token_version ?? 0,
  }).token;
  return { user, caller, token, auth: { authorization: `Bearer ${token}` } };
}

export const callerOf = (parley: Parley, user: UserDoc) => callerFor(parley.services, user);

export async function importBody(parley: Parley, token: string, body: string | Buffer) {
  const res = await fetch(`${parley.url}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
  });
  const text = await res.text();
  const lines =
    res.status === 200
      ? text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  return { status: res.status, text, lines, report: lines.at(-1) as Report | undefined };
}

export interface Report {
  type: 'report';
  format: string | null;
  sessions: number;
  messages: number;
  skipped: number;
  folders: number;
  split: number;
  alreadyImported: number;
  errors: Array<{ conversation: string; reason: string }>;
}

export async function exportAccountLines(parley: Parley, token: string) {
  const res = await fetch(`${parley.url}/export/account`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return {
    res,
    text,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

type Line = Record<string, unknown>;

/**
 * An export's content apart from ids, the account line and the times Parley itself
 * sets on import; a session names its folder by the folder's name.
 */
export function comparable(lines: Line[]) {
  const names = new Map(lines.filter((l) => l.type === 'folder').map((l) => [l.id, l.name]));
  return lines
    .filter((l) => l.type !== 'account')
    .map((l) => {
      const { id: _i, userId: _u, sessionId: _s, updatedAt, folderId, ...rest } = l;
      // A session's updatedAt records the import itself; a folder's and a message's are kept.
      if (l.type === 'session') return { ...rest, folder: names.get(folderId) ?? folderId };
      return updatedAt === undefined ? rest : { ...rest, updatedAt };
    });
}

/** One node of a ChatGPT mapping. */
export interface Turn {
  id: string;
  parent: string | null;
  role?: string;
  parts?: unknown[];
  time?: number | null;
  hidden?: boolean;
  recipient?: string;
}

/** A conversation as conversations.json holds it; children are derived from parents. */
export function chatgptConversation(opts: {
  id: string;
  title: string;
  created: number;
  turns: Turn[];
  current: string | null | undefined;
}) {
  const mapping: Record<string, unknown> = {};
  for (const t of opts.turns) {
    mapping[t.id] = {
      id: t.id,
      parent: t.parent,
      children: opts.turns.filter((c) => c.parent === t.id).map((c) => c.id),
      message: t.role
        ? {
            id: t.id,
            author: { role: t.role, name: null, metadata: {} },
            create_time: t.time ?? null,
            update_time: null,
            content: { content_type: 'text', parts: t.parts ?? [] },
            status: 'finished_successfully',
            end_turn: true,
            weight: 1,
            metadata: t.hidden ? { is_visually_hidden_from_conversation: true } : {},
            recipient: t.recipient ?? 'all',
          }
        : null,
    };
  }
  return {
    title: opts.title,
    create_time: opts.created,
    update_time: opts.created + 600,
    mapping,
    moderation_results: [],
    current_node: opts.current,
    plugin_ids: null,
    conversation_id: opts.id,
    id: opts.id,
  };
}
