// Export and import through the web app in Chromium: a chat as Markdown and JSON
// downloads, the account export with its progress, and a ChatGPT import whose
// report shows and whose chat appears live in another open tab, and a Parley
// export whose folder and pin come with it.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser, screenshot } from './support/browser';
import { password, sidebar, signUp, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const username = uniqueName('e2e_port');
const code = '```js\nconsole.log("kept verbatim");\n```';

async function downloaded(p: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([p.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

const conversations = [
  {
    id: 'e2e-conv-1',
    title: 'From ChatGPT',
    create_time: 1_700_000_000,
    current_node: 'b',
    mapping: {
      r: { id: 'r', parent: null, children: ['a'], message: null },
      a: {
        id: 'a',
        parent: 'r',
        children: ['b'],
        message: {
          author: { role: 'user' },
          create_time: 1_700_000_001,
          content: { parts: ['Imported question'] },
        },
      },
      b: {
        id: 'b',
        parent: 'a',
        children: [],
        message: {
          author: { role: 'assistant' },
          create_time: 1_700_000_002,
          content: { parts: ['Imported answer'] },
        },
      },
    },
  },
];

const at = '2024-05-01T10:00:00.000Z';
/** An account export from elsewhere: one folder, one pinned chat in it. */
const organisedExport = `${[
  { type: 'account', format: 'parley.account', version: 1, folders: 1, sessions: 1, messages: 1 },
  { type: 'folder', id: 'f-1', name: 'Imported folder', createdAt: at, updatedAt: at },
  {
    type: 'session',
    id: 'e2e-parley-1',
    title: 'Filed away',
    createdAt: at,
    deleted: false,
    deletedAt: null,
    pinned: true,
    archived: false,
    folderId: 'f-1',
  },
  {
    type: 'message',
    sessionId: 'e2e-parley-1',
    role: 'user',
    content: 'In a folder',
    createdAt: at,
    updatedAt: at,
  },
  { type: 'end', sessions: 1, messages: 1 },
]
  .map((l) => JSON.stringify(l))
  .join('\n')}\n`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: desktop, acceptDownloads: true });
  page = await context.newPage();
  await signUp(page, server.url, username);
  const api = scriptApi(server.url);
  await api.login(username, password);
  const s = await api.createSession('Export me');
  await api.send(s.id, 'Hello there');
  await api.send(s.id, code);
  await page.goto(`${server.url}/c/${s.id}`);
  await page.getByText('kept verbatim').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('export and import in the browser', () => {
  it('downloads a chat as Markdown and as JSON from its actions in the sidebar', async () => {
    const exportButton = sidebar(page).getByRole('button', { name: 'Export “Export me”' });
    await sidebar(page).getByText('Export me').hover();
    await exportButton.click();
    const md = await downloaded(page, () =>
      page.getByRole('menuitem', { name: 'Export as Markdown' }).click(),
    );
    expect(md.name).toBe('Export-me.md');
    expect(md.text.startsWith('# Export me\n')).toBe(true);
    expect(md.text).toContain(`\n\n${code}\n\n`);
    await sidebar(page).getByText('Export me').hover();
    await exportButton.click();
    await screenshot(page, 'desktop-chat-export-menu');
    const json = await downloaded(page, () =>
      page.getByRole('menuitem', { name: 'Export as JSON' }).click(),
    );
    expect(json.name).toBe('Export-me.json');
    const body = JSON.parse(json.text) as { messages: Array<{ content: string }> };
    expect(body.messages.map((m) => m.content)).toEqual(['Hello there', code]);
  });

  it('exports the account with its progress, then imports a ChatGPT file and shows the report', async () => {
    const other = await context.newPage();
    await other.goto(server.url);
    await sidebar(other).getByText('Export me').waitFor();

    await page.getByRole('button', { name: 'Export or import chats' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your data' });
    await dialog.waitFor();
    const account = await downloaded(page, () =>
      dialog.getByRole('button', { name: 'Export account' }).click(),
    );
    expect(account.name).toMatch(new RegExp(`^parley-${username}-\\d{4}-\\d\\d-\\d\\d\\.ndjson$`));
    const lines = account.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['account', 'session', 'message', 'message', 'end']);
    await dialog.getByText('Saved 1 chat as').waitFor();

    await dialog.getByLabel('Choose a file to import').setInputFiles({
      name: 'conversations.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(conversations)),
    });
    await dialog.getByText('Imported 1 chat and 2 messages.').waitFor();
    await screenshot(page, 'desktop-import-report');
    // The imported chat reaches both tabs' sidebars through the live stream.
    await sidebar(other).getByText('From ChatGPT').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await sidebar(page).getByText('From ChatGPT').click();
    await page.getByText('Imported answer').waitFor();

    // The same file again adds nothing, and says so.
    await page.getByRole('button', { name: 'Export or import chats' }).click();
    await dialog.getByLabel('Choose a file to import').setInputFiles({
      name: 'conversations.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(conversations)),
    });
    await dialog.getByText('1 chat had been imported before.', { exact: false }).waitFor();

    // A Parley export brings its folder and pin; the other tab sees the folder and its count.
    await dialog.getByLabel('Choose a file to import').setInputFiles({
      name: 'parley-export.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(organisedExport),
    });
    await dialog.getByText('Imported 1 chat and 1 message. Created 1 folder.').waitFor();
    await screenshot(page, 'desktop-import-report-folders');
    await sidebar(other).getByRole('button', { name: 'Imported folder 1 chat' }).click();
    const filed = sidebar(other).getByRole('link').filter({ hasText: 'Filed away' });
    await filed.getByRole('img', { name: 'Pinned' }).waitFor();
    await other.close();
  });
});
