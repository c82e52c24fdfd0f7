// The export and import UIs, each loaded on first use: the buttons that open them
// are all the first page load carries.
import { lazy, Suspense, useState } from 'react';
import { Icon } from '../ui/Icon';

const ChatExportMenu = lazy(() => import('./ChatExportMenu'));
const AccountDataDialog = lazy(() => import('./AccountDataDialog'));

/** The chat header's export button and its menu (Markdown or JSON). */
export function ChatExportButton({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="popover-anchor">
      <button
        type="button"
        className="icon-button"
        aria-label="Export this chat"
        title="Export this chat"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="download" />
      </button>
      {open && (
        <Suspense fallback={null}>
          <ChatExportMenu sessionId={sessionId} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </span>
  );
}

/** The account area's "Your data" button: export the account, import chats. */
export function AccountDataButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="Export or import chats"
        title="Export or import chats"
        onClick={() => setOpen(true)}
      >
        <Icon name="download" size={16} />
      </button>
      {open && (
        <Suspense fallback={null}>
          <AccountDataDialog onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
