// The SPA in a long chat: how long a live message takes from the page seeing it to
// the screen, in a chat with `long` messages loaded (scrolled back to its start)
// against one with `short`, in Debian's headless Chromium. The ratio is the row: a
// message should cost a long chat about what it costs a short one.
import superjson from 'superjson';
import type { Bench } from './context';
import { fmt } from './report';
import { api, chromiumPath } from './spa';

const short = 50;
const long = 2_000;
const arrivals = 7;

type Page = import('playwright-core').Page;

async function send(base: string, token: string, sessionId: string, content: string) {
  const res = await fetch(`${base}/trpc/message.send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(superjson.serialize({ sessionId, content })),
  });
  if (!res.ok) throw new Error(`message.send answered ${res.status}`);
}

async function fill(base: string, token: string, sessionId: string, count: number) {
  let next = 0;
  const text = (i: number) =>
    `Message **${i}** with \`code\` and a [link](https://example.com/${i}).\n\n- one\n- two`;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) await send(base, token, sessionId, text(i));
    }),
  );
}

/** Opens the chat and scrolls back until its first message is loaded. */
async function openWhole(page: Page, base: string, sessionId: string) {
  await page.goto(`${base}/c/${sessionId}`);
  await page.locator('.messages__list > li').first().waitFor();
  for (let k = 0; k < 400; k++) {
    if ((await page.locator('.messages__start').count()) > 0) break;
    await page.locator('.messages').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForTimeout(100);
  }
  await page.locator('.messages').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
}

/** Milliseconds from each live message's arrival in the list to the next frame, p50. */
async function arrivalToPaint(page: Page, base: string, token: string, sessionId: string) {
  // In the page (the server's types have no DOM, so it goes as text): each live
  // message's time from its arrival in the list to the frame after it, keyed by number.
  await page.evaluate(`(() => {
    window.painted = {};
    const list = document.querySelector('.messages__list');
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) {
          const key = /Live (\\d+) arrives/.exec(n.textContent ?? '')?.[1];
          if (key && window.painted[key] === undefined)
            requestAnimationFrame(() => setTimeout(() => {
              window.painted[key] = performance.now() - window.sent;
            }, 0));
        }
    }).observe(list, { childList: true, subtree: true });
  })()`);
  const times: number[] = [];
  for (let i = 0; i < arrivals; i++) {
    await page.evaluate('window.sent = performance.now()');
    await send(base, token, sessionId, `Live ${i} arrives`);
    await page.waitForFunction(
      (k) =>
        (globalThis as unknown as { painted: Record<number, number> }).painted[k] !== undefined,
      i,
      { polling: 50 },
    );
    times.push(Number(await page.evaluate(`window.painted[${i}]`)));
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export async function measureLongChat(b: Bench): Promise<void> {
  const what = `SPA: a live message to the screen, chat of ${long.toLocaleString('en-US')} loaded messages vs ${short} (p50 of ${arrivals})`;
  const { existsSync } = await import('node:fs');
  if (!existsSync(chromiumPath)) {
    b.rows.push({ what, parley: 'no Chromium', baseline: '—', ratio: '—', target: '≤ 3x' });
    return;
  }
  const { chromium } = await import('playwright-core');
  const base = b.stack.parley.url;
  const username = `long_${Date.now().toString(36)}`;
  const password = 'long chat password';
  const { accessToken } = await api(base, 'auth.register', {
    username,
    password,
    refreshTransport: 'none',
  });
  const chats: Record<string, string> = {};
  for (const [name, count] of [
    ['short', short],
    ['long', long],
  ] as const) {
    const { id } = (await api(base, 'session.create', { title: name }, accessToken)) as unknown as {
      id: string;
    };
    b.progress(`long chat: ${count} messages into "${name}"…`);
    await fill(base, accessToken, id, count);
    chats[name] = id;
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Chats' }).waitFor();
    const ms: Record<string, number> = {};
    for (const name of ['short', 'long']) {
      const id = chats[name] ?? '';
      await openWhole(page, base, id);
      ms[name] = await arrivalToPaint(page, base, accessToken, id);
      b.progress(`long chat: "${name}" ${fmt(ms[name] ?? 0, ' ms')} from arrival to the screen`);
    }
    b.raw.spaLongChat = ms;
    const ratio = (ms.long ?? 0) / Math.max(ms.short ?? 1, 1);
    b.rows.push({
      what,
      parley: fmt(ms.long ?? 0, ' ms'),
      baseline: fmt(ms.short ?? 0, ' ms'),
      ratio: `${ratio.toFixed(2)}x`,
      target: '≤ 3x',
    });
  } finally {
    await browser.close();
  }
}
