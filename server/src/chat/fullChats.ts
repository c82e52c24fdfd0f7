// A chat holds at most config.messagesPerSession messages, the user's and the
// assistant's alike. Past it, sends, replies and imports are refused with a clear
// error, so no account can grow one chat without bound. The count is the one a
// send already holds under the session's lock, so the check costs no database work.

import type { SessionDoc } from '../db/documents';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { storedCount } from './mappers';

/** What a full chat's user is told, by a refused send and by the missing reply alike. */
export const fullChatText = (limit: number, start: 'This' | 'this' = 'This') =>
  `${start} chat has reached its limit of ${limit.toLocaleString('en-US')} messages.`;

/** Refused at the cap: the quota is the chat's, not a missing permission, so FORBIDDEN (as the chats cap). */
export const chatIsFull = (limit: number) =>
  new Refusal({
    code: 'FORBIDDEN',
    message: `${fullChatText(limit)} Start a new chat to go on.`,
  });

/** How many more messages the session takes. */
export function roomLeft(services: Services, session: SessionDoc): number {
  // A count that is not one (the old service's could be anything) is repaired by the send.
  return Math.max(0, services.config.messagesPerSession - storedCount(session));
}
