// A message's markdown (CommonMark and GFM) as React elements. The parser builds a
// syntax tree and this walks it, so raw HTML in a message only ever becomes text
// and no string is handed to innerHTML. Loaded lazily with its parser. Every block
// takes its direction from its own text, so Arabic or Hebrew reads right to left.
import type { Definition, Nodes, Parents, RootContent, TableCell } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { type ReactNode, useMemo } from 'react';
import { CodeBlock } from './CodeBlock';
import { safeHref } from './safeUrl';

type Definitions = Map<string, Definition>;

export function parseMarkdown(source: string) {
  return fromMarkdown(source, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function collectDefinitions(node: Nodes, into: Definitions): Definitions {
  if (node.type === 'definition') into.set(node.identifier, node);
  if ('children' in node) for (const child of node.children) collectDefinitions(child, into);
  return into;
}

/** A link that may be followed opens in a new tab; any other shows as its text. */
function link(href: string | null, children: ReactNode, key: string, title?: string | null) {
  if (!href) return <span key={key}>{children}</span>;
  return (
    <a key={key} href={href} title={title ?? undefined} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** The text a node shows, for places that take no markup (image alt text). */
function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('alt' in node && node.alt) return node.alt;
  if ('children' in node) return node.children.map(plainText).join('');
  return '';
}

function children(node: Parents, defs: Definitions, key: string): ReactNode[] {
  return node.children.map((child, i) => render(child, defs, `${key}.${i}`, node));
}

function render(node: RootContent, defs: Definitions, key: string, parent?: Parents): ReactNode {
  switch (node.type) {
    case 'paragraph':
      return (
        <p key={key} dir="auto">
          {children(node, defs, key)}
        </p>
      );
    case 'heading': {
      // Message headings sit below the page's own h1 and h2.
      const Tag = `h${Math.min(node.depth + 2, 6)}` as 'h3';
      return (
        <Tag key={key} className={`md-h${node.depth}`} dir="auto">
          {children(node, defs, key)}
        </Tag>
      );
    }
    case 'text':
      return node.value;
    case 'html':
      // Raw HTML is shown as what it is: text.
      return parent?.type === 'root' ||
        parent?.type === 'blockquote' ||
        parent?.type === 'listItem' ? (
        <p key={key} dir="auto">
          {node.value}
        </p>
      ) : (
        node.value
      );
    case 'emphasis':
      return <em key={key}>{children(node, defs, key)}</em>;
    case 'strong':
      return <strong key={key}>{children(node, defs, key)}</strong>;
    case 'delete':
      return <del key={key}>{children(node, defs, key)}</del>;
    case 'inlineCode':
      return (
        <code key={key} className="md-inline-code">
          {node.value}
        </code>
      );
    case 'break':
      return <br key={key} />;
    case 'thematicBreak':
      return <hr key={key} />;
    case 'blockquote':
      return (
        <blockquote key={key} dir="auto">
          {children(node, defs, key)}
        </blockquote>
      );
    case 'code':
      return <CodeBlock key={key} code={node.value} language={node.lang} />;
    case 'list': {
      const items = children(node, defs, key);
      const tasks = node.children.some((item) => typeof item.checked === 'boolean');
      const className = tasks ? 'md-tasks' : undefined;
      return node.ordered ? (
        <ol key={key} start={node.start ?? undefined} className={className} dir="auto">
          {items}
        </ol>
      ) : (
        <ul key={key} className={className} dir="auto">
          {items}
        </ul>
      );
    }
    case 'listItem': {
      // A tight list's paragraphs render as bare text, as CommonMark says.
      const tight = parent?.type === 'list' && !parent.spread && !node.spread;
      const content = node.children.map((child, i) =>
        tight && child.type === 'paragraph'
          ? children(child, defs, `${key}.${i}`)
          : render(child, defs, `${key}.${i}`, node),
      );
      if (typeof node.checked !== 'boolean')
        return (
          <li key={key} dir="auto">
            {content}
          </li>
        );
      return (
        <li key={key} className="md-task" dir="auto">
          <input
            type="checkbox"
            checked={node.checked}
            disabled
            aria-label={node.checked ? 'Done' : 'Not done'}
          />{' '}
          {content}
        </li>
      );
    }
    case 'table': {
      const [head, ...body] = node.children;
      const align = node.align ?? [];
      const cells = (row: typeof head, Cell: 'th' | 'td', rowKey: string) =>
        row?.children.map((cell: TableCell, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a cell's place in the parsed table is its identity
          <Cell key={`${rowKey}.${i}`} className={align[i] ? `md-align-${align[i]}` : undefined}>
            {children(cell, defs, `${rowKey}.${i}`)}
          </Cell>
        ));
      return (
        <div key={key} className="md-table">
          <table dir="auto">
            <thead>
              <tr>{cells(head, 'th', `${key}.h`)}</tr>
            </thead>
            {body.length > 0 && (
              <tbody>
                {body.map((row, r) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a row's place in the parsed table is its identity
                  <tr key={`${key}.${r}`}>{cells(row, 'td', `${key}.${r}`)}</tr>
                ))}
              </tbody>
            )}
          </table>
        </div>
      );
    }
    case 'link':
      return link(safeHref(node.url), children(node, defs, key), key, node.title);
    case 'linkReference': {
      const def = defs.get(node.identifier);
      if (!def) return <span key={key}>{children(node, defs, key)}</span>;
      return link(safeHref(def.url), children(node, defs, key), key, def.title);
    }
    case 'image':
    case 'imageReference': {
      // No images from arbitrary addresses (they would track who reads): a link to it.
      const url = node.type === 'image' ? node.url : defs.get(node.identifier)?.url;
      const alt = plainText(node) || 'image';
      return link(safeHref(url), `🖼 ${alt}`, key);
    }
    case 'footnoteReference':
      return <sup key={key}>[{node.label ?? node.identifier}]</sup>;
    case 'footnoteDefinition':
      return (
        <div key={key} className="md-footnote" dir="auto">
          <sup>[{node.label ?? node.identifier}]</sup> {children(node, defs, key)}
        </div>
      );
    case 'definition':
    case 'yaml':
      return null;
    default:
      return 'value' in node && typeof node.value === 'string' ? node.value : null;
  }
}

export function Markdown({ source }: { source: string }) {
  // Parsed once per text: the list re-renders every bubble when a message arrives.
  const content = useMemo(() => {
    const tree = parseMarkdown(source);
    return children(tree, collectDefinitions(tree, new Map()), 'm');
  }, [source]);
  return <div className="md">{content}</div>;
}

export default Markdown;
