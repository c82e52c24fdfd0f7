// Export and import: a ChatGPT file of 20,000 messages imported (throughput), then
// the account exported as NDJSON (messages/s and the server's peak RSS growth
// while it streams), beside message.list paging through the same messages.
// Full mode exports 100,000 messages. The server runs in this process.

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createUser } from '../src/auth/users';
import { idString } from '../src/db/ids';
import type { Bench } from './context';
import { agentFor, send } from './http';
import { settledMemory } from './memory';
import { fmt, fmtRatio } from './report';
import { ratio } from './stats';
import { resultOf, trpcQuery } from './trpcRequests';

const perConversation = 200;

/** conversations.json with `messages` turns in conversations of 200, written as a stream. */
async function writeChatgptFile(path: string, messages: number, tag: string): Promise<void> {
  const out = createWriteStream(path);
  const t0 = 1_700_000_000;
  out.write('[');
  for (let c = 0; c * perConversation < messages; c++) {
    const mapping: Record<string, unknown> = {
      root: { id: 'root', parent: null, children: ['n0'], message: null },
    };
    const count = Math.min(perConversation, messages - c * perConversation);
    for (let i = 0; i < count; i++) {
      mapping[`n${i}`] = {
        id: `n${i}`,
        parent: i === 0 ? 'root' : `n${i - 1}`,
        children: i + 1 < count ? [`n${i + 1}`] : [],
        message: {
          id: `n${i}`,
          author: { role: i % 2 ? 'assistant' : 'user' },
          create_time: t0 + c * 3600 + i,
          content: {
            content_type: 'text',
            parts: [
              `message ${i} of chat ${c}: a few words of ordinary chat, about as long as most are.`,
            ],
          },
          metadata: {},
          recipient: 'all',
        },
      };
    }
    const conv = {
      id: `${tag}-${c}`,
      title: `Bench chat ${c}`,
      create_time: t0 + c * 3600,
      mapping,
      current_node: `n${count - 1}`,
    };
    if (!out.write(`${c ? ',' : ''}${JSON.stringify(conv)}`)) await once(out, 'drain');
  }
  out.end(']');
  await once(out, 'close');
}

