// A send batch's clientIds (idempotent sends): claimed with one insert of keys
// `sessionId:clientId` for the whole batch. A key claimed before is settled: the
// message it names is the answer if it was stored, or is finished under its id if
// an earlier attempt stopped half-way. The same clientId twice in a batch is one send.
import type { Message } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import type { MessageKeyDoc, SessionDoc } from '../db/documents';
import { isDuplicateKey } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { asError, type GroupWrite } from './batching';
import { chatIsFull } from './fullChats';
import { toApiMessage } from './mappers';
import { toEntry } from './readModel';
import type { Outcome, SendInput } from './sendBatch';

export const deletedSinceSent = () =>
  new Refusal({ code: 'CONFLICT', message: 'This message was sent, then deleted.' });

/**
 * A clientId sent before: its message if it was stored (refused if it was deleted
 * since), or the id to finish it under.
 */
async function settleClientId(
  services: Services,
  session: SessionDoc,
  keyId: string,
): Promise<{ earlier: Message } | { messageId: ObjectId }> {
  const key = await services.db.messageKeys.findOne({ _id: keyId });
  if (!key) {
    throw new Refusal({
      code: 'CONFLICT',
      message: 'This message is being sent already; retry to get it.',
    });
  }
  const earlier = await services.db.messages.findOne({ _id: key.message_id });
  // Sent, then deleted: answering it would put it back on the sender's screen.
  if (earlier?.seq && earlier.deleted === true) throw deletedSinceSent();
  if (earlier?.seq) {
    return { earlier: toApiMessage(toEntry({ ...earlier, seq: earlier.seq }), session._id) };
  }
  return { messageId: key.message_id }; // an earlier attempt stopped half-way: finish it
}

/**
 * Claims the clientIds of the batch's live sends; a send whose key was claimed before
 * gets its answer in `out`, or its message id to finish under in `messageIds`.
 * Returns the repeats inside the batch: each send to the first of its clientId.
 */
export async function claimClientIds(
  services: Services,
  keys: GroupWrite<MessageKeyDoc>,
  session: SessionDoc,
  items: ReadonlyArray<{ input: SendInput }>,
  live: readonly number[],
  messageIds: Map<number, ObjectId>,
  out: Array<Outcome | undefined>,
  now: Date,
): Promise<Map<number, number>> {
  const sessionId = items[0]?.input.sessionId ?? '';
  // A clientId repeated inside the batch is one send: the repeats get the first's answer.
  const firstOfKey = new Map<string, number>();
  const repeatOf = new Map<number, number>();
  for (const i of live) {
    const clientId = items[i]?.input.clientId;
    if (!clientId) continue;
    const keyId = `${sessionId}:${clientId}`;
    const first = firstOfKey.get(keyId);
    if (first === undefined) firstOfKey.set(keyId, i);
    else repeatOf.set(i, first);
  }
  const claims = [...firstOfKey];
  if (claims.length > 0) {
    const claimed = await keys.submit(
      claims.map(([keyId, i]) => ({
        _id: keyId,
        message_id: messageIds.get(i) as ObjectId,
        created_at: now,
      })),
    );
    for (const [k, [keyId, i]] of claims.entries()) {
      const err = claimed[k];
      if (!err) continue;
      if (!isDuplicateKey(err)) {
        out[i] = err;
        continue;
      }
      try {
        const settled = await settleClientId(services, session, keyId);
        if ('earlier' in settled) out[i] = { message: settled.earlier, session: null };
        else messageIds.set(i, settled.messageId);
      } catch (e) {
        out[i] = asError(e);
      }
    }
  }

  return repeatOf;
}

/**
 * The answer to a send into a full chat: its message when a send with the same
 * clientId was stored before, else the chat's cap. Reads only; claims nothing.
 */
export async function sentBefore(
  services: Services,
  session: SessionDoc,
  keyId: string | null,
  cap: number,
): Promise<Outcome> {
  if (keyId) {
    try {
      const settled = await settleClientId(services, session, keyId);
      if ('earlier' in settled) return { message: settled.earlier, session: null };
    } catch (e) {
      // Being sent by another request still: the chat is full all the same.
      if (!(e instanceof Refusal) || e.message === deletedSinceSent().message) return asError(e);
    }
  }
  return chatIsFull(cap);
}
