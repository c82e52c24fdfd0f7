// A fenced code block: its language, a Copy button, and highlighting once the
// highlighter has loaded (plain text until then).
import { type ReactNode, useEffect, useState } from 'react';
import { copyText } from '../clipboard';

type Highlight = typeof import('./highlight').highlight;
let highlighter: Promise<Highlight> | null = null;
function loadHighlighter(): Promise<Highlight> {
  highlighter ??= import('./highlight').then((m) => m.highlight);
  return highlighter;
}

export function CodeBlock({ code, language }: { code: string; language?: string | null }) {
  const [highlighted, setHighlighted] = useState<ReactNode[] | null>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    let live = true;
    loadHighlighter().then(
      (highlight) => live && setHighlighted(highlight(code, language)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [code, language]);

  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = () => {
    void copyText(code).then((ok) => setCopied(ok ? 'copied' : 'failed'));
  };

  return (
    <div className="code-block">
      <div className="code-block__bar">
        <span className="code-block__lang">{language || 'code'}</span>
        <button type="button" className="code-block__copy" onClick={copy}>
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
      </div>
      <pre>
        <code className={highlighted ? 'hljs' : undefined}>{highlighted ?? code}</code>
      </pre>
    </div>
  );
}
