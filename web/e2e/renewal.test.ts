// Expired access tokens in a real browser against the real server: a call refused
// for one is answered after a single renewal, and a refused renewal signs out.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchBrowser } from './support/browser';
import { openNewChat, signUp, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const username = uniqueName('renew');
/** Longer than the e2e server's 10-second access tokens. */
const tokenLifeMs = 11_000;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: desktop });
  page = await context.newPage();
  await signUp(page, server.url, username);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

/**
 * Lets the access token expire under the page: auth.refresh fails (as offline) until
 * the server has refused a call, so the app's own timer cannot renew it first.
 * Returns the calls' paths and statuses, in order.
 */
async function expireToken(p: Page): Promise<string[]> {
  const answers: string[] = [];
  let refused = false;
  p.on('response', (res) => {
    const path = new URL(res.url()).pathname;
    if (!path.startsWith('/trpc/')) return;
    answers.push(`${path.slice('/trpc/'.length)} ${res.status()}`);
    if (res.status() === 401 && !path.includes('auth.')) refused = true;
  });
  await p.route('**/trpc/auth.refresh**', (route) =>
    refused ? route.continue() : route.abort('connectionfailed'),
  );
  await p.waitForTimeout(tokenLifeMs);
  return answers;
}

describe('an expired access token', () => {
  it('is renewed once when the server refuses it, and the refused call answered', async () => {
    const answers = await expireToken(page);
    await openNewChat(page);
    await page.getByText('No messages yet').waitFor();
    const refusedAt = answers.indexOf('session.create 401');
    const answeredAt = answers.indexOf('session.create 200');
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    expect(answeredAt).toBeGreaterThan(refusedAt);
    const between = answers.slice(refusedAt, answeredAt);
    expect(between.filter((a) => a.startsWith('auth.refresh'))).toEqual(['auth.refresh 200']);
    await page.unrouteAll();
    page.removeAllListeners('response');
  }, 60_000);

  it('signs out, without asking again, when the renewal is refused', async () => {
    // Without its refresh cookie the browser can no longer renew the sign-in.
    await context.clearCookies();
    const answers = await expireToken(page);
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('Sent with an expired token');
    await box.press('Enter');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForTimeout(1_000);
    expect(answers.filter((a) => a.startsWith('auth.refresh'))).toEqual(['auth.refresh 401']);
    expect(answers.filter((a) => a.startsWith('message.send')).length).toBeLessThanOrEqual(2);
    await page.unrouteAll();
  }, 60_000);
});
