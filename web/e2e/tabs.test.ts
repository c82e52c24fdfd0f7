// Eight tabs of one browser profile, each with its own chat open: every one loads,
// sends and stays live. A browser gives all its tabs six HTTP/1.1 connections per
// host, so live views that each held one froze every tab from the third on.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { desktop, launchBrowser } from './support/browser';
import { messages, password, register, send, sidebar, signIn, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

const tabCount = 8;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
const tabs: Page[] = [];
const chats: { id: string; title: string }[] = [];

/** The title of the chat at the top of a tab's sidebar. */
const topChat = (p: Page) => sidebar(p).getByRole('link').first().textContent();

beforeAll(async () => {
  server = await startServer();
  const username = uniqueName('tabs');
  await register(server.url, username);
  const api = scriptApi(server.url);
  await api.login(username, password);
  for (let i = 1; i <= tabCount; i++) {
    const title = `Tab chat ${i}`;
    const { id } = await api.createSession(title);
    await api.send(id, `Opening words of chat ${i}`);
    chats.push({ id, title });
  }
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: desktop });
  const first = await context.newPage();
  await first.goto(server.url);
  await signIn(first, username);
  await sidebar(first).getByRole('link', { name: chats[0]?.title }).waitFor();
  tabs.push(first);
  for (let i = 2; i <= tabCount; i++) tabs.push(await context.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe(`${tabCount} tabs in one browser`, () => {
  it('load each its own chat and its sidebar', async () => {
    for (const [i, tab] of tabs.entries()) {
      await tab.goto(`${server.url}/c/${chats[i]?.id}`);
      await messages(tab)
        .getByText(`Opening words of chat ${i + 1}`)
        .waitFor({ timeout: 15_000 });
      await sidebar(tab).getByRole('link', { name: chats[0]?.title }).waitFor({ timeout: 15_000 });
    }
  }, 150_000);

  it('send from the last tab, which shows its own message as sent', async () => {
    const last = tabs[tabCount - 1] as Page;
    await send(last, 'Sent from the eighth tab');
    await messages(last).getByText('Sent from the eighth tab').waitFor({ timeout: 15_000 });
    await expect.poll(() => last.getByText('Sending…').count(), { timeout: 15_000 }).toBe(0);
    expect(await last.getByText(/Not sent/).count()).toBe(0);
    // The first tab, the oldest, still follows the others live.
    await expect.poll(() => topChat(tabs[0] as Page), { timeout: 15_000 }).toBe(chats[7]?.title);
  }, 60_000);

  it('show a message sent in the first tab live in the others', async () => {
    const first = tabs[0] as Page;
    await send(first, 'Sent from the first tab');
    await messages(first).getByText('Sent from the first tab').waitFor({ timeout: 15_000 });
    for (const tab of tabs.slice(1)) {
      await expect.poll(() => topChat(tab), { timeout: 15_000 }).toBe(chats[0]?.title);
    }
    // A second tab on the first chat sees the message itself arrive.
    const second = tabs[1] as Page;
    await second.goto(`${server.url}/c/${chats[0]?.id}`);
    await messages(second).getByText('Sent from the first tab').waitFor({ timeout: 15_000 });
    await second.waitForTimeout(500);
    await send(first, 'And live while it is open');
    await messages(second).getByText('And live while it is open').waitFor({ timeout: 15_000 });
  }, 90_000);
});
