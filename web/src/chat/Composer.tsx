// Where a message is written: Enter sends, Shift+Enter breaks the line, the box
// grows with its text, takes the text's direction (Arabic and Hebrew run right to
// left), and the length limit shows before it is reached.
import { limits } from '@parley/shared';
import {
  type FormEvent,
  type KeyboardEvent,
  type Ref,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { Icon } from '../ui/Icon';
import { readDraft, writeDraft } from './drafts';

interface ComposerProps {
  onSend: (content: string) => void;
  disabled?: boolean;
  placeholder?: string;
  inputRef?: Ref<HTMLTextAreaElement>;
  /** Where the unsent text is kept across reloads and chat switches. */
  draftKey?: { owner: string; sessionId: string };
}

const draftSaveMs = 300;

/** The draft for `key`, saved shortly after a change and at once when leaving. */
function useDraft(key: ComposerProps['draftKey']) {
  const owner = key?.owner;
  const sessionId = key?.sessionId;
  const [text, setText] = useState(() => (owner && sessionId ? readDraft(owner, sessionId) : ''));
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useRef(() => {});

  useEffect(() => {
    flush.current = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (pending.current === null || !owner || !sessionId) return;
      writeDraft(owner, sessionId, pending.current);
      pending.current = null;
    };
    const save = () => flush.current();
    window.addEventListener('pagehide', save);
    return () => {
      window.removeEventListener('pagehide', save);
      save();
    };
  }, [owner, sessionId]);

  const change = (value: string) => {
    setText(value);
    pending.current = value;
    timer.current ??= setTimeout(() => flush.current(), draftSaveMs);
  };
  return [text, change] as const;
}

function length(text: string): number {
  let n = 0;
  for (const _ of text.trim()) n++;
  return n;
}

export function Composer({
  onSend,
  disabled,
  placeholder = 'Message Parley',
  inputRef,
  draftKey,
}: ComposerProps) {
  const [text, setText] = useDraft(draftKey);
  const box = useRef<HTMLTextAreaElement | null>(null);
  const count = length(text);
  const tooLong = count > limits.contentMax;
  const canSend = !disabled && count > 0 && !tooLong;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = 'auto';
    if (text) el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    onSend(text);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={send}>
      <div className="composer__box">
        <textarea
          ref={(el) => {
            box.current = el;
            if (typeof inputRef === 'function') inputRef(el);
            else if (inputRef) inputRef.current = el;
          }}
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label="Message"
          dir="auto"
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button
          type="submit"
          className="composer__send"
          aria-label="Send message"
          disabled={!canSend}
        >
          <Icon name="send" />
        </button>
      </div>
      <p className={`composer__note${tooLong ? ' composer__note--error' : ''}`} aria-live="polite">
        {count > limits.contentMax * 0.9
          ? `${count.toLocaleString()} / ${limits.contentMax.toLocaleString()} characters`
          : 'Enter to send, Shift+Enter for a new line'}
      </p>
    </form>
  );
}
