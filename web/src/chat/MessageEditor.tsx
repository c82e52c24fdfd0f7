// Editing a message in place: Enter saves, Shift+Enter breaks the line, Esc cancels;
// the box takes the direction of the message's text.
import { limits } from '@parley/shared';
import { useEffect, useRef, useState } from 'react';

interface MessageEditorProps {
  content: string;
  onSave: (content: string) => void;
  onCancel: () => void;
}

export function MessageEditor({ content, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(content);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const empty = text.trim() === '';
  const save = () => (empty ? undefined : onSave(text));

  return (
    <form
      className="message__editor"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <textarea
        ref={box}
        className="message__editor-box"
        aria-label="Edit message"
        dir="auto"
        value={text}
        maxLength={limits.contentMax + limits.surroundingWhitespaceMax}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div className="message__editor-bar">
        <button type="button" className="button button--small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--small button--primary" disabled={empty}>
          Save
        </button>
      </div>
    </form>
  );
}
