// The start page: nothing open yet.
import { Icon } from '../ui/Icon';
import { MainHeader } from '../ui/MainHeader';
import { modKey } from '../ui/modKey';
import { useDocumentTitle } from './useDocumentTitle';

export function HomeView({ onNewChat, onMenu }: { onNewChat: () => void; onMenu: () => void }) {
  useDocumentTitle(undefined);
  return (
    <section className="main" aria-label="Start">
      <MainHeader title="Parley" onMenu={onMenu} />
      <div className="state state--welcome">
        <div className="welcome__mark" aria-hidden="true">
          <Icon name="chat" size={36} />
        </div>
        <h2>What shall we talk about?</h2>
        <p>Pick a chat, or start a new one.</p>
        <button type="button" className="button button--primary" onClick={onNewChat}>
          <Icon name="plus" /> New Chat
        </button>
        <p className="welcome__keys">
          <kbd>{modKey}</kbd>+<kbd>Shift</kbd>+<kbd>O</kbd> new chat · <kbd>{modKey}</kbd>+
          <kbd>K</kbd> search
        </p>
      </div>
    </section>
  );
}
