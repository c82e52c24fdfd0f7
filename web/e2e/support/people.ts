// The person a browser test signs in as, and the steps and places every test uses:
// signing up through the app's own form, or by API before the browser opens; the
// sidebar, the message list and the composer.
import type { Page } from 'playwright-core';

export const password = 'correct horse battery';

/** A username that says which test file made it. */
export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}`;

export const sidebar = (p: Page) => p.getByRole('navigation', { name: 'Chats' });
export const messages = (p: Page) => p.getByRole('list', { name: 'Messages' });
export const composer = (p: Page) => p.getByLabel('Message', { exact: true });

export async function send(p: Page, text: string) {
  await composer(p).fill(text);
  await composer(p).press('Enter');
}

/** Signs up at `url` through the form and waits for the start page. */
export async function signUp(p: Page, url: string, username: string) {
  await p.goto(url);
  await p.getByRole('button', { name: 'Create an account' }).click();
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign up' }).click();
  await p.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
}

/** Fills in and sends the sign-in form that is showing. */
export async function signIn(p: Page, username: string, secret = password) {
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(secret);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs up by API, as a script would, before any browser opens. */
export async function register(url: string, username: string): Promise<Response> {
  return fetch(`${url}/trpc/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { username, password, refreshTransport: 'body' } }),
  });
}

/** Starts a chat from the sidebar and waits for its address. */
export async function openNewChat(p: Page) {
  await p.getByRole('button', { name: 'New Chat' }).first().click();
  await p.waitForURL(/\/c\/[0-9a-f]{24}$/);
}
