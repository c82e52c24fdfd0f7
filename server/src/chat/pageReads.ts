// One user's message pages are read a few at a time. A page of long messages reads
// up to several MB of buckets, and a GET batch carries 50 pages: read all at once,
// one request put some 400 MB of reads before every other user's work, and their
// sends ran past the database deadline. The rest of a batch waits its turn here.

import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { QueueFull } from '../lib/perUserQueue';
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';
import type { Services } from '../services';
import { listMessages } from './messages';

/** Pages one user's requests read at once in a process. */
export const pagesAtOnce = 4;
/** Pages that may wait behind them: two full batches. */
export const pagesWaiting = 100;

export async function listMessagesInTurn(
  services: Services,
  user: UserDoc,
  opts: Parameters<typeof listMessages>[2],
): Promise<Awaited<ReturnType<typeof listMessages>>> {
  try {
    return await services.pageReads.run(idString(user._id), () =>
      listMessages(services, user, opts),
    );
  } catch (e) {
    if (!(e instanceof QueueFull)) throw e;
    throw new Refusal({
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many pages of messages asked for at once. Try again in a moment.',
      cause: new RetryAfter(1),
    });
  }
}
