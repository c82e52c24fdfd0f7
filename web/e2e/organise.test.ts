// Organising chats in a real browser against the real server: pinning (a pinned
// chat stays under Pinned when filed in a folder), folders
// (made, renamed, filled from the menu, by drag and drop and from the selection
// bar, deleted), archiving, selecting several with Undo, the Trash's Delete
// forever and Empty trash, and a second tab following each change live.
// Screenshots of each new view at desktop and phone width.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptApi } from './support/api';
import { seriousViolations } from './support/axe';
import { desktop, launchBrowser, phone, screenshot } from './support/browser';
import { password, register, sidebar, uniqueName } from './support/people';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let other: Page;
const username = uniqueName('org');

const chat = (p: Page, title: string) => sidebar(p).getByRole('link', { name: title, exact: true });
const pinnedSection = (p: Page) => sidebar(p).getByRole('region', { name: 'Pinned' });
const folderToggle = (p: Page, name: string) =>
  sidebar(p).getByRole('button', { name: new RegExp(`^${name} \\d+ chats?$`) });

async function openMenu(p: Page, title: string) {
  await chat(p, title).hover();
  await sidebar(p)
    .getByRole('button', { name: `More actions for “${title}”` })
    .click();
  return p.getByRole('menu', { name: `Actions for “${title}”` });
}

async function signIn(p: Page) {
  await p.goto(server.url);
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await sidebar(p).waitFor();
}

