// Signing out with the Sign out button: every tab then forgets the person's drafts
// and unsent messages (app/runtime.ts), so whoever uses this browser next finds
// none of them. Unsent messages, this tab's and other tabs', would go with them,
// so a sign-out with any first asks and says how many.
import { type ReactNode, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { useOutboxContext } from '../chat/OutboxProvider';
import { loadOutbox } from '../chat/outboxStore';
import { ConfirmDialog } from './ConfirmDialog';

const messages = (n: number) => `${n} ${n === 1 ? 'message is' : 'messages are'}`;

/** The Sign out button's click, and the question it may ask (shown where the caller puts it). */
export function useSignOut(): { signOut: () => void; question: ReactNode } {
  const { user, signOut } = useAuth();
  const { all } = useOutboxContext();
  // Counted when asked: the question does not change under the person's eyes.
  const [unsent, setUnsent] = useState<number | null>(null);
  const leave = () => {
    setUnsent(null);
    void signOut();
  };
  const ask = () => {
    const ids = new Set([...all, ...loadOutbox(user?.id)].map((m) => m.clientId));
    if (ids.size === 0) leave();
    else setUnsent(ids.size);
  };
  const question =
    unsent === null ? null : (
      <ConfirmDialog
        title="Sign out?"
        body={`${messages(unsent)} not sent yet. Signing out removes ${unsent === 1 ? 'it' : 'them'}, and your drafts, from this browser.`}
        confirm="Sign out"
        onCancel={() => setUnsent(null)}
        onConfirm={leave}
      />
    );
  return { signOut: ask, question };
}
