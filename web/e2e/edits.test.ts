// Titles, New Chat and a person's own messages in a real browser: a chat named by
// its first message, New Chat opening the empty chat instead of adding another,
// edit in place (Esc cancels, Enter saves), delete with Undo, and Copy.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchBrowser, screenshot } from './support/browser';
import { messages, openNewChat, send, sidebar, signUp, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let chatUrl = '';
const username = uniqueName('ed');

const messageWith = (p: Page, text: string) =>
  messages(p).getByRole('listitem').filter({ hasText: text });

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: desktop,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  await signUp(page, server.url, username);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('New Chat and titles', () => {
  it('opens the empty chat instead of adding a second one, by button and by shortcut', async () => {
    await openNewChat(page);
    chatUrl = page.url();
    await sidebar(page).getByRole('link', { name: 'New Chat' }).waitFor();

    await page.getByRole('button', { name: 'New Chat' }).first().click();
    await page.keyboard.press('Control+Shift+O');
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await sidebar(page).getByRole('link', { name: 'New Chat' }).waitFor();
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL(chatUrl);
    expect(await sidebar(page).getByRole('link', { name: 'New Chat' }).count()).toBe(1);
  });

  it('names the chat after its first message, in the sidebar and the header', async () => {
    await send(page, '## Plan a trip to Lisbon\nthree days in May');
    await sidebar(page).getByRole('link', { name: 'Plan a trip to Lisbon' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Plan a trip to Lisbon' }).waitFor();
    // No empty chat is left, so New Chat starts one.
    await page.getByRole('button', { name: 'New Chat' }).first().click();
    await page.waitForURL((u) => u.href !== chatUrl);
    await sidebar(page).getByRole('link', { name: 'New Chat' }).waitFor();
    await page.goto(chatUrl);
    await messageWith(page, 'three days in May').waitFor();
  });
});

describe('a message of your own', () => {
  it('is edited in place: Esc cancels, Enter saves, and it shows as edited', async () => {
    await send(page, 'Pack light');
    const item = messageWith(page, 'Pack light');
    await item.hover();
    await item.getByRole('button', { name: 'Edit message' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Pack nothing at all');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await messageWith(page, 'Pack light').waitFor();
    expect(await messages(page).getByText('Pack nothing at all').count()).toBe(0);

    await item.hover();
    await item.getByRole('button', { name: 'Edit message' }).click();
    await editor.fill('Pack a raincoat');
    await screenshot(page, 'desktop-message-editing');
    await editor.press('Enter');
    const edited = messageWith(page, 'Pack a raincoat');
    await edited.getByText('edited').waitFor();
    await page.reload();
    await messageWith(page, 'Pack a raincoat').getByText('edited').waitFor();
    expect(await messages(page).getByText('Pack light').count()).toBe(0);
  });

  it('puts the message back as it was when the server refuses the edit', async () => {
    await page.route('**/trpc/message.edit**', (route) => route.abort('connectionfailed'));
    const item = messageWith(page, 'Pack a raincoat');
    await item.hover();
    await item.getByRole('button', { name: 'Edit message' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Never saved');
    await editor.press('Enter');
    await page.getByText(/Could not save the edit/).waitFor();
    await messageWith(page, 'Pack a raincoat').waitFor();
    expect(await messages(page).getByText('Never saved').count()).toBe(0);
    await page.unroute('**/trpc/message.edit**');
  });

  it('shows an edit made in another tab live', async () => {
    const other = await context.newPage();
    await other.goto(chatUrl);
    const there = messageWith(other, 'Pack a raincoat');
    // No wait for its live stream: it resumes from what its list saw, so the edit comes either way.
    await there.waitFor();
    await page.bringToFront();
    const item = messageWith(page, 'Pack a raincoat');
    await item.hover();
    await item.getByRole('button', { name: 'Edit message' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Pack a raincoat and boots');
    await editor.press('Enter');
    await messageWith(other, 'Pack a raincoat and boots').waitFor({ timeout: 15_000 });
    await other.close();
  });

  it('is deleted with Undo, which brings it back', async () => {
    await send(page, 'Delete me maybe');
    const item = messageWith(page, 'Delete me maybe');
    await item.hover();
    await item.getByRole('button', { name: 'Delete message' }).click();
    await item.waitFor({ state: 'detached' });
    await page.getByText('Message deleted').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await messageWith(page, 'Delete me maybe').waitFor();
    await page.reload();
    await messageWith(page, 'Delete me maybe').waitFor();

    // Deleted for good when nobody undoes it.
    await messageWith(page, 'Delete me maybe').hover();
    await messageWith(page, 'Delete me maybe')
      .getByRole('button', { name: 'Delete message' })
      .click();
    await page.getByText('Message deleted').waitFor();
    await page.reload();
    await messageWith(page, 'Pack a raincoat and boots').waitFor();
    expect(await messages(page).getByText('Delete me maybe').count()).toBe(0);
  });

  it('is copied as its markdown source', async () => {
    const source = 'Bring **two** `adapters`';
    await send(page, source);
    const item = messageWith(page, 'adapters');
    await item.hover();
    await item.getByRole('button', { name: 'Copy message' }).click();
    await page.getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(source);
  });
});
