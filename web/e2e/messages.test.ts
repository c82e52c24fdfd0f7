// Messages in a real browser: markdown with code, tables and links, Copy, drafts
// that survive a reload, and a network that goes silent under a send (through a
// proxy that stops forwarding without closing) until the message goes out by itself;
// a chat that failed to load loads by itself once Parley answers again; a wide
// table scrolls sideways inside its bubble on a phone.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser, phone, screenshot } from './support/browser';
import {
  composer,
  messages,
  openNewChat,
  password,
  send,
  sidebar,
  signUp,
  uniqueName,
} from './support/people';
import { type RunningServer, startServer } from './support/server';
import { type SilentProxy, startSilentProxy } from './support/silentProxy';

let server: RunningServer;
let proxy: SilentProxy;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const username = uniqueName('md');

const code = 'const answer: number = 42;\nconsole.log(answer);';
const markdown = [
  'Here is **some code**:',
  '',
  '```ts',
  code,
  '```',
  '',
  '| Fruit | Qty |',
  '|-------|----:|',
  '| Apple | 3 |',
  '| Pear | 5 |',
  '',
  'See [the docs](https://example.com/docs), ~~not~~ [this](javascript:alert(1)) and `inline code`.',
  '',
  '<img src=x onerror="document.title=\'owned\'">',
].join('\n');