beforeAll(async () => {
  server = await startServer();
  const res = await register(server.url, username);
  expect(res.ok).toBe(true);
  const api = scriptApi(server.url);
  await api.login(username, password);
  for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot']) {
    await api.createSession(title);
  }
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: desktop });
  page = await context.newPage();
  await signIn(page);
  other = await context.newPage();
  await other.goto(server.url);
  await sidebar(other).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('organising chats', () => {
  it('pins a chat to the top, and the other tab sees it pinned', async () => {
    const menu = await openMenu(page, 'Bravo');
    await menu.getByRole('menuitem', { name: 'Pin' }).click();
    await pinnedSection(page).getByRole('link', { name: 'Bravo' }).waitFor();
    await pinnedSection(other).getByRole('link', { name: 'Bravo' }).waitFor();
    // Pinned first, then the rest newest first.
    const order = await sidebar(page).locator('.session__open').allTextContents();
    expect(order.slice(0, 2)).toEqual(['Bravo', 'Foxtrot']);
  });

  it('creates and renames a folder in place, and moves chats in from the menu and by dragging', async () => {
    await sidebar(page).getByRole('button', { name: 'New folder' }).click();
    const name = page.getByLabel('New folder name');
    await name.fill('Work');
    await name.press('Enter');
    await folderToggle(page, 'Work').waitFor();
    await folderToggle(other, 'Work').waitFor(); // live in the other tab

    const menu = await openMenu(page, 'Charlie');
    await menu.getByRole('menuitem', { name: 'Move to Work' }).click();
    await sidebar(page).getByRole('button', { name: 'Work 1 chat' }).waitFor();
    await sidebar(other).getByRole('button', { name: 'Work 1 chat' }).waitFor();

    await chat(page, 'Delta').dragTo(folderToggle(page, 'Work'));
    await sidebar(page).getByRole('button', { name: 'Work 2 chats' }).waitFor();
    await expect.poll(() => chat(page, 'Delta').count()).toBe(0);

    await folderToggle(page, 'Work').click();
    await chat(page, 'Delta').waitFor();
    await chat(page, 'Charlie').waitFor();
    await screenshot(page, 'desktop-sidebar-pinned-and-folders');
    expect(await seriousViolations(page)).toEqual([]);

    await folderToggle(page, 'Work').hover();
    await sidebar(page).getByRole('button', { name: 'Rename folder “Work”' }).click();
    const rename = page.getByLabel('Folder name');
    await rename.fill('Projects');
    await rename.press('Enter');
    await sidebar(other).getByRole('button', { name: 'Projects 2 chats' }).waitFor();
  });

  it('moves a chat by keyboard alone, through its menu', async () => {
    await chat(page, 'Echo').focus();
    await page.keyboard.press('ArrowRight'); // the chat's buttons, by arrow keys
    const moreButton = sidebar(page).getByRole('button', { name: 'More actions for “Echo”' });
    for (let i = 0; i < 5 && !(await moreButton.evaluate((b) => b === document.activeElement)); i++)
      await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Actions for “Echo”' });
    await menu.waitFor();
    for (let i = 0; i < 10; i++) {
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
      if (focused === 'Move to Projects') break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await sidebar(page).getByRole('button', { name: 'Projects 3 chats' }).waitFor();
  });

  it('archives a chat into the Archived view and back', async () => {
    const menu = await openMenu(page, 'Foxtrot');
    await menu.getByRole('menuitem', { name: 'Archive' }).click();
    await page.getByText('Archived 1 chat').waitFor();
    await expect.poll(() => chat(page, 'Foxtrot').count()).toBe(0);
    await expect.poll(() => chat(other, 'Foxtrot').count()).toBe(0);
    await page.getByRole('link', { name: 'Archived' }).click();
    const list = page.getByRole('list', { name: 'Archived chats' });
    await list.getByText('Foxtrot').waitFor();
    await screenshot(page, 'desktop-archived');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Unarchive “Foxtrot”' }).click();
    await page.getByText('No archived chats.').waitFor();
    await chat(page, 'Foxtrot').waitFor();
  });

  it('selects a range with Shift-click and all with Ctrl+A, deletes them, and undoes it', async () => {
    await chat(page, 'Foxtrot').hover();
    await sidebar(page).getByRole('checkbox', { name: 'Select “Foxtrot”' }).click();
    await chat(page, 'Alpha').click({ modifiers: ['Shift'] });
    const bar = page.getByRole('toolbar', { name: 'Selected chats' });
    await bar.getByText('2 selected').waitFor();
    await screenshot(page, 'desktop-selection-bar');
    expect(await seriousViolations(page)).toEqual([]);
    await bar.getByRole('button', { name: 'Delete 2 selected' }).click();
    await page.getByText('Moved 2 chats to Trash').waitFor();
    await expect.poll(() => chat(page, 'Alpha').count()).toBe(0);
    await expect.poll(() => chat(other, 'Foxtrot').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Restored 2 chats').waitFor();
    await chat(page, 'Alpha').waitFor();
    await chat(page, 'Foxtrot').waitFor();
    await chat(other, 'Alpha').waitFor();

    await chat(page, 'Alpha').focus();
    await page.keyboard.press('Control+a');
    const all = await sidebar(page).locator('[data-session]').count();
    await bar.getByText(`${all} selected`).waitFor();
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
  });

  it('moves the selection into a folder from the bar, and undoes the move', async () => {
    await chat(page, 'Alpha').hover();
    await sidebar(page).getByRole('checkbox', { name: 'Select “Alpha”' }).click();
    const bar = page.getByRole('toolbar', { name: 'Selected chats' });
    await bar.getByRole('combobox', { name: 'Move 1 selected to a folder' }).selectOption({
      label: 'Projects',
    });
    await sidebar(page).getByRole('button', { name: 'Projects 4 chats' }).waitFor();
    await page.getByText('Moved 1 chat to “Projects”').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await sidebar(page).getByRole('button', { name: 'Projects 3 chats' }).waitFor();
    await page.getByText('Moved 1 chat out of folders').waitFor();
  });

  it('deletes a folder, keeping its chats; Undo brings it back with them', async () => {
    const deleteProjects = async () => {
      await folderToggle(page, 'Projects').hover();
      await sidebar(page).getByRole('button', { name: 'Delete folder “Projects”' }).click();
      await page.getByText('its chats are kept').last().waitFor();
      for (const title of ['Charlie', 'Delta', 'Echo']) await chat(page, title).waitFor();
      await expect.poll(() => folderToggle(other, 'Projects').count()).toBe(0);
    };
    await deleteProjects();
    await page.getByRole('button', { name: 'Undo' }).last().click();
    await sidebar(page).getByRole('button', { name: 'Projects 3 chats' }).waitFor();
    await sidebar(other).getByRole('button', { name: 'Projects 3 chats' }).waitFor();
    // Back inside the (closed) folder: out of the date groups.
    for (const title of ['Charlie', 'Delta', 'Echo']) {
      await expect.poll(() => chat(page, title).count()).toBe(0);
    }
    await folderToggle(page, 'Projects').click();
    for (const title of ['Charlie', 'Delta', 'Echo']) await chat(page, title).waitFor();
    await folderToggle(page, 'Projects').click();
    // Without Undo they stay out of it.
    await deleteProjects();
  });

  it('deletes forever and empties the Trash, each after saying how many chats go', async () => {
    for (const title of ['Charlie', 'Delta', 'Echo']) {
      await chat(page, title).hover();
      await sidebar(page)
        .getByRole('button', { name: `Delete “${title}”` })
        .click();
      await expect.poll(() => chat(page, title).count()).toBe(0);
    }
    await page.getByRole('link', { name: 'Trash' }).click();
    const trash = page.getByRole('list', { name: 'Deleted chats' });
    await trash.getByText('Echo').waitFor();
    await page.getByRole('button', { name: 'Delete forever “Echo”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete forever?' });
    await dialog.getByText('1 chat, “Echo”, will be deleted for good').waitFor();
    await screenshot(page, 'desktop-trash-delete-forever');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await trash.getByText('Echo').waitFor();
    await page.getByRole('button', { name: 'Delete forever “Echo”' }).click();
    await dialog.getByRole('button', { name: 'Delete forever' }).click();
    await expect.poll(() => trash.getByText('Echo').count()).toBe(0);

    await page.getByRole('button', { name: 'Empty trash' }).click();
    const empty = page.getByRole('dialog', { name: 'Empty the Trash?' });
    await empty.getByText('2 chats in the Trash will be deleted for good').waitFor();
    await screenshot(page, 'desktop-trash-empty');
    await empty.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('The Trash is empty.').waitFor();
  });

  it('keeps a pinned chat under Pinned when it is moved into a folder, in both tabs and after a reload', async () => {
    const api = scriptApi(server.url);
    await api.login(username, password);
    await api.createSession('Golf');
    await api.createFolder('Later');
    await page.reload();
    await folderToggle(page, 'Later').waitFor();
    let menu = await openMenu(page, 'Golf');
    await menu.getByRole('menuitem', { name: 'Pin' }).click();
    const pinnedGolf = pinnedSection(page).getByRole('link', { name: 'Golf' });
    await pinnedGolf.hover();
    await sidebar(page).getByRole('button', { name: 'More actions for “Golf”' }).click();
    menu = page.getByRole('menu', { name: 'Actions for “Golf”' });
    await menu.getByRole('menuitem', { name: 'Move to Later' }).click();
    await sidebar(page).getByRole('button', { name: 'Later 1 chat' }).waitFor();
    await sidebar(other).getByRole('button', { name: 'Later 1 chat' }).waitFor();
    expect(await pinnedSection(page).getByRole('link', { name: 'Golf' }).count()).toBe(1);
    await pinnedSection(other).getByRole('link', { name: 'Golf' }).waitFor();
    await page.reload();
    await pinnedSection(page).getByRole('link', { name: 'Golf' }).waitFor();
    await folderToggle(page, 'Later').click();
    await sidebar(page).getByText('Its chats are under Pinned.').waitFor();
    expect(await sidebar(page).getByRole('link', { name: 'Golf' }).count()).toBe(1);
  });

  it('fits a phone screen: sidebar with pins and folders, the Archive, the Trash', async () => {
    const mobile = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
    const p = await mobile.newPage();
    await p.goto(server.url);
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'What shall we talk about?' }).waitFor();
    await p.getByRole('button', { name: 'Show chats' }).click();
    await sidebar(p).getByRole('button', { name: 'New folder' }).click();
    await p.getByLabel('New folder name').fill('Phone');
    await p.getByLabel('New folder name').press('Enter');
    await folderToggle(p, 'Phone').waitFor();
    await pinnedSection(p).waitFor();
    // The drawer has slid fully in.
    await expect
      .poll(() => p.locator('.sidebar').evaluate((el) => el.getBoundingClientRect().left))
      .toBe(0);
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
    await screenshot(p, 'phone-sidebar-pinned-and-folders');
    await p.getByRole('link', { name: 'Archived' }).click();
    await p.getByText('No archived chats.').waitFor();
    await screenshot(p, 'phone-archived');
    await p.getByRole('button', { name: 'Show chats' }).click();
    await p.getByRole('link', { name: 'Trash' }).click();
    await p.getByText('The Trash is empty.').waitFor();
    await screenshot(p, 'phone-trash');
    await mobile.close();
  });
});
