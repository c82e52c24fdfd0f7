// A chat still called "New Chat" takes its title from its first message, when that
// message is stored: here, on the server, so the SPA, scripts and REST all get it.
// A title the user chose (a rename, or one given at creation) is never replaced.
import { defaultSessionTitle, hasVisibleCharacter } from '@parley/shared';
import type { MessageDoc, SessionDoc, UserDoc } from '../db/documents';
import { log } from '../log';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { toApiSession } from './mappers';
import { entryOf, withIndexEntry } from './sessionIndex';

/** About this long; the cut falls at the last word boundary before it. */
export const titleLength = 60;

/** Markdown that opens a line but is no part of what it says: headings, quotes, list marks. */
const lineMarkers = /^(?:\s*(?:#{1,6}(?=\s|$)|>|[-*+](?=\s)|\d{1,9}[.)](?=\s)|\[[ xX]\](?=\s)))+/;

/** The line a title is made of: the first with something visible once markers are stripped. */
function firstLine(content: string): string {
  let inFence = false;
  for (const raw of content.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      // A fence line itself says nothing; the code inside it may be all there is.
      inFence = !inFence;
      continue;
    }
    const line = (inFence ? raw : raw.replace(lineMarkers, ''))
      .replace(/[`*_~]+/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (hasVisibleCharacter(line)) return line;
  }
  return '';
}

/**
 * The title a first message gives its chat: its first line, without markdown
 * markers, cut at a word boundary near titleLength characters; null when the
 * message has nothing to show (the title then stays as it is).
 */
export function titleFrom(content: string): string | null {
  const line = firstLine(content);
  if (!line) return null;
  const chars = [...line];
  if (chars.length <= titleLength) return line;
  const head = chars.slice(0, titleLength).join('');
  const space = head.lastIndexOf(' ');
  // One long word has no boundary to cut at: it is cut where it passes the length.
  const cut = space >= titleLength / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** True while the chat's title is the default one that nobody chose. */
export function takesTitleFromMessages(session: SessionDoc): boolean {
  return session.title_set !== true && session.title === defaultSessionTitle;
}

/**
 * Run by a send under the session's lock, right after the message is stored: the
 * first message of an untitled chat names it. Writes the title by `_id` (and the
 * owner's index entry), sets it on `session` too, so the send's own `message` change
 * carries it, and tells the user's other views with `renamed`. A failure here is
 * logged, never the send's: the message is stored either way.
 */
export async function titleFromFirstMessage(
  services: Services,
  user: UserDoc,
  session: SessionDoc,
  message: MessageDoc & { seq: number },
): Promise<void> {
  if (message.seq !== 1 || !takesTitleFromMessages(session)) return;
  const title = titleFrom(message.content);
  if (!title) return;
  try {
    const titled = { ...session, title };
    await withIndexEntry(services, user, entryOf(titled), () =>
      services.db.sessions.updateOne({ _id: session._id }, { $set: { title } }),
    );
    session.title = title;
    await publishSessionChange(services, { kind: 'renamed', session: toApiSession(titled) });
  } catch (e) {
    log.warn('chat title not set from its first message', { error: String(e) });
  }
}
