// The per-session assistant switch, and what a session's view is told of it.
import type { AssistantState } from '@parley/shared';
import { loadOwnedSession, sessionLockKey } from '../chat/sessions';
import type { SessionDoc, UserDoc } from '../db/documents';
import type { Services } from '../services';

/** Turns the assistant on or off for one session of the user's. */
export async function setSessionAssistant(
  services: Services,
  user: UserDoc,
  id: string,
  on: boolean,
): Promise<AssistantState> {
  const session = await loadOwnedSession(services, user._id, id);
  await services.locks.run(sessionLockKey(id), () =>
    services.db.sessions.updateOne({ _id: session._id }, { $set: { assistant: on } }),
  );
  return assistantState(services, { ...session, assistant: on });
}

export function assistantState(services: Services, session: SessionDoc): AssistantState {
  return services.assistant?.state(session) ?? { available: false, on: false, model: null };
}
