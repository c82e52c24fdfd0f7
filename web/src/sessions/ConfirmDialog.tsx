// A confirmation for what cannot be undone: a modal dialog (focus kept inside,
// Escape cancels) whose question says what will go.
import { useModal } from '../ui/useModal';

interface ConfirmDialogProps {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, body, confirm, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useModal();
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      // Escape answers the dialog only: not also the drawer or view behind it.
      onKeyDown={(e) => {
        if (e.key === 'Escape') e.stopPropagation();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-body">{body}</p>
      <div className="confirm__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button--danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