beforeAll(async () => {
  server = await startServer();
  proxy = await startSilentProxy(server.url);
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: desktop,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  await signUp(page, proxy.url, username);
  await openNewChat(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
}, 60_000);

describe('messages in the browser', () => {
  it('renders markdown: highlighted code with Copy, a table, safe links, and HTML as text', async () => {
    await send(page, markdown);
    const list = messages(page);
    await list.locator('pre code .hljs-keyword').first().waitFor();
    expect(await list.locator('table th').allTextContents()).toEqual(['Fruit', 'Qty']);
    expect(await list.locator('table td').allTextContents()).toEqual(['Apple', '3', 'Pear', '5']);
    const docs = list.getByRole('link', { name: 'the docs' });
    expect(await docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(await docs.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await docs.getAttribute('target')).toBe('_blank');
    await list.getByText('this', { exact: true }).waitFor();
    expect(await list.locator('a[href^="javascript"], img, script').count()).toBe(0);
    await list.getByText('<img src=x onerror=').waitFor();
    expect(await list.locator('code.md-inline-code').textContent()).toBe('inline code');
    expect(await page.title()).not.toBe('owned');

    // The day's heading above it, and its full date and time on hover.
    await list.getByRole('heading', { level: 2, name: 'Today' }).waitFor();
    const full = await list.locator('time').last().getAttribute('title');
    expect(full).toContain(String(new Date().getFullYear()));

    await list.getByRole('button', { name: 'Copy', exact: true }).click();
    await list.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

    await screenshot(page, 'desktop-markdown');
    await page.setViewportSize(phone);
    await screenshot(page, 'phone-markdown');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'phone-markdown-dark');
    await page.setViewportSize(desktop);
    await screenshot(page, 'desktop-markdown-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('scrolls a wide table sideways inside its bubble on a phone, breaking no word', async () => {
    const wide = [
      '| Destination | Departure | Arrival | Accommodation | Transportation | Highlights |',
      '|---|---|---|---|---|---|',
      '| Lisbon | Wednesday | Thursday | Guesthouse | Underground | Waterfront |',
    ].join('\n');
    await send(page, wide);
    const table = messages(page).locator('.md-table').last();
    await table.locator('td', { hasText: 'Waterfront' }).waitFor();
    await page.setViewportSize(phone);
    await screenshot(page, 'phone-wide-table');
    // Each cell one line high: no word is broken letter by letter.
    const lineHeights = await table
      .locator('th, td')
      .evaluateAll((cells) =>
        cells.map(
          (c) => c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight),
        ),
      );
    for (const lines of lineHeights) expect(lines).toBeLessThan(2);
    const fits = await table.evaluate((el) => ({
      scrolls: el.scrollWidth > el.clientWidth,
      inBubble:
        el.getBoundingClientRect().right <=
        (el.closest('.message__bubble')?.getBoundingClientRect().right ?? 0) + 0.5,
      page: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    }));
    expect(fits).toEqual({ scrolls: true, inBubble: true, page: true });
    await page.setViewportSize(desktop);
  });

  it('keeps a draft through a reload and a switch to another chat', async () => {
    const chatUrl = page.url();
    await composer(page).fill('a thought I have not finished');
    await page.reload();
    await messages(page).getByText('Here is').waitFor();
    expect(await composer(page).inputValue()).toBe('a thought I have not finished');

    await page.getByRole('button', { name: 'New Chat' }).first().click();
    await page.waitForURL((u) => u.href !== chatUrl);
    await page.getByText('No messages yet').waitFor();
    expect(await composer(page).inputValue()).toBe('');
    await page.goBack();
    await page.waitForURL(chatUrl);
    await expect.poll(() => composer(page).inputValue()).toBe('a thought I have not finished');
  });

  it('marks a send failed over a silent network, says the stream is lost, and resends it once when the network is back', async () => {
    await composer(page).fill('');
    proxy.pause();
    await send(page, 'Sent into the silence');
    const list = messages(page);
    await list
      .getByText(/Not sent: No answer from Parley in 15 seconds/)
      .waitFor({ timeout: 30_000 });
    await list.getByRole('button', { name: 'Retry' }).waitFor();
    const status = page.locator('.main-header').getByRole('status');
    await status.getByText('Connection lost. Reconnecting…').waitFor({ timeout: 40_000 });
    await screenshot(page, 'desktop-chat-silent-network');

    proxy.resume();
    await list.getByText(/Not sent/).waitFor({ state: 'detached', timeout: 45_000 });
    await expect.poll(() => page.getByText('Sending…').count(), { timeout: 15_000 }).toBe(0);
    expect(await list.getByText('Sent into the silence').count()).toBe(1);
    await status.waitFor({ state: 'detached', timeout: 30_000 });
    await page.reload();
    await messages(page).getByText('Sent into the silence').waitFor();
    expect(await messages(page).getByText('Sent into the silence').count()).toBe(1);
  }, 150_000);

  it('shows offline at once, and resends what failed when the browser is back online', async () => {
    await context.setOffline(true);
    await page.locator('.sidebar').getByRole('status').getByText('Offline').waitFor();
    await send(page, 'Written while offline');
    await messages(page)
      .getByText(/Not sent/)
      .waitFor();
    await context.setOffline(false);
    await messages(page)
      .getByText(/Not sent/)
      .waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => page.getByText('Sending…').count(), { timeout: 15_000 }).toBe(0);
    expect(await messages(page).getByText('Written while offline').count()).toBe(1);
  });

  it('sends what was written offline once back online, though another chat is open by then', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    const left = await script.createSession('Left while offline');
    const other = await script.createSession('Opened while offline');
    await page.goto(`${proxy.url}/c/${left.id}`);
    await composer(page).waitFor();
    await context.setOffline(true);
    await page.locator('.sidebar').getByRole('status').getByText('Offline').waitFor();
    await send(page, 'Written, then left behind');
    await messages(page)
      .getByText(/Not sent/)
      .waitFor();
    await sidebar(page).getByRole('link', { name: 'Opened while offline' }).click();
    await page.waitForURL(`**/c/${other.id}`);
    await context.setOffline(false);
    await expect
      .poll(async () => (await script.session(left.id)).messageCount, { timeout: 30_000 })
      .toBe(1);
    await page.goto(`${proxy.url}/c/${left.id}`);
    await messages(page).getByText('Written, then left behind').waitFor();
    await expect
      .poll(() => page.getByText(/Not sent|Sending…/).count(), { timeout: 15_000 })
      .toBe(0);
    expect((await script.session(left.id)).messageCount).toBe(1);
  });

  it('loads a chat that could not load once Parley answers again, offering Retry meanwhile', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    const { id } = await script.createSession('Back again');
    await script.send(id, 'Here all along');
    const chatCalls = (url: URL) => /session\.get|message\.list/.test(url.pathname);
    await page.route(chatCalls, (route) => route.abort('connectionfailed'));
    await page.goto(`${proxy.url}/c/${id}`);
    const failed = page.getByRole('alert').filter({ hasText: 'Could not reach Parley' });
    await failed.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 20_000 });
    await page.unroute(chatCalls);
    await messages(page).getByText('Here all along').waitFor({ timeout: 20_000 });
    expect(await failed.count()).toBe(0);
  });

  it('keeps the sidebar’s group heading in view while its chats scroll', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    for (let i = 1; i <= 25; i++) await script.createSession(`Filler chat ${i}`);
    await page.reload();
    const nav = page.getByRole('navigation', { name: 'Chats' });
    await nav.getByRole('link', { name: 'Filler chat 25' }).waitFor();
    await nav.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect.poll(() => nav.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
    const heading = nav.getByRole('heading', { name: 'Today' });
    const top = async () => {
      const [h, n] = await Promise.all([heading.boundingBox(), nav.boundingBox()]);
      return Math.abs((h?.y ?? -1000) - (n?.y ?? 0));
    };
    await expect.poll(top).toBeLessThan(8);
  });
});
