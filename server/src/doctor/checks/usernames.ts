// Usernames equal without regard to case ("Alice" and "alice"): the old service
// allowed them, Parley keeps usernames unique that way, and its start-up index
// cannot be built while two remain. Which account to keep is a person's call,
// so this check only reports; rename or merge one by hand.
import { showId } from '../ids';
import { type Check, newFinding, note } from '../types';

export const usernames: Check = {
  name: 'usernames',
  async run({ db }) {
    const finding = newFinding(
      'users.username_case',
      'usernames equal without regard to case (rename one by hand; Parley will not start)',
    );
    const byName = new Map<string, unknown[]>();
    const projection = { _id: 1, username: 1, username_lower: 1 };
    for await (const u of db.db.collection('users').find({}, { projection })) {
      const name =
        typeof u.username_lower === 'string'
          ? u.username_lower
          : typeof u.username === 'string'
            ? u.username.toLowerCase()
            : null;
      if (name === null) continue;
      byName.set(name, [...(byName.get(name) ?? []), u]);
    }
    for (const [name, users] of byName) {
      if (users.length < 2) continue;
      const ids = users.map((u) => showId((u as { _id: unknown })._id)).join(', ');
      note(finding, () => `"${name}": ${users.length} users (${ids})`);
    }
    return [finding];
  },
};
