// Signing out: this browser then forgets the person's drafts and unsent messages,
// so whoever uses it next finds none of them. Unsent messages would be lost, so a
// sign-out with any asks first and says how many.
import { useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { forgetDrafts } from '../chat/drafts';
import { useOutboxContext } from '../chat/OutboxProvider';
import { forgetOutbox } from '../chat/outboxStore';
import { Icon } from '../ui/Icon';
import { ConfirmDialog } from './ConfirmDialog';

const messages = (n: number) => `${n} ${n === 1 ? 'message' : 'messages'}`;

export function SignOutButton() {
  const { user, signOut } = useAuth();
  const { all } = useOutboxContext();
  const [asking, setAsking] = useState(false);
  const leave = async () => {
    setAsking(false);
    const owner = user?.id;
    if (owner) forget(owner);
    await signOut();
    // Again: a send that ended meanwhile may have saved what was left of the outbox.
    if (owner) forget(owner);
  };
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="Sign out"
        title="Sign out"
        onClick={() => (all.length > 0 ? setAsking(true) : void leave())}
      >
        <Icon name="logout" size={16} />
      </button>
      {asking && (
        <ConfirmDialog
          title="Sign out?"
          body={`${messages(all.length)} not sent yet will be lost. Signing out removes them, and your drafts, from this browser.`}
          confirm="Sign out"
          onCancel={() => setAsking(false)}
          onConfirm={() => void leave()}
        />
      )}
    </>
  );
}

function forget(owner: string): void {
  forgetDrafts(owner);
  forgetOutbox(owner);
}
