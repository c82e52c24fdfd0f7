// What is published where: new messages on the session's channel, and every
// change to a session (a new message included) on its owner's channel.
import type { Folder, FolderChange, Message, Session, SessionChange } from '@parley/shared';
import { log } from '../log';
import type { Services } from '../services';

export const sessionChannel = (sessionId: string) => `session:${sessionId}`;
export const userChannel = (userId: string) => `user:${userId}`;
/** A message of the user's was edited, deleted or restored: its text changed in place. */
export const userTextsChannel = (userId: string) => `user-texts:${userId}`;

export interface SessionChangeEvent {
  /** Event id: the session's updatedAt in ms and its id, so it orders and resumes. */
  id: string;
  change: SessionChange;
}

export function sessionChangeId(session: Session): string {
  return `${session.updatedAt.getTime()}:${session.id}`;
}

async function publishSafely(services: Services, channel: string, payload: unknown): Promise<void> {
  // A stored change is acknowledged even if live delivery fails; views catch up on resume.
  try {
    await services.bus.publish(channel, payload);
  } catch (e) {
    log.warn('event not published', { channel, error: (e as Error).message });
  }
}

export async function publishSessionChange(
  services: Services,
  change: SessionChange,
): Promise<void> {
  const event: SessionChangeEvent = { id: sessionChangeId(change.session), change };
  // A chat gone to the trash or purged stops its reply, in whichever process runs it.
  if (change.kind === 'deleted' || change.kind === 'purged') {
    services.assistant?.stopReplyIn(change.session.id);
  }
  await publishSafely(services, userChannel(change.session.userId), event);
}

export async function publishNewMessage(
  services: Services,
  session: Session,
  message: Message,
): Promise<void> {
  await publishSafely(services, sessionChannel(session.id), message);
  await publishSessionChange(services, { kind: 'message', session, message });
}

/** On the session's channel beside new messages: change `n` is stored; streams read it by _id. */
export interface MessageChangeNudge {
  kind: 'changed';
  n: number;
}

export function isMessageChangeNudge(payload: unknown): payload is MessageChangeNudge {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as { kind?: unknown }).kind === 'changed'
  );
}

export async function publishMessageChange(
  services: Services,
  owner: string,
  sessionId: string,
  n: number,
): Promise<void> {
  const nudge: MessageChangeNudge = { kind: 'changed', n };
  await publishSafely(services, sessionChannel(sessionId), nudge);
  await publishTextsChanged(services, owner, sessionId);
}

/**
 * For what holds the owner's texts (search): which chat to read again, from seq
 * `from` on (from its start when not given).
 */
export async function publishTextsChanged(
  services: Services,
  owner: string,
  sessionId: string,
  from?: number,
): Promise<void> {
  await publishSafely(services, userTextsChannel(owner), { sessionId, from });
}

export const folderChannel = (userId: string) => `folders:${userId}`;

/** A folder change event: its id is the change's time and the user's id. */
export interface FolderChangeEvent {
  id: string;
  change: FolderChange;
}

/** The user's folders as they now are, to their folder.onChange streams. */
export async function publishFolders(
  services: Services,
  userId: string,
  folders: Folder[],
  at: number,
): Promise<void> {
  const event: FolderChangeEvent = {
    id: `${at}:${userId}`,
    change: { folders, at: new Date(at) },
  };
  await publishSafely(services, folderChannel(userId), event);
  // Also to the user's session streams, for those that asked for folders (one stream for both).
  await publishSafely(services, userChannel(userId), event);
}
