// Syntax highlighting for code blocks, loaded only when a message has one: the
// highlight.js core with the languages people paste most, turned into React elements.
import type { Element, ElementContent, Root } from 'hast';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createLowlight } from 'lowlight';
import type { ReactNode } from 'react';

const lowlight = createLowlight({
  bash,
  css,
  go,
  java,
  javascript,
  json,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
});
lowlight.registerAlias({
  bash: ['sh', 'shell', 'zsh', 'console'],
  javascript: ['js', 'jsx', 'mjs', 'cjs'],
  typescript: ['ts', 'tsx'],
  python: ['py'],
  xml: ['html', 'svg'],
  yaml: ['yml'],
  rust: ['rs'],
});

/** Guessing the language of a long unlabelled block costs more than it gives. */
const autoMax = 4_000;

function toReact(nodes: ElementContent[], key = ''): ReactNode[] {
  return nodes.map((node, i) => {
    if (node.type === 'text') return node.value;
    if (node.type !== 'element') return null;
    const el = node as Element;
    const names = el.properties.className;
    const className = Array.isArray(names) ? names.join(' ') : undefined;
    return (
      // biome-ignore lint/suspicious/noArrayIndexKey: a token's place in the highlighted code is its identity
      <span key={`${key}${i}`} className={className}>
        {toReact(el.children, `${key}${i}.`)}
      </span>
    );
  });
}

/** Highlighted code as spans with hljs-* classes, or null to show it plain. */
export function highlight(code: string, language: string | null | undefined): ReactNode[] | null {
  let tree: Root;
  const name = language?.toLowerCase();
  if (name) {
    if (!lowlight.registered(name)) return null;
    tree = lowlight.highlight(name, code);
  } else {
    if (code.length > autoMax) return null;
    tree = lowlight.highlightAuto(code);
    if (!tree.data?.language) return null;
  }
  return toReact(tree.children as ElementContent[]);
}
