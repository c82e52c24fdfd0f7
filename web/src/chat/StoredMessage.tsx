// One stored message of the list, with its toolbar or its editor. It is memoised:
// its props are the message, its place (day heading, time shown, Tab stop, being
// edited) and callbacks that never change, so a new message or an edit re-renders
// only the rows it touches, not every row of a long chat.
import { memo } from 'react';
import type { Message } from '../trpc/types';
import { MessageActions } from './MessageActions';
import { MessageBubble } from './MessageBubble';
import { MessageEditor } from './MessageEditor';

/** What a row can ask of the list; the list keeps one such object for its lifetime. */
export interface RowActions {
  copy: (message: Message) => void;
  save: (message: Message, content: string) => void;
  remove: (message: Message) => void;
  startEdit: (id: string) => void;
  endEdit: (id: string) => void;
  focused: (id: string) => void;
  focusLost: () => void;
}

interface StoredMessageProps {
  message: Message;
  day: string | null | undefined;
  showTime: boolean;
  /** The person may act on the message (none in a chat in the Trash). */
  actionable: boolean;
  editing: boolean;
  tabStop: boolean;
  actions: RowActions;
}

export const StoredMessage = memo(function StoredMessage(props: StoredMessageProps) {
  const { message: m, day, showTime, actionable, editing, tabStop, actions } = props;
  return (
    <MessageBubble
      author={m.role}
      content={m.content}
      createdAt={m.createdAt}
      editedAt={m.editedAt}
      day={day}
      showTime={showTime}
      editor={
        actionable && editing ? (
          <MessageEditor
            content={m.content}
            onCancel={() => actions.endEdit(m.id)}
            onSave={(content) => {
              actions.endEdit(m.id);
              actions.save(m, content);
            }}
          />
        ) : undefined
      }
      actions={
        actionable && (
          <MessageActions
            tabStop={tabStop}
            own={m.role === 'user'}
            onFocus={() => actions.focused(m.id)}
            onCopy={() => actions.copy(m)}
            onEdit={() => actions.startEdit(m.id)}
            onDelete={() => actions.remove(m)}
            onFocusLost={actions.focusLost}
          />
        )
      }
    />
  );
});
