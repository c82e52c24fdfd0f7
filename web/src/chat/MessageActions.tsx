// A message's actions: Copy on every message, Edit and Delete on the person's own.
// One toolbar in the whole list is a Tab stop (roving tabindex): arrow keys move
// between its buttons (Left/Right) and to the next or previous message (Up/Down).
// Delete hands focus to the next message's Delete (or the one before's), else to
// onFocusLost, so it never falls to the page with the message.
import type { KeyboardEvent } from 'react';

interface MessageActionsProps {
  /** This message's toolbar is the list's one Tab stop. */
  tabStop: boolean;
  own: boolean;
  onCopy: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onFocus: () => void;
  /** Where focus goes when the deleted message was the list's last toolbar. */
  onFocusLost?: (() => void) | undefined;
}

const toolbars = (from: Element) =>
  [
    ...(from.closest('.messages__list')?.querySelectorAll('.message__actions') ?? []),
  ] as HTMLElement[];

/** Focuses the button named `label` (else the first) on the toolbar after `bar`, or before it. */
function focusPast(bar: Element, label: string): boolean {
  const all = toolbars(bar);
  const at = all.indexOf(bar as HTMLElement);
  const next = all[at + 1] ?? all[at - 1];
  if (!next) return false;
  const buttons = [...next.querySelectorAll('button')];
  (buttons.find((b) => b.getAttribute('aria-label') === label) ?? buttons[0])?.focus();
  return true;
}

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
function ActionButton(props: {
  label: string;
  tabIndex: number;
  onClick: (button: HTMLButtonElement) => void;
}) {
  return (
    <button
      type="button"
      className="message__action"
      aria-label={`${props.label} message`}
      tabIndex={props.tabIndex}
      onClick={(e) => props.onClick(e.currentTarget)}
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
  onFocusLost,
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
          <ActionButton
            label="Delete"
            tabIndex={tabIndex(false)}
            onClick={(button) => {
              const bar = button.closest('.message__actions');
              if (!bar || !focusPast(bar, 'Delete message')) onFocusLost?.();
              onDelete();
            }}
          />
        </>
      )}
    </div>
  );
}