async function importFile(url: string, token: string, path: string) {
  const res = await fetch(`${url}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-length': String(statSync(path).size) },
    body: Readable.toWeb(createReadStream(path)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const lines = (await res.text()).trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as { messages: number; errors: unknown[] };
}

/**
 * Reads the account export over plain HTTP (as the paging client does), counting
 * its lines; `onQuarter` hears each quarter of the `expected` lines as it passes.
 */
function exportLines(
  url: string,
  token: string,
  expected: number,
  onQuarter: (quarter: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/export/account`,
      { headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let lines = 0;
        let quarter = 0;
        res.on('data', (chunk: Buffer) => {
          for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
          while (quarter < 3 && lines >= (expected * (quarter + 1)) / 4) onQuarter(++quarter);
        });
        res.on('end', () => {
          onQuarter(4);
          resolve(lines);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Runs `work` while sampling RSS; the peak above a settled baseline, in bytes.
 * `work` gets the peak so far, to show how it moves as the work goes on.
 */
async function peakRssGrowth<T>(
  work: (peakSoFar: () => number) => Promise<T>,
): Promise<{ result: T; growth: number; retained: number }> {
  const before = await settledMemory();
  const base = before.rss;
  let peak = base;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    return peak - base;
  };
  const timer = setInterval(sample, 10);
  try {
    const result = await work(sample);
    const growth = sample();
    // What the work left behind once collected: a leak shows here, a peak does not.
    const retained = (await settledMemory()).heapUsed - before.heapUsed;
    return { result, growth, retained };
  } finally {
    clearInterval(timer);
  }
}

export async function measurePortability(b: Bench): Promise<void> {
  const { parley } = b.stack;
  const { services } = parley;
  const total = b.full ? 100_000 : 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'parley-portability-'));
  try {
    const user = await createUser(
      services.db,
      services.passwords,
      'portability_bench',
      'portability bench password',
    );
    const token = services.tokens.sign({ userId: idString(user._id), tokenVersion: 0 }).token;

    const file = join(dir, 'conversations.json');
    await writeChatgptFile(file, 20_000, 'first');
    b.progress(
      `importing a ChatGPT file of 20,000 messages (${fmt(statSync(file).size / 1024 ** 2, ' MB')})…`,
    );
    const started = performance.now();
    const report = await importFile(parley.url, token, file);
    const importSeconds = (performance.now() - started) / 1000;
    const importRate = report.messages / importSeconds;
    b.progress(
      `  ${report.messages} messages in ${importSeconds.toFixed(1)} s, ${report.errors.length} errors`,
    );
    if (total > 20_000) {
      await writeChatgptFile(file, total - 20_000, 'rest');
      b.progress(`importing ${(total - 20_000).toLocaleString('en-US')} more messages…`);
      await importFile(parley.url, token, file);
    }

    const sessionCount = Math.ceil(total / perConversation);
    const mb = (bytes: number) => fmt(bytes / 1024 ** 2, ' MB');
    // The peak at each quarter: flat when memory does not grow with the export.
    const exportOnce = async (pass: string) => {
      const run = await peakRssGrowth(async (peakSoFar) => {
        const t = performance.now();
        const expected = total + sessionCount + 2;
        const lines = await exportLines(parley.url, token, expected, (q) =>
          b.progress(
            `  export (${pass}) ${q * 25}%: ${((performance.now() - t) / 1000).toFixed(1)} s, peak RSS +${mb(peakSoFar())}`,
          ),
        );
        // Lines less the account and end lines and one per chat.
        return { messages: lines - 2 - sessionCount, seconds: (performance.now() - t) / 1000 };
      });
      b.progress(`  export (${pass}) done: heap retained afterwards ${mb(run.retained)}`);
      return run;
    };
    const agent = agentFor(1);
    const pageOnce = () =>
      peakRssGrowth(async () => {
        const t = performance.now();
        let messages = 0;
        let cursor: string | null = null;
        const sessions: string[] = [];
        do {
          const page: { items: Array<{ id: string }>; nextCursor: string | null } = resultOf(
            (
              await send(
                parley.url,
                trpcQuery('session.list', { limit: 100, cursor }, token),
                agent,
              )
            ).body,
          );
          sessions.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
        } while (cursor);
        for (const sessionId of sessions) {
          let c: string | null = null;
          do {
            const page: { items: unknown[]; nextCursor: string | null } = resultOf(
              (
                await send(
                  parley.url,
                  trpcQuery('message.list', { sessionId, limit: 200, cursor: c }, token),
                  agent,
                )
              ).body,
            );
            messages += page.items.length;
            c = page.nextCursor;
          } while (c);
        }
        return { messages, seconds: (performance.now() - t) / 1000 };
      });
    // Each twice, alternating, and the second kept: neither gains from the other's warm cache.
    b.progress(
      `exporting the account (${total.toLocaleString('en-US')} messages) and paging the same with message.list (200 a page), twice each…`,
    );
    await exportOnce('warm-up');
    b.progress('  paging (warm-up)…');
    await pageOnce();
    const exported = await exportOnce('measured');
    b.progress('  paging (measured)…');
    const paged = await pageOnce();
    const exportRate = exported.result.messages / exported.result.seconds;
    agent.destroy();
    const listRate = paged.result.messages / paged.result.seconds;
    const n = total.toLocaleString('en-US');
    b.raw.portability = { importSeconds, importRate, exported, paged };
    b.rows.push(
      {
        what: `export: account NDJSON, ${n} messages (messages/s) vs message.list paging`,
        parley: fmt(exportRate, '/s', 0),
        baseline: fmt(listRate, '/s', 0),
        ratio: fmtRatio(ratio(exportRate, listRate)),
        target: 'at least message.list',
      },
      {
        what: `export: peak server RSS growth while exporting ${n} messages vs while paging them`,
        parley: mb(exported.growth),
        baseline: mb(paged.growth),
        ratio: fmtRatio(ratio(exported.growth, paged.growth)),
        target: 'bounded, not growing with the export',
      },
      {
        what: 'import: ChatGPT conversations.json, 20,000 messages (messages/s)',
        parley: fmt(importRate, '/s', 0),
        baseline: '-',
        ratio: '-',
        target: 'stored whole per chat',
      },
    );
    b.progress(
      `  export ${exportRate.toFixed(0)}/s (RSS +${mb(exported.growth)}), message.list ${listRate.toFixed(0)}/s (RSS +${mb(paged.growth)}), import ${importRate.toFixed(0)}/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
