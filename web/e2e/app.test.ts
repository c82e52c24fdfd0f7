// The web app in a real browser against the real server and embedded database:
// sign-up, sign-in, chats, live updates across tabs, and screenshots of the main screens.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser, phone, screenshot } from './support/browser';
import { openNewChat, password, sidebar, signIn, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const username = uniqueName('e2e');
let chatUrl = '';

async function send(p: Page, text: string) {
  const box = p.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until no message is still on its way. */
async function sent(p: Page) {
  await expect.poll(() => p.getByText('Sending…').count()).toBe(0);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: desktop });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('the web app', () => {
  it('signs up, showing the server’s field errors beside the fields', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('no spaces allowed');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Password must be at least 8 characters').waitFor();
    await page.getByText('Username may use letters, digits').waitFor();
    await screenshot(page, 'desktop-signup-errors');

    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await page.getByText('No chats yet').waitFor();
    await screenshot(page, 'desktop-home');
  });

  it('logs out, refuses a wrong password, and logs in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, username, 'not the password');
    await page.getByText('Wrong username or password.').waitFor();
    await screenshot(page, 'desktop-login-wrong-password');
    for (let i = 0; i < 6; i++) await signIn(page, 'nobody_here', 'wrong password');
    await page.getByText(/Too many attempts\. Try again in \d+ minutes\./).waitFor();
    await signIn(page, username, password);
    await page.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
  });

  it('starts a chat and sends messages (Enter sends, Shift+Enter breaks the line)', async () => {
    await openNewChat(page);
    chatUrl = page.url();
    await page.getByText('No messages yet').waitFor();
    await send(page, 'Hello from the browser 👋');
    const box = page.getByLabel('Message', { exact: true });
    await box.type('line one');
    await box.press('Shift+Enter');
    await box.type('line two');
    await box.press('Enter');
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('Hello from the browser 👋').waitFor();
    await messages.getByText(/line one\s+line two/).waitFor();
    await sent(page);
    expect(await messages.getByRole('listitem').count()).toBe(2);
  });

  it('keeps the person signed in and the messages there after a reload', async () => {
    await page.reload();
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('Hello from the browser 👋').waitFor();
    expect(await messages.getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'desktop-chat');
  });

  it('marks a failed send and retries it once, with the same clientId', async () => {
    let attempts = 0;
    await page.route('**/trpc/message.send**', (route) => {
      attempts++;
      return route.abort('connectionfailed');
    });
    await send(page, 'this one fails first');
    await page.getByText(/Not sent/).waitFor();
    await screenshot(page, 'desktop-chat-failed-send');
    await page.unroute('**/trpc/message.send**');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText(/Not sent/).waitFor({ state: 'detached' });
    await sent(page);
    expect(attempts).toBe(1);
    await page.reload();
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('this one fails first').waitFor();
    expect(await messages.getByText('this one fails first').count()).toBe(1);
  });

  it('renames a chat in place', async () => {
    await sidebar(page).getByRole('button', { name: 'Rename “Hello from the browser 👋”' }).click();
    const title = page.getByLabel('Chat title');
    await title.fill('Trip plans');
    await title.press('Enter');
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor();
    await page.getByRole('heading', { name: 'Trip plans' }).waitFor();
  });

  it('deletes a chat and undoes it', async () => {
    await sidebar(page).getByRole('button', { name: 'Delete “Trip plans”' }).click();
    await page.getByText('Moved “Trip plans” to Trash').waitFor();
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor({ state: 'detached' });
    await screenshot(page, 'desktop-deleted-undo-toast');
    await page.getByRole('button', { name: 'Undo' }).click();
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor();
    // It was open when deleted: Undo opens it again.
    await page.waitForURL(chatUrl);
    await page.getByRole('heading', { name: 'Trip plans' }).waitFor();
  });

  it('restores a chat from the Trash', async () => {
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).hover();
    await sidebar(page).getByRole('button', { name: 'Delete “Trip plans”' }).click();
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Trash' }).click();
    const trash = page.getByRole('list', { name: 'Deleted chats' });
    await trash.getByText('Trip plans').waitFor();
    await screenshot(page, 'desktop-trash');
    await page.getByRole('button', { name: 'Restore “Trip plans”' }).click();
    await page.getByText('The Trash is empty.').waitFor();
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor();
  });

  it('shows a message sent in one tab in another without a reload', async () => {
    const other = await context.newPage();
    await other.goto(chatUrl);
    await other
      .getByRole('list', { name: 'Messages' })
      .getByText('Hello from the browser 👋')
      .waitFor();
    await page.goto(chatUrl);
    await page
      .getByRole('list', { name: 'Messages' })
      .getByText('Hello from the browser 👋')
      .waitFor();
    // Let the second tab's live stream connect before sending.
    await other.waitForTimeout(500);
    await send(page, 'Live across tabs');
    await other
      .getByRole('list', { name: 'Messages' })
      .getByText('Live across tabs')
      .waitFor({ timeout: 15_000 });

    // A chat created in one tab appears in the other's sidebar.
    await page.getByRole('button', { name: 'New Chat' }).first().click();
    await page.waitForURL((u) => u.href !== chatUrl);
    await sidebar(other).getByRole('link', { name: 'New Chat' }).waitFor({ timeout: 15_000 });
    await other.close();
  });

  it('shows when the live stream is down, and recovers by itself', async () => {
    // The tab's live socket is dropped soon after it opens until `down` turns false.
    let down = true;
    await page.routeWebSocket(/\/trpc(\?|$)/, (ws) => {
      if (down) setTimeout(() => ws.close({ code: 1011, reason: 'network down' }), 100);
      else ws.connectToServer();
    });
    await page.goto(chatUrl);
    const status = page.locator('.main-header').getByRole('status');
    await status.getByText(/Connecting to live updates…|Reconnecting…/).waitFor();
    await screenshot(page, 'desktop-chat-connecting');
    down = false;
    await status.waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('stays signed in and live while access tokens expire under it', async () => {
    const other = await context.newPage();
    await other.goto(chatUrl);
    await page.goto(chatUrl);
    const list = (p: Page) => p.getByRole('list', { name: 'Messages' });
    await list(other).getByText('Live across tabs').waitFor();
    // Long enough for several 10-second tokens and for the server to end the live
    // streams that still carry an expired one (it re-checks every 30 s).
    await page.waitForTimeout(35_000);
    await send(page, 'Still here after the tokens expired');
    await list(other).getByText('Still here after the tokens expired').waitFor({ timeout: 15_000 });
    await sent(page);
    expect(await page.getByText(/Not sent/).count()).toBe(0);
    await other.close();
  }, 90_000);

  it('follows a script’s changes live, and loads older messages without moving the view', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    const { id } = await script.createSession('Long history');
    await sidebar(page).getByRole('link', { name: 'Long history' }).waitFor({ timeout: 15_000 });
    for (let i = 1; i <= 120; i++) await script.send(id, `Message ${i}`);

    await page.goto(`${server.url}/c/${id}`);
    const list = page.getByRole('list', { name: 'Messages' });
    await list.getByText('Message 120', { exact: true }).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(50);
    await screenshot(page, 'desktop-long-chat');

    // Messages show as plain text until the markdown renderer arrives, then re-render:
    // measure once they have, or the swap itself moves (and detaches) the anchor.
    await expect.poll(() => list.locator('.message__plain').count()).toBe(0);
    const anchor = list.getByText('Message 71', { exact: true });
    await anchor.waitFor({ state: 'visible' });
    await page.locator('.messages').evaluate((el) => {
      el.scrollTop = 0;
    });
    const before = (await anchor.boundingBox())?.y;
    await list.getByText('Message 21', { exact: true }).waitFor({ state: 'attached' });
    await page.waitForTimeout(100);
    const after = (await anchor.boundingBox())?.y;
    expect(before).toBeDefined();
    expect(Math.abs((after ?? 0) - (before ?? 0))).toBeLessThan(3);

    await script.rename(id, 'Renamed by a script');
    await sidebar(page)
      .getByRole('link', { name: 'Renamed by a script' })
      .waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Renamed by a script' }).waitFor();
    await script.send(id, 'Sent by a script');
    await list.getByText('Sent by a script').waitFor({ state: 'attached', timeout: 15_000 });
  });

  it('pages through many chats as the sidebar scrolls, with shortcuts to start and find one', async () => {
    const script = scriptApi(server.url);
    await script.login(username, password);
    for (let i = 1; i <= 35; i++) await script.createSession(`Batch chat ${i}`);
    await page.reload();
    const links = sidebar(page).getByRole('link');
    await sidebar(page).getByRole('link', { name: 'Batch chat 35' }).waitFor();
    expect(await links.count()).toBe(30);
    await sidebar(page).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await sidebar(page).getByRole('link', { name: 'Trip plans' }).waitFor();
    expect(await links.count()).toBeGreaterThan(35);

    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: /Search chats/ });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('trip');
    const found = page.getByRole('dialog').getByRole('option');
    await expect.poll(() => found.first().textContent()).toContain('Trip plans');
    await screenshot(page, 'desktop-search');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await links.count()).toBeGreaterThan(35);

    const before = page.url();
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL((u) => u.href !== before && /\/c\/[0-9a-f]{24}$/.test(u.pathname));
    await page.getByText('No messages yet').waitFor();
  });

  it('logs out in every tab, leaving no draft or unsent message in the browser, and stays logged out after a reload', async () => {
    // A second tab of the same browser, on the same chat: its failed send is stored
    // for both tabs, though this one has never held it.
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByLabel('Message', { exact: true }).waitFor();
    await context.route('**/trpc/message.send**', (route) => route.abort('connectionfailed'));
    await send(other, 'never sent, from the other tab');
    await other.getByText(/Not sent/).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('a draft for nobody else');
    const kept = () =>
      page.evaluate(() =>
        Object.keys(localStorage).filter((k) => /^parley\.(drafts|outbox)\./.test(k)),
      );
    await expect.poll(kept).toHaveLength(2);
    // An unsent message would be lost: signing out asks first, and Cancel keeps everything.
    await page.getByRole('button', { name: 'Sign out' }).click();
    const asked = page.getByRole('dialog', { name: 'Sign out?' });
    await asked.getByText('1 message is not sent yet.').waitFor();
    await screenshot(page, 'desktop-sign-out-unsent');
    await asked.getByRole('button', { name: 'Cancel' }).click();
    await asked.waitFor({ state: 'detached' });
    expect(await kept()).toHaveLength(2);
    // A draft typed in the other tab just before is saved as its box closes: still forgotten.
    await other.getByLabel('Message', { exact: true }).fill('typed in the other tab');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await asked.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await other.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await expect.poll(kept).toEqual([]);
    await new Promise((r) => setTimeout(r, 500)); // past the drafts' save delay
    expect(await kept()).toEqual([]);
    await context.unroute('**/trpc/message.send**');
    await other.close();
    await screenshot(page, 'desktop-login');
    await page.reload();
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
  });

  it('fits a phone screen', async () => {
    const mobile = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
    const p = await mobile.newPage();
    await p.goto(`${server.url}/chat-ui`);
    await p.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await screenshot(p, 'phone-login');
    await signIn(p, username, password);
    await p.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await screenshot(p, 'phone-home');
    await p.goto(chatUrl);
    await p.getByRole('list', { name: 'Messages' }).getByText('Live across tabs').waitFor();
    await screenshot(p, 'phone-chat');
    await p.getByRole('button', { name: 'Show chats' }).click();
    await sidebar(p).getByRole('link', { name: 'Batch chat 35' }).waitFor();
    await p.waitForTimeout(300);
    await screenshot(p, 'phone-sidebar');
    await mobile.close();
  });

  it('follows the system’s dark theme', async () => {
    const dark = await browser.newContext({ viewport: desktop, colorScheme: 'dark' });
    const p = await dark.newPage();
    await p.goto(server.url);
    await signIn(p, username, password);
    await p.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await p.goto(chatUrl);
    await p.getByRole('list', { name: 'Messages' }).getByText('Live across tabs').waitFor();
    const background = await p.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    expect(background).toBe('rgb(21, 23, 28)');
    await screenshot(p, 'desktop-chat-dark');
    await p.setViewportSize(phone);
    await screenshot(p, 'phone-chat-dark');
    await dark.close();
  });
});
