// Messages Parley could never show: those whose session does not exist, and
// those missing what a message needs (a date, text content, a known role).
// Both are quarantined. References that are still hex strings count as the
// ObjectIds they will become.
import type { Document } from 'mongodb';
import { asObjectId, showId } from '../ids';
import { quarantine } from '../quarantine';
import { type Check, newFinding, note } from '../types';

const roles = new Set(['user', 'assistant', 'system']);

function unreadable(m: Document): string | null {
  if (!(m.created_at instanceof Date)) return 'created_at is not a date';
  if (typeof m.content !== 'string') return 'content is not text';
  if (!roles.has(m.role)) return `role ${showId(m.role)} is unknown`;
  return null;
}

export const orphanMessages: Check = {
  name: 'messages',
  async run({ db, fix, progress }) {
    const orphans = newFinding('messages.orphan', 'their session does not exist');
    const broken = newFinding('messages.unreadable', 'missing a date, text or role');
    const sessions = new Set<string>();
    for await (const s of db.db.collection('chat_sessions').find({}, { projection: { _id: 1 } })) {
      const id = asObjectId(s._id);
      if (id) sessions.add(id.toHexString());
    }
    const total = await db.db.collection('messages').estimatedDocumentCount();
    const moves: { doc: Document; reason: string }[] = [];
    let done = 0;
    const projection = { _id: 1, session_id: 1, created_at: 1, content: 1, role: 1 };
    for await (const m of db.db.collection('messages').find({}, { projection })) {
      progress('messages', ++done, total);
      const sessionId = asObjectId(m.session_id);
      if (sessionId && !sessions.has(sessionId.toHexString())) {
        note(orphans, () => `_id ${showId(m._id)}: session_id ${showId(m.session_id)}`);
        moves.push({ doc: m, reason: `session ${showId(m.session_id)} does not exist` });
        continue;
      }
      const why = unreadable(m);
      if (why) {
        note(broken, () => `_id ${showId(m._id)}: ${why}`);
        moves.push({ doc: m, reason: why });
      }
    }
    if (fix) {
      for (const { doc, reason } of moves) {
        const full = await db.db.collection('messages').findOne({ _id: doc._id });
        if (!full) continue;
        await quarantine(db, 'messages', full, reason);
        if (reason.startsWith('session ')) orphans.quarantined++;
        else broken.quarantined++;
      }
    }
    return [orphans, broken];
  },
};
