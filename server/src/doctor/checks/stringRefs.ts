// References stored as strings (`user_id`, `session_id`): Parley looks them up
// as ObjectIds, so a string reference hides the document. Hex strings become
// ObjectIds; a reference that is no id at all is quarantined with its document.
import { asObjectId, showId } from '../ids';
import { quarantine } from '../quarantine';
import { type Check, type Finding, newFinding, note } from '../types';

const references = [
  { collection: 'chat_sessions', field: 'user_id' },
  { collection: 'messages', field: 'session_id' },
  { collection: 'messages', field: 'user_id' },
] as const;

export const stringRefs: Check = {
  name: 'references',
  async run({ db, fix }) {
    const findings: Finding[] = [];
    for (const { collection, field } of references) {
      const finding = newFinding(`${collection}.${field}`, `${field} is not an ObjectId`);
      findings.push(finding);
      const docs = await db.db
        .collection(collection)
        .find({ [field]: { $not: { $type: 'objectId' } } }, { projection: { _id: 1, [field]: 1 } })
        .toArray();
      for (const { _id } of docs) {
        // Re-read: an earlier reference of this loop may have quarantined it.
        const doc = await db.db.collection(collection).findOne({ _id });
        if (!doc) continue;
        note(finding, () => `_id ${showId(doc._id)}: ${field} ${showId(doc[field])}`);
        if (!fix) continue;
        const id = asObjectId(doc[field]);
        if (id) {
          await db.db.collection(collection).updateOne({ _id: doc._id }, { $set: { [field]: id } });
          finding.repaired++;
        } else {
          await quarantine(db, collection, doc, `${field} ${showId(doc[field])} is not an id`);
          finding.quarantined++;
        }
      }
    }
    return findings;
  },
};
