// The export and import UIs, each loaded on first use: the buttons that open them
// are all the first page load carries.
import { lazy, Suspense, useState } from 'react';
import { Icon } from '../ui/Icon';

const ChatExportMenu = lazy(() => import('./ChatExportMenu'));
const AccountDataDialog = lazy(() => import('./AccountDataDialog'));

/**
 * A chat's export button (among its actions in the sidebar, reached with the arrow
 * keys like Rename and Delete) and its menu: Markdown or JSON.
 */
export function ChatExportButton({ sessionId, title }: { sessionId: string; title: string }) {
  const [at, setAt] = useState<DOMRect | null>(null);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        tabIndex={-1}
        aria-label={`Export “${title}”`}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          setAt((open) => (open ? null : rect));
        }}
      >
        <Icon name="download" size={16} />
      </button>
      {at && (
        <Suspense fallback={null}>
          <ChatExportMenu sessionId={sessionId} title={title} at={at} onClose={() => setAt(null)} />
        </Suspense>
      )}
    </>
  );
}

/** The account area's "Your data" button: export the account, import chats. */
export function AccountDataButton({ tabIndex }: { tabIndex?: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        tabIndex={tabIndex}
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
