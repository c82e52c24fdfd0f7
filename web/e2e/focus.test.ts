// Where focus goes when what held it goes away, in a real browser: after deleting a
// message (to the next message's Delete, or the composer when none is left) and
// after an edit ends by Save or Cancel (back to the message's Edit button); after
// Restore, Delete forever or Empty trash (to the chat in its place, or the empty
// Trash's message); after a refused sign-in or sign-up (to the field to fix, or
// the form's message).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser } from './support/browser';
import {
  composer,
  messages,
  openNewChat,
  password,
  send,
  signIn,
  signUp,
  uniqueName,
} from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let page: Page;
const username = uniqueName('focus');

const messageWith = (p: Page, text: string) =>
  messages(p).getByRole('listitem').filter({ hasText: text });

/** The focused element as "tag name", and the text of the message it is in. */
const focused = (p: Page) =>
  p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    const name =
      el.getAttribute('aria-label') ??
      (el as HTMLInputElement).labels?.[0]?.textContent ??
      el.textContent?.trim() ??
      '';
    const item = el.closest('.message')?.querySelector('.message__bubble')?.textContent ?? '';
    return `${el.tagName.toLowerCase()} ${name}${item ? ` in ${item.trim()}` : ''}`;
  });

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: desktop })).newPage();
  await signUp(page, server.url, username);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('focus', () => {
  it('returns to the message’s Edit button after Save and after Cancel', async () => {
    await openNewChat(page);
    await send(page, 'First words');
    const item = messageWith(page, 'First words');
    await item.getByRole('button', { name: 'Edit message' }).focus();
    await page.keyboard.press('Enter');
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Edit message in First words');

    await page.keyboard.press('Enter');
    await editor.fill('Better words');
    await page.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Edit message in Better words');
  });

  it('moves to the next message’s Delete after a delete, the one before for the last, then the composer', async () => {
    await send(page, 'Second words');
    await send(page, 'Third words');
    await messageWith(page, 'Third words')
      .getByRole('button', { name: 'Delete message' })
      .waitFor();
    await messageWith(page, 'Second words').getByRole('button', { name: 'Delete message' }).focus();
    await page.keyboard.press('Enter');
    await messageWith(page, 'Second words').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Delete message in Third words');

    await page.keyboard.press('Enter');
    await messageWith(page, 'Third words').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Delete message in Better words');

    await page.keyboard.press('Enter');
    await page.getByText('No messages yet. Say hello.').waitFor();
    expect(await composer(page).evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('moves to the chat in its place after Restore and Delete forever, and to the message once the Trash is empty', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    for (const title of ['Ant', 'Bee', 'Cat', 'Dog']) {
      const { id } = await script.createSession(title);
      await script.remove(id);
    }
    await page.getByRole('link', { name: 'Trash' }).click();
    const trash = page.getByRole('list', { name: 'Deleted chats' });
    const titles = trash.locator('.trash__title');
    await trash.getByText('Ant').waitFor();
    await titles.nth(3).waitFor();
    const [first, second, third] = await titles.allTextContents();

    await page.getByRole('button', { name: `Restore “${second}”` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe(`button Restore “${third}”`);

    const last = (await titles.allTextContents()).at(-1);
    await page.getByRole('button', { name: `Delete forever “${last}”` }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('dialog', { name: 'Delete forever?' })
      .getByRole('button', { name: 'Delete forever' })
      .click();
    await expect.poll(() => focused(page)).toBe(`button Delete forever “${third}”`);
    expect(await titles.allTextContents()).toEqual([first, third]);

    await page.getByRole('button', { name: 'Empty trash' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('dialog', { name: 'Empty the Trash?' })
      .getByRole('button', { name: 'Empty trash' })
      .click();
    await expect.poll(() => focused(page)).toBe('div The Trash is empty.');
  });

  it('moves to the form’s message after a refused sign-in, and to the field to fix after a refused sign-up', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p, username, 'not the password');
    await p.getByText('Wrong username or password.').waitFor();
    await expect.poll(() => focused(p)).toBe('p Wrong username or password.');

    await p.getByRole('button', { name: 'Create an account' }).click();
    await p.getByLabel('Username').fill('fine_name');
    await p.getByLabel('Password').fill('short');
    await p.getByRole('button', { name: 'Sign up' }).click();
    await p.getByText('Password must be at least 8 characters').waitFor();
    await expect.poll(() => focused(p)).toBe('input Password');
    await context.close();
  });
});
