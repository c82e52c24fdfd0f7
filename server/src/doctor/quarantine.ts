// Documents the doctor cannot repair are moved, never deleted: into the
// `quarantine` collection with their source collection, the reason and the
// original document, then removed from where they broke things.
import { type Document, ObjectId } from 'mongodb';
import type { Database } from '../db/database';

export const quarantineCollection = 'quarantine';

export interface QuarantineDoc {
  _id: ObjectId;
  source: string;
  reason: string;
  document: Document;
  quarantined_at: Date;
}

export async function quarantine(
  db: Database,
  source: string,
  doc: Document,
  reason: string,
): Promise<ObjectId> {
  const _id = new ObjectId();
  await db.db.collection<QuarantineDoc>(quarantineCollection).insertOne({
    _id,
    source,
    reason,
    document: doc,
    quarantined_at: new Date(),
  });
  await db.db.collection(source).deleteOne({ _id: doc._id });
  return _id;
}

export async function setReason(db: Database, id: ObjectId, reason: string): Promise<void> {
  await db.db
    .collection<QuarantineDoc>(quarantineCollection)
    .updateOne({ _id: id }, { $set: { reason } });
}

/** Drops a quarantine record once its document is safely back (e.g. under a new _id). */
export async function release(db: Database, id: ObjectId): Promise<void> {
  await db.db.collection<QuarantineDoc>(quarantineCollection).deleteOne({ _id: id });
}
