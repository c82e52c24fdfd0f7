// A message's actions: Copy on every message, Edit and Delete on the person's own.
// One toolbar in the whole list is a Tab stop (roving tabindex): arrow keys move
// between its buttons (Left/Right) and to the next or previous message (Up/Down).
import type { KeyboardEvent } from 'react';

interface MessageActionsProps {
  /** This message's toolbar is the list's one Tab stop. */
  tabStop: boolean;
  own: boolean;
  onCopy: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onFocus: () => void;
}

const toolbars = (from: Element) =>
  [
    ...(from.closest('.messages__list')?.querySelectorAll('.message__actions') ?? []),
  ] as HTMLElement[];

function move(e: KeyboardEvent<HTMLDivElement>) {
  const bar = e.currentTarget;
  const buttons = [...bar.querySelectorAll('button')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  let target: HTMLElement | undefined;
  if (e.key === 'ArrowRight') target = buttons[Math.min(buttons.length - 1, at + 1)];
  else if (e.key === 'ArrowLeft') target = buttons[Math.max(0, at - 1)];
  else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    const all = toolbars(bar);
    const next = all[all.indexOf(bar) + (e.key === 'ArrowUp' ? -1 : 1)];
    target = next?.querySelector('button') ?? undefined;
  } else return;
  e.preventDefault();
  target?.focus();
}

/** One action: its label is the button's text, and names it with "message" for screen readers. */
function ActionButton(props: { label: string; tabIndex: number; onClick: () => void }) {
  return (
    <button
      type="button"
      className="message__action"
      aria-label={`${props.label} message`}
      tabIndex={props.tabIndex}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

export function MessageActions({
  tabStop,
  own,
  onCopy,
  onEdit,
  onDelete,
  onFocus,
}: MessageActionsProps) {
  const tabIndex = (first: boolean) => (tabStop && first ? 0 : -1);
  return (
    <div
      className="message__actions"
      role="toolbar"
      aria-label="Message actions"
      onKeyDown={move}
      onFocus={onFocus}
    >
      <ActionButton label="Copy" tabIndex={tabIndex(true)} onClick={onCopy} />
      {own && (
        <>
          <ActionButton label="Edit" tabIndex={tabIndex(false)} onClick={onEdit} />
          <ActionButton label="Delete" tabIndex={tabIndex(false)} onClick={onDelete} />
        </>
      )}
    </div>
  );
}
