// A message's text, rendered as markdown once the renderer has loaded (plain text
// until then, so the first paint never waits for it), and folded when very long.
import { lazy, Suspense, useId, useState } from 'react';

/** Starts loading the renderer (a chat calls it on opening, before its messages arrive). */
export const preloadMarkdown = () => import('./markdown/Markdown');
const Markdown = lazy(preloadMarkdown);

/** Longer than this (in characters or lines) folds behind "Show more". */
export const foldChars = 3_000;
export const foldLines = 40;

export function isLong(content: string): boolean {
  if (content.length > foldChars) return true;
  let lines = 1;
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) {
    if (++lines > foldLines) return true;
  }
  return false;
}

export function MessageContent({ content }: { content: string }) {
  const long = isLong(content);
  const [open, setOpen] = useState(false);
  const id = useId();
  const folded = long && !open;
  return (
    <>
      <div id={id} className={`message__content${folded ? ' message__content--folded' : ''}`}>
        <Suspense
          fallback={
            <p className="message__plain" dir="auto">
              {content}
            </p>
          }
        >
          <Markdown source={content} />
        </Suspense>
      </div>
      {long && (
        <button
          type="button"
          className="link message__fold"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((v) => !v)}
        >
          {open ? 'Show less' : 'Show more'}
        </button>
      )}
    </>
  );
}
