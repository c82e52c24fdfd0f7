// Search in a real browser: Ctrl+K opens the search box (what is typed before its
// code has loaded goes into it, not the composer), hits are grouped by chat
// with the matched words marked, the arrow keys and Enter open one, and the chat
// opens scrolled to that message, marked, with older messages loading above and
// newer ones below.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser, screenshot } from './support/browser';
import { composer, password, signIn, signUp, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let page: Page;
const username = uniqueName('find');
const total = 160;
const hitSeq = 70;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: desktop })).newPage();
  await signUp(page, server.url, username);

  const script = scriptApi(server.url);
  await script.login(username, password);
  const long = await script.createSession('Long history');
  for (let i = 1; i <= total; i++) {
    const text = i === hitSeq ? 'The Résumé for the deployment review' : `Filler line ${i}`;
    await script.send(long.id, text);
  }
  const other = await script.createSession('Deployment checklist');
  await script.send(other.id, 'deploy on friday');
  await page.reload();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

const dialog = (p: Page) => p.getByRole('dialog', { name: 'Search chats and messages' });
const box = (p: Page) => dialog(p).getByRole('combobox');
const options = (p: Page) => dialog(p).getByRole('option');

describe('search in the browser', () => {
  it('finds messages and titles, grouped by chat, with the words marked', async () => {
    await page.getByRole('button', { name: /^Search/ }).waitFor();
    await page.keyboard.press('Control+k');
    await expect.poll(() => box(page).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('deplo');
    await expect.poll(() => options(page).count()).toBe(3);
    const groups = dialog(page).getByRole('group');
    expect((await groups.count()) >= 2).toBe(true);
    const marks = await dialog(page).locator('mark').allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toEqual(
      expect.arrayContaining(['deployment', 'deploy']),
    );
    await screenshot(page, 'desktop-search-results');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
  });

  it('opens a hit in its chat, scrolled to it and marked, and pages both ways from there', async () => {
    await page.keyboard.press('Control+k');
    await box(page).fill('resume');
    await expect.poll(() => options(page).count()).toBe(1);
    expect(await options(page).first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await dialog(page).waitFor({ state: 'detached' });

    const list = page.getByRole('list', { name: 'Messages' });
    const hit = list.locator('.message--hit');
    await hit.waitFor();
    expect(await hit.textContent()).toContain('The Résumé for the deployment review');
    const inView = () =>
      hit.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      });
    expect(await inView()).toBe(true);
    // The page around it holds neither end of the chat.
    expect(await list.getByText('Filler line 1', { exact: true }).count()).toBe(0);
    expect(await list.getByText(`Filler line ${total}`, { exact: true }).count()).toBe(0);
    await screenshot(page, 'desktop-search-hit');

    // Newer pages load below and older ones above, each without moving what is on screen.
    const scroller = page.locator('.messages');
    const bubbles = list.locator(':scope > li');
    // Where the words `text` stand on screen, after scrolling `to` an end first (in one
    // step in the page, so no page can arrive in between).
    const topOf = (text: string, to?: 'top' | 'bottom') =>
      scroller.evaluate(
        (el, [text, to]) => {
          if (to) el.scrollTop = to === 'bottom' ? el.scrollHeight : 0;
          const words = [...el.querySelectorAll('.messages__list > li *')].find(
            (e) => e.textContent === text,
          );
          return words ? Math.round(words.getBoundingClientRect().top) : null;
        },
        [text, to] as const,
      );
    const edge = async (which: 'first' | 'last') => {
      const texts = await list.getByText(/^Filler line \d+$/).allTextContents();
      return (which === 'first' ? texts[0] : texts.at(-1)) ?? '';
    };
    for (const way of ['newer', 'older'] as const) {
      const count = await bubbles.count();
      const anchor = await edge(way === 'newer' ? 'last' : 'first');
      const at = await topOf(anchor, way === 'newer' ? 'bottom' : 'top');
      await expect.poll(() => bubbles.count(), { timeout: 15_000 }).toBeGreaterThan(count);
      await expect.poll(() => topOf(anchor)).toBe(at);
    }

    // On to both ends: every message once, in order.
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => {
            el.scrollTop = el.scrollHeight;
          });
          return list.getByText(`Filler line ${total}`, { exact: true }).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => {
            el.scrollTop = 0;
          });
          return page.getByText('The beginning of this chat').count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    const seen = await list.getByText(/^Filler line \d+$/).allTextContents();
    expect(seen).toEqual(
      Array.from({ length: total }, (_, i) => i + 1)
        .filter((i) => i !== hitSeq)
        .map((i) => `Filler line ${i}`),
    );
  });

  it('opens the chat at its newest messages when reached another way', async () => {
    await page.getByRole('link', { name: 'Parley' }).click();
    await page.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Chats' })
      .getByRole('link', { name: 'Long history' })
      .click();
    const list = page.getByRole('list', { name: 'Messages' });
    await list.getByText(`Filler line ${total}`, { exact: true }).waitFor();
    expect(await list.locator('.message--hit').count()).toBe(0);
  });

  it('takes what is typed after the first Ctrl+K into the box while its code still loads, none into the composer', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const p = await context.newPage();
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await p.route('**/assets/SearchDialog-*.js', async (route) => {
      await held;
      await route.continue();
    });
    await p.goto(server.url);
    await signIn(p, username);
    await p
      .getByRole('navigation', { name: 'Chats' })
      .getByRole('link', { name: 'Deployment checklist' })
      .click();
    await expect.poll(() => composer(p).evaluate((el) => el === document.activeElement)).toBe(true);
    await p.keyboard.press('Control+k');
    await p.keyboard.type('deplo');
    release();
    await expect.poll(() => box(p).inputValue()).toBe('deplo');
    expect(await composer(p).inputValue()).toBe('');
    await expect.poll(() => options(p).count()).toBe(3);
    await context.close();
  });
});
