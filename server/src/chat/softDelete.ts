// Deleting softly, the same for a message and a chat: the document stays, marked
// deleted with the time, until Undo (or the trash sweep) decides its fate.

/** The change that deletes `doc`; null when it is deleted already, so nothing is written. */
export const trashed = (doc: { deleted?: boolean }, now: Date) =>
  doc.deleted ? null : { deleted: true, deleted_at: now, updated_at: now };

/** The change that brings `doc` back; null when it is not deleted. */
export const untrashed = (doc: { deleted?: boolean }, now: Date) =>
  doc.deleted ? { deleted: false, deleted_at: null, updated_at: now } : null;
