// `_id`s that are not ObjectIds (the old service's bug wrote ""). An id that is
// an ObjectId's hex in a string is re-keyed to that ObjectId (string references
// to it are converted by the next check); any other is quarantined.
import { isDuplicateKey } from '../../db/ids';
import { asObjectId, showId } from '../ids';
import { quarantine, release, setReason } from '../quarantine';
import { type Check, type Finding, newFinding, note } from '../types';

const collections = ['users', 'chat_sessions', 'messages'] as const;

export const badIds: Check = {
  name: 'ids',
  async run({ db, fix }) {
    const findings: Finding[] = [];
    for (const name of collections) {
      const finding = newFinding(`${name}.bad_id`, `_id is not an ObjectId`);
      findings.push(finding);
      const docs = await db.db
        .collection(name)
        .find({ _id: { $not: { $type: 'objectId' } } } as never)
        .toArray();
      for (const doc of docs) {
        note(finding, () => `_id ${showId(doc._id)}`);
        if (!fix) continue;
        const id = asObjectId(doc._id);
        if (!id) {
          await quarantine(db, name, doc, `_id ${showId(doc._id)} is not an ObjectId`);
          finding.quarantined++;
          continue;
        }
        // Some servers (FerretDB) treat "<hex>" and ObjectId(<hex>) as the same key, so the
        // document leaves first; it waits in quarantine until its new copy is in.
        const parked = await quarantine(db, name, doc, `_id ${showId(doc._id)} is being re-keyed`);
        try {
          await db.db.collection(name).insertOne({ ...doc, _id: id });
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          await setReason(db, parked, `_id ${showId(doc._id)} duplicates an existing ObjectId`);
          finding.quarantined++;
          continue;
        }
        await release(db, parked);
        finding.repaired++;
      }
    }
    return findings;
  },
};
