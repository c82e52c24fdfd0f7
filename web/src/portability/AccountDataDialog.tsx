// "Your data": exporting the account and importing chats, in a modal dialog loaded
// only when opened, so none of it weighs on the first page load.
import { Icon } from '../ui/Icon';
import { useModal } from '../ui/useModal';
import { AccountExport } from './AccountExport';
import { AccountImport } from './AccountImport';
import './portability.css';

export default function AccountDataDialog({ onClose }: { onClose: () => void }) {
  const dialog = useModal();

  return (
    <dialog ref={dialog} className="data-dialog" aria-labelledby="data-heading" onClose={onClose}>
      <header className="data-dialog__header">
        <h2 id="data-heading">Your data</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <AccountExport />
      <AccountImport />
    </dialog>
  );
}
