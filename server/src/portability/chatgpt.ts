// ChatGPT's conversations.json, one conversation at a time: each is a tree of
// nodes (`mapping`, linked by `parent`/`children`); the branch shown is the one
// ending at `current_node`, read by walking parents back to the root. Other
// branches (edits, regenerations) are left out, as ChatGPT shows them.
import { createHash } from 'node:crypto';
import type { Role } from '../db/documents';
import {
  type ImportEvent,
  type ImportedConversation,
  type ImportedMessage,
  importedDate,
  importedTitle,
} from './imported';
import { importedContent } from './importedContent';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const kept = new Set<Role>(['user', 'assistant', 'system']);

/** Seconds since 1970 (ChatGPT's times) as a date, or null when absent, 0 or one Parley cannot hold. */
function dateOf(seconds: unknown): Date | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
  return importedDate(new Date(Math.round(seconds * 1000)));
}

function labelOf(conv: Json, position: number): string {
  const title =
    typeof conv.title === 'string' && conv.title.trim() ? ` “${importedTitle(conv.title)}”` : '';
  return `#${position + 1}${title}`;
}

/** A value that names a conversation without an id: only text, numbers and the like. */
const isPlain = (v: unknown) => v === null || v === undefined || typeof v !== 'object';

/** The conversation's key among imports, or null when it has none to be told apart by. */
function sourceIdOf(conv: Json): string | null {
  for (const key of ['conversation_id', 'id'] as const) {
    const v = conv[key];
    if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
  }
  // No id at all: the same conversation still maps to the same key.
  if (!isPlain(conv.title) || !isPlain(conv.create_time)) return null;
  const basis = JSON.stringify([conv.title ?? null, conv.create_time ?? null]);
  return `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/** The nodes from the root to `current_node`, or why they cannot be found. */
function branchOf(mapping: Json, current: unknown): Json[] | string {
  if (typeof current !== 'string' || !Object.hasOwn(mapping, current)) {
    return typeof current === 'string'
      ? `its current_node "${current.slice(0, 80)}" is not in its mapping`
      : 'it has no current_node, so which branch is current is unknown';
  }
  const path: Json[] = [];
  const seen = new Set<string>();
  let id: string | null = current;
  while (id !== null) {
    if (seen.has(id))
      return `its messages form a cycle (node "${id.slice(0, 80)}" is its own ancestor)`;
    seen.add(id);
    const node: unknown = Object.hasOwn(mapping, id) ? mapping[id] : undefined;
    if (!isObject(node)) {
      const child = path.at(-1)?.id;
      return `node "${String(child ?? '?').slice(0, 80)}" names a parent "${id.slice(0, 80)}" that is not in its mapping`;
    }
    path.push(node);
    const parent = node.parent;
    id = typeof parent === 'string' ? parent : null;
  }
  return path.reverse();
}

/** The text a message shows: its string parts joined (images and other parts skipped). */
function textOf(message: Json): string {
  const content = isObject(message.content) ? message.content : {};
  const parts = Array.isArray(content.parts) ? content.parts : [];
  const texts = parts.filter((p): p is string => typeof p === 'string');
  if (texts.length === 0 && typeof content.text === 'string') texts.push(content.text);
  return texts.join('\n\n');
}

/** One element of conversations.json as import events; `position` names it in the report. */
export function chatgptConversation(raw: unknown, position: number): ImportEvent[] {
  if (!isObject(raw)) {
    return [
      { type: 'fail', conversation: `#${position + 1}`, reason: 'it is not a conversation object' },
    ];
  }
  const label = labelOf(raw, position);
  const fail = (reason: string): ImportEvent[] => [{ type: 'fail', conversation: label, reason }];
  if (!isObject(raw.mapping)) return fail('it has no mapping of messages');
  const branch = branchOf(raw.mapping, raw.current_node);
  if (typeof branch === 'string') return fail(branch);
  const sourceId = sourceIdOf(raw);
  if (sourceId === null)
    return fail('it has no id, and its title or create_time is neither text nor a number');
  const createdAt = dateOf(raw.create_time) ?? dateOf(raw.update_time) ?? new Date();
  const conversation: ImportedConversation = {
    source: 'chatgpt',
    sourceId,
    label,
    title: importedTitle(raw.title),
    createdAt,
    deleted: false,
    deletedAt: null,
    // ChatGPT's own archive: such a chat stays out of the way here too.
    ...(raw.is_archived === true ? { archived: true } : {}),
  };
  const messages: ImportedMessage[] = [];
  let skipped = 0;
  let split = 0;
  let cut = 0;
  let last = createdAt;
  for (const node of branch) {
    const message = node.message;
    if (!isObject(message)) continue; // the root, which carries no message
    const author = isObject(message.author) ? message.author : {};
    const metadata = isObject(message.metadata) ? message.metadata : {};
    const role = author.role as Role;
    const toTool = typeof message.recipient === 'string' && message.recipient !== 'all';
    const hidden = metadata.is_visually_hidden_from_conversation === true;
    if (!kept.has(role) || toTool || hidden) {
      skipped++;
      continue;
    }
    const { pieces, cut: shortened } = importedContent(textOf(message));
    if (pieces.length === 0) {
      skipped++; // empty: nothing in it a send would take
      continue;
    }
    const at = dateOf(message.create_time) ?? last;
    last = at;
    const updated = dateOf(message.update_time) ?? at;
    if (pieces.length > 1) split++;
    if (shortened) cut++;
    for (const content of pieces)
      messages.push({ role, content, createdAt: at, updatedAt: updated });
  }
  return [
    { type: 'start', conversation },
    ...messages.map((message) => ({ type: 'message' as const, message })),
    { type: 'finish', skipped, split, cut },
  ];
}
