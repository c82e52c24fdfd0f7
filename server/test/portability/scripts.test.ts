// `npm run export` and `npm run import` against a real server: the account to a
// file and back into another account, with plain progress lines off a terminal.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../scripts/export';
import { runImport } from '../../scripts/import';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { serverRoot } from '../../src/paths';
import { callerFor, startTestServer } from '../support/harness';

let parley: Parley;
let dir: string;
beforeAll(async () => {
  parley = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'parley-scripts-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await parley.stop();
});

async function account(name: string) {
  const user = await createUser(
    parley.services.db,
    parley.services.passwords,
    name,
    'a long password',
  );
  return {
    user,
    caller: callerFor(parley.services, user),
    username: name,
    password: 'a long password',
  };
}

function captured() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => {
    text += c;
  });
  return { out: Object.assign(out, { isTTY: false }), text: () => text };
}

describe('the export and import scripts', () => {
  it('export the account to a file and import it into another account', async () => {
    const a = await account('scripta');
    const s = await a.caller.session.create({ title: 'Scripted' });
    await a.caller.message.send({ sessionId: s.id, content: 'hello' });
    const file = join(dir, 'account.ndjson');
    const log = captured();
    await runExport({
      url: parley.url,
      username: a.username,
      password: a.password,
      file,
      out: log.out,
    });
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"type":"account"');
    expect(log.text()).toContain('1 of 1 chats, 1 messages');
    expect(log.text()).not.toContain('\r');

    const b = await account('scriptb');
    const imported = captured();
    const report = await runImport({
      url: parley.url,
      username: b.username,
      password: b.password,
      file,
      out: imported.out,
    });
    expect(report).toMatchObject({ sessions: 1, messages: 1, errors: [] });
    expect(imported.text()).toContain('Imported 1 chats, 1 messages, 0 skipped');
    expect((await b.caller.session.list({})).items.map((x) => x.title)).toEqual(['Scripted']);
  });

  it('runs as `npm run import` does, printing the report and failing on errors', async () => {
    const c = await account('scriptc');
    const file = join(dir, 'conversations.json');
    writeFileSync(file, JSON.stringify([{ title: 'No mapping', id: 'c1' }]));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(serverRoot(), 'scripts', 'import.ts'), file],
      {
        env: {
          ...process.env,
          PARLEY_URL: parley.url,
          PARLEY_USER: c.username,
          PARLEY_PASSWORD: c.password,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(output).toContain('#1 “No mapping”: it has no mapping of messages');
    expect(code).toBe(1);
  });
});
