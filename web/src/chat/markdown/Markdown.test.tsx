import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageBubble } from '../MessageBubble';
import { Markdown } from './Markdown';
import { safeHref } from './safeUrl';

const hostile = [
  '<script>alert(1)</script>',
  'before <script>alert(1)</script> after',
  '<img src=x onerror="alert(1)">',
  'inline <img src=x onerror=alert(1)> html',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<div onclick="alert(1)">\n\n*raw block*\n\n</div>',
  '<a href="javascript:alert(1)">raw anchor</a>',
  '<svg onload=alert(1)></svg>',
  '<style>body{display:none}</style>',
  '[x](javascript:alert(1))',
  '[upper](JAVASCRIPT:alert(1))',
  '[tabbed](java\tscript:alert(1))',
  '[entity](&#106;avascript:alert(1))',
  '[vb](vbscript:msgbox(1))',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<javascript:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '![img](javascript:alert(1))',
  '![pixel](https://tracker.example/p.gif "t")',
  '[ref][bad]\n\n[bad]: javascript:alert(1)',
  '| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [c](javascript:alert(1)) |',
  '- [ ] <script>alert(1)</script>\n- [x] done',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
];

const allowedTags = new Set(
  'div p span a em strong del code pre br hr blockquote ul ol li input table thead tbody tr th td h3 h4 h5 h6 sup button'.split(
    ' ',
  ),
);

function expectNoMarkup(root: HTMLElement) {
  for (const el of root.querySelectorAll('*')) {
    expect(allowedTags, `<${el.tagName.toLowerCase()}> reached the DOM`).toContain(
      el.tagName.toLowerCase(),
    );
    for (const attr of el.attributes) {
      expect(attr.name, `${attr.name} on <${el.tagName.toLowerCase()}>`).not.toMatch(/^on/i);
      expect(attr.name).not.toBe('style');
      expect(attr.name).not.toBe('src');
    }
  }
  expect(root.querySelectorAll('script, img, iframe, svg, style, object, embed')).toHaveLength(0);
  for (const a of root.querySelectorAll('a')) {
    expect(a.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    expect(a.getAttribute('target')).toBe('_blank');
  }
}

describe('rendering a message’s markdown', () => {
  it.each(hostile)('keeps hostile input as text: %s', (source) => {
    const { container } = render(<Markdown source={source} />);
    expectNoMarkup(container);
  });

  it('shows raw HTML as the text it is', () => {
    const { container } = render(<Markdown source={'<img src=x onerror="alert(1)">'} />);
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    const { container: link } = render(<Markdown source="[x](javascript:alert(1))" />);
    expect(link.querySelector('a')).toBeNull();
    expect(link.textContent).toBe('x');
  });

  it('renders GFM: tables, task lists, strikethrough, lists, code and safe links', () => {
    const source = [
      '# Title',
      '',
      '| Name | Qty |',
      '|:-----|----:|',
      '| tea  | 2   |',
      '',
      '- [x] done',
      '- [ ] to do',
      '',
      '1. one',
      '2. two',
      '',
      '~~gone~~ and `inline` and https://example.com/a?b=1',
      '',
      '[site](https://example.org "Example")',
      '',
      '```ts',
      'const x: number = 1;',
      '```',
    ].join('\n');
    const { container } = render(<Markdown source={source} />);
    expectNoMarkup(container);
    expect(container.querySelector('h3')?.textContent).toBe('Title');
    expect([...container.querySelectorAll('th')].map((c) => c.textContent)).toEqual([
      'Name',
      'Qty',
    ]);
    expect(container.querySelector('td')?.textContent).toBe('tea');
    const boxes = [...container.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    expect(container.querySelector('ol')?.children).toHaveLength(2);
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('code.md-inline-code')?.textContent).toBe('inline');
    const hrefs = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com/a?b=1', 'https://example.org/']);
    expect(container.querySelector('pre code')?.textContent).toBe('const x: number = 1;');
    expect(screen.getAllByRole('button', { name: 'Copy' })).toHaveLength(1);
  });

  it('renders a stored message, the assistant’s too, as markdown once the renderer loads', async () => {
    const at = new Date();
    const { container } = render(
      <ol>
        <MessageBubble
          author="assistant"
          content={'**bold** <script>alert(1)</script>'}
          createdAt={at}
        />
        <MessageBubble author="user" content={'[x](javascript:alert(1)) <b>b</b>'} createdAt={at} />
      </ol>,
    );
    expect(await screen.findByText('bold')).toHaveProperty('tagName', 'STRONG');
    for (const content of container.querySelectorAll<HTMLElement>('.message__content')) {
      expectNoMarkup(content);
    }
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.querySelector('.message--assistant')).not.toBeNull();
  });
});

describe('a message’s direction', () => {
  it('lets each paragraph, heading, quote, list and item take the direction of its own text', () => {
    const source =
      '# عنوان\n\nمرحبا بالعالم\n\nHello world\n\n> اقتباس\n\n- عنصر أول\n- second\n\n1. واحد';
    const { container } = render(<Markdown source={source} />);
    const blocks = container.querySelectorAll(
      '.md p, .md h3, .md blockquote, .md ul, .md ol, .md li',
    );
    expect(blocks).toHaveLength(10);
    for (const el of blocks) expect(el.getAttribute('dir'), el.outerHTML).toBe('auto');
  });
});

describe('link targets', () => {
  it('lets web and mail links through and refuses every other scheme', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref('mailto:a@example.com')).toBe('mailto:a@example.com');
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
      '/relative',
      '',
    ]) {
      expect(safeHref(bad), bad).toBeNull();
    }
  });
});
