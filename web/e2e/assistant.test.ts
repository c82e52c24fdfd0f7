// An assistant reply in a real browser, from a stand-in model the test drives token
// by token: the reply grows in place (markdown and all) while "Writing…" and Stop
// show, then names its model and offers Regenerate; a second tab opened mid-reply
// shows what came so far and then the rest; the per-chat toggle silences it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelServer } from '../../server/test/support/modelServer';
import { desktop, launchBrowser, screenshot } from './support/browser';
import { composer, messages, openNewChat, signUp, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let model: ModelServer;
let server: RunningServer;
let browser: Browser;
let page: Page;
const username = uniqueName('ai');

const reply = (p: Page) => messages(p).locator('.message--assistant').last();

beforeAll(async () => {
  model = await ModelServer.start();
  server = await startServer({
    ASSISTANT_BASE_URL: model.baseUrl,
    ASSISTANT_MODEL: 'test-model',
    ASSISTANT_SAVE_EVERY_MS: '100',
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: desktop })).newPage();
  await signUp(page, server.url, username);
  await openNewChat(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await model?.close();
}, 60_000);

describe('assistant replies in the browser', () => {
  it('streams a reply into the chat and a second tab, then offers Regenerate', async () => {
    await page.getByRole('button', { name: 'Assistant (test-model)', pressed: true }).waitFor();
    await composer(page).fill('Say something bold');
    await composer(page).press('Enter');
    const call = await model.next();
    expect(call.body.messages.at(-1)).toEqual({ role: 'user', content: 'Say something bold' });

    call.send('Here is ');
    await reply(page).getByText('Here is').waitFor();
    await reply(page).getByText('Writing…').waitFor();
    await reply(page).getByRole('button', { name: 'Stop' }).waitFor();
    expect(await reply(page).locator('.message__role').textContent()).toBe(
      'Assistant · test-model',
    );

    const second = await page.context().newPage();
    await second.goto(page.url());
    await reply(second).getByText('Here is').waitFor();
    call.send('**bold');
    call.send('** text.');
    await reply(page).locator('strong', { hasText: 'bold' }).waitFor();
    await reply(second).locator('strong', { hasText: 'bold' }).waitFor();
    await screenshot(page, 'desktop-assistant-streaming');
    call.finish();

    for (const p of [page, second]) {
      await reply(p).getByRole('button', { name: 'Regenerate' }).waitFor();
      expect(await reply(p).getByText('Writing…').count()).toBe(0);
      expect(await reply(p).locator('.message__content').textContent()).toBe('Here is bold text.');
    }
    await second.close();

    await reply(page).getByRole('button', { name: 'Regenerate' }).click();
    const again = await model.next();
    again.send('Another take.');
    again.finish();
    await reply(page).getByText('Another take.').waitFor();
    await reply(page).getByRole('button', { name: 'Regenerate' }).waitFor();
    expect(await messages(page).locator('.message--assistant').count()).toBe(1);
  });

  it('Stop keeps what came; the toggle turns replies off for this chat', async () => {
    await composer(page).fill('Tell me a long story');
    await composer(page).press('Enter');
    const call = await model.next();
    call.send('Once upon a time');
    await reply(page).getByText('Once upon a time').waitFor();
    await reply(page).getByRole('button', { name: 'Stop' }).click();
    await reply(page).getByText('Stopped.').waitFor();
    await reply(page).getByRole('button', { name: 'Regenerate' }).waitFor();
    expect(await reply(page).locator('.message__content').textContent()).toBe('Once upon a time');

    await page.getByRole('button', { name: 'Assistant (test-model)' }).click();
    await page.getByRole('button', { name: 'Assistant (test-model)', pressed: false }).waitFor();
    const before = model.calls.length;
    await composer(page).fill('A note to myself');
    await composer(page).press('Enter');
    await messages(page).getByText('A note to myself').waitFor();
    await page.reload();
    await messages(page).getByText('A note to myself').waitFor();
    await page.getByRole('button', { name: 'Assistant (test-model)', pressed: false }).waitFor();
    expect(model.calls.length).toBe(before);
    expect(await messages(page).locator('.message').last().getAttribute('class')).toContain(
      'message--user',
    );
  });
});
