// Accessibility of the main screens in a real browser: axe-core finds no serious or
// critical WCAG 2.2 AA violation on the sign-in and chat screens, the Trash, the
// search box and a message being sent, in either theme at desktop and phone width; the composer is a few Tab stops away, the chat list is
// one; focus comes back after a rename and after the phone drawer closes; an empty
// title is refused with a message beside the field, which stays open; and stays
// inside the drawer while it is open, Tab cycling through its real stops; a chat
// sent to the Trash by Delete hands focus to its neighbour.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { seriousViolations } from './support/axe';
import { desktop, launchBrowser, phone } from './support/browser';
import { password, register, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
const username = uniqueName('a11y');
let chatUrl = '';

const sizes = { desktop, phone } as const;
const themes = ['light', 'dark'] as const;

async function signIn(p: Page) {
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
}

async function expectNoSeriousViolations(p: Page, screen: string) {
  for (const theme of themes) {
    for (const [name, size] of Object.entries(sizes)) {
      await p.emulateMedia({ colorScheme: theme });
      await p.setViewportSize(size);
      // The theme's colours fade in (transitions): judge them once they have settled.
      await p.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      expect(await seriousViolations(p), `${screen}, ${theme}, ${name}`).toEqual([]);
    }
  }
}

/** A signed-in phone-sized page on the seeded chat, in a context of its own. */
async function chatOnPhone() {
  const context = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
  const p = await context.newPage();
  await p.goto(server.url);
  await signIn(p);
  await p.goto(chatUrl);
  await p.getByRole('list', { name: 'Messages' }).getByText('A second message').waitFor();
  return { context, p };
}

const focused = (p: Page) =>
  p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el
      ? `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}`
      : '';
  });

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const script = scriptApi(server.url);
  await register(server.url, username);
  await script.login(username, password);
  for (let i = 1; i <= 12; i++) await script.createSession(`Chat number ${i}`);
  const { id } = await script.createSession('Markdown here');
  await script.send(
    id,
    'Some **bold**, a [link](https://example.com), `code`:\n\n```js\nconst a = 1;\n```\n\n| Fruit | Quantity |\n|---|---|\n| Apple | 2 |',
  );
  await script.send(id, 'A second message');
  chatUrl = `${server.url}/c/${id}`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('accessibility', () => {
  it('has no serious or critical axe violations on the sign-in screen', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await p.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await expectNoSeriousViolations(p, 'sign-in');
    await context.close();
  });

  it('has no serious or critical axe violations on the chat screen', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);
    await p.goto(chatUrl);
    await p
      .getByRole('list', { name: 'Messages' })
      .locator('pre code .hljs-keyword')
      .first()
      .waitFor();
    await expectNoSeriousViolations(p, 'chat');
    await context.close();
  });

  it('reaches the composer in a handful of Tab stops, the chat list being one, with visible focus', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);
    await p.goto(chatUrl);
    await p.getByRole('list', { name: 'Messages' }).getByText('A second message').waitFor();
    // From the top of the page: the skip link is its first stop.
    await p.locator('.skip-link').focus();
    const stops: string[] = [await focused(p)];
    for (let i = 0; i < 30; i++) {
      await p.keyboard.press('Tab');
      const now = await focused(p);
      stops.push(now);
      if (now.startsWith('textarea')) break;
    }
    expect(stops[0]).toBe('a Skip to main content');
    expect(stops.at(-1)).toBe('textarea Message');
    const chats = stops.filter((s) => /^a (Chat number|Markdown here)/.test(s));
    expect(chats, stops.join('\n')).toEqual(['a Markdown here']);
    // Three are the message's own (its link, its code's Copy button and the message's
    // toolbar); the Archive's link is one; New folder and the folders none (they are in the
    // list's arrow-key focus), nor the account's buttons beyond one (a toolbar).
    expect(stops.length, stops.join('\n')).toBeLessThanOrEqual(13);
    const outline = await p
      .locator('.composer__box')
      .evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');

    // Arrow keys move within the list; Tab leaves it.
    const list = p.getByRole('navigation', { name: 'Chats' });
    await list.getByRole('link', { name: 'Markdown here' }).focus();
    await p.keyboard.press('ArrowDown');
    expect(await focused(p)).toBe('a Chat number 12');
    await p.keyboard.press('ArrowRight');
    expect(await focused(p)).toBe('button Rename “Chat number 12”');
    await p.keyboard.press('End');
    expect(await focused(p)).toBe('a Chat number 1');
    await p.keyboard.press('Home');
    expect(await focused(p)).toBe('a Markdown here');

    // The skip link goes straight to the main panel.
    await p.locator('.skip-link').focus();
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });

  it('returns focus to the chat after renaming it', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);
    const list = p.getByRole('navigation', { name: 'Chats' });
    await list.getByRole('link', { name: 'Chat number 5' }).focus();
    await p.keyboard.press('F2');
    const title = p.getByLabel('Chat title');
    await title.fill('Renamed by keyboard');
    await title.press('Enter');
    await list.getByRole('link', { name: 'Renamed by keyboard' }).waitFor();
    await expect.poll(() => focused(p)).toBe('a Renamed by keyboard');

    await list.getByRole('link', { name: 'Chat number 6' }).hover();
    await list.getByRole('button', { name: 'Rename “Chat number 6”' }).click();
    await p.getByLabel('Chat title').press('Escape');
    await expect.poll(() => focused(p)).toBe('a Chat number 6');
    await context.close();
  });

  it('asks before a sign-out that would lose a message, in a dialog that keeps Escape to itself', async () => {
    const { context, p } = await chatOnPhone();
    await context.route('**/trpc/message.send**', (route) => route.abort('connectionfailed'));
    const box = p.getByLabel('Message', { exact: true });
    await box.fill('not sent');
    await box.press('Enter');
    await p.getByText(/Not sent/).waitFor();
    await p.getByRole('button', { name: 'Show chats' }).click();
    const signOut = p.getByRole('button', { name: 'Sign out' });
    await signOut.click();
    const asked = p.getByRole('dialog', { name: 'Sign out?' });
    await asked.waitFor();
    await expect.poll(() => asked.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    // Escape answers the question only: the drawer behind it stays open.
    await p.keyboard.press('Escape');
    await asked.waitFor({ state: 'detached' });
    expect(await p.locator('.shell--drawer-open').count()).toBe(1);
    await expect.poll(() => focused(p)).toBe('button Sign out');
    await signOut.click();
    await asked.waitFor();
    await expectNoSeriousViolations(p, 'the sign-out question');
    await context.close();
  });

  it('keeps focus inside the phone drawer, and gives it back to its button on closing', async () => {
    const { context, p } = await chatOnPhone();
    await p.getByRole('button', { name: 'Show chats' }).focus();
    await p.keyboard.press('Enter');
    await expect.poll(() => focused(p)).toBe('button New Chat');
    const inside = () =>
      p.evaluate(
        () => document.querySelector('.sidebar')?.contains(document.activeElement) ?? false,
      );
    for (let i = 0; i < 12; i++) {
      await p.keyboard.press('Tab');
      expect(await inside(), `Tab ${i + 1} left the drawer`).toBe(true);
    }
    for (let i = 0; i < 3; i++) {
      await p.keyboard.press('Shift+Tab');
      expect(await inside()).toBe(true);
    }
    await p.keyboard.press('Escape');
    await expect.poll(() => focused(p)).toBe('button Show chats');
    await context.close();
  });

  it('cycles Tab through the drawer’s real stops only, wrapping from the last to the first', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    await script.createFolder('Trips');
    const { context, p } = await chatOnPhone();
    await p.getByRole('button', { name: 'Show chats' }).click();
    await p.locator('.folder__name', { hasText: 'Trips' }).waitFor();
    await expect.poll(() => focused(p)).toBe('button New Chat');
    const stop = () =>
      p.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const shown = getComputedStyle(el).visibility === 'visible';
        return `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim()}${el.tabIndex < 0 ? ' (roving)' : ''}${shown ? '' : ' (hidden)'}`;
      });
    const stops = ['button New Chat'];
    for (let i = 0; i < 40; i++) {
      await p.keyboard.press('Tab');
      const now = await stop();
      expect(now, `Tab stayed on ${now}`).not.toBe(stops.at(-1));
      if (now === 'button New Chat') break;
      stops.push(now);
    }
    expect(await stop(), stops.join('\n')).toBe('button New Chat');
    expect(stops.filter((s) => s.endsWith(')'))).toEqual([]);
    await p.keyboard.press('Shift+Tab');
    expect(await stop()).toBe(stops.at(-1));
    await p.keyboard.press('Tab');
    expect(await stop()).toBe('button New Chat');
    await context.close();
  });

  it('moves focus to the next chat after Delete, the one before for the last, New Chat for none', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);
    const list = p.getByRole('navigation', { name: 'Chats' });
    const links = list.locator('.session__open');
    await links.nth(3).waitFor();
    const titles = await links.allTextContents();
    await links.nth(1).focus();
    await p.keyboard.press('Delete');
    await expect.poll(() => focused(p)).toBe(`a ${titles[2]}`);
    await links.last().focus();
    await p.keyboard.press('Delete');
    await expect.poll(() => focused(p)).toBe(`a ${titles.at(-2)}`);
    await context.close();

    const loner = uniqueName('a11y_one');
    await register(server.url, loner);
    const script = scriptApi(server.url);
    await script.login(loner, password);
    await script.createSession('The only chat');
    const own = await browser.newContext({ viewport: desktop });
    const q = await own.newPage();
    await q.goto(server.url);
    await q.getByLabel('Username').fill(loner);
    await q.getByLabel('Password').fill(password);
    await q.getByRole('button', { name: 'Sign in' }).click();
    const only = q.getByRole('link', { name: 'The only chat' });
    await only.focus();
    await q.keyboard.press('Delete');
    await only.waitFor({ state: 'detached' });
    await expect.poll(() => focused(q)).toBe('button New Chat');
    await own.close();
  });

  it('has no serious or critical axe violations in the Trash, the search box, or on a message being sent', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    for (const title of ['Old plans', 'Old plans'])
      await script.remove((await script.createSession(title)).id);
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);

    await p.getByRole('link', { name: 'Trash' }).click();
    await p.getByRole('list', { name: 'Deleted chats' }).getByText('Old plans').first().waitFor();
    await expectNoSeriousViolations(p, 'the Trash');

    await p.emulateMedia({ colorScheme: 'light' });
    await p.setViewportSize(desktop);
    await p.keyboard.press('Control+k');
    const search = p.getByRole('dialog', { name: 'Search chats and messages' });
    await search.getByRole('combobox').fill('message');
    await search.getByRole('option').first().waitFor();
    await expectNoSeriousViolations(p, 'the search box');
    await p.keyboard.press('Escape');

    await p.goto(chatUrl);
    await p.getByRole('list', { name: 'Messages' }).getByText('A second message').waitFor();
    await context.route('**/trpc/message.send**', () => {});
    const box = p.getByLabel('Message', { exact: true });
    await box.fill('On its way');
    await box.press('Enter');
    await p.getByText('Sending…').waitFor();
    await expectNoSeriousViolations(p, 'a message being sent');
    await context.close();
  });

  it('refuses an empty title with a message beside the field, which stays open; leaving it keeps the old title and says so', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    await p.goto(server.url);
    await signIn(p);
    const list = p.getByRole('navigation', { name: 'Chats' });
    await list.getByRole('link', { name: 'Chat number 8' }).focus();
    await p.keyboard.press('F2');
    const title = p.getByLabel('Chat title');
    await title.fill('   ');
    await title.press('Enter');
    await list
      .getByRole('alert')
      .getByText('A chat needs a title. Esc keeps “Chat number 8”.')
      .waitFor();
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect(await title.evaluate((el) => el === document.activeElement)).toBe(true);
    for (const theme of themes) {
      await p.emulateMedia({ colorScheme: theme });
      await p.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      expect(await seriousViolations(p), `empty title, ${theme}`).toEqual([]);
    }
    await title.press('Escape');
    await expect.poll(() => focused(p)).toBe('a Chat number 8');

    await p.keyboard.press('F2');
    await title.fill('');
    await p.getByRole('heading', { name: 'What shall we talk about?' }).click();
    await p.getByText('A chat needs a title: it is still “Chat number 8”').waitFor();
    await list.getByRole('link', { name: 'Chat number 8' }).waitFor();
    await context.close();
  });
});
