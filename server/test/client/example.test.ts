import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../../scripts/example';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { serverRoot } from '../../src/paths';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
  await createUser(parley.services.db, parley.services.passwords, 'alice', 'alicepass123');
});
afterAll(() => parley.stop());

describe('the example script', () => {
  it('logs in, creates a session, sends messages and lists them', async () => {
    const lines: string[] = [];
    const result = await runExample({
      url: parley.url,
      username: 'alice',
      password: 'alicepass123',
      print: (l) => lines.push(l),
    });
    expect(result.user.username).toBe('alice');
    expect(result.session.title).toBe('Example chat');
    expect(result.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'Hello!'],
      [2, 'How are you today?'],
      [3, 'Bye for now.'],
    ]);
    expect(lines.join('\n')).toContain('3. [');
  });

  it('runs as `npm run example` does, configured by PARLEY_* variables', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(serverRoot(), 'scripts', 'example.ts')],
      {
        cwd: serverRoot(),
        env: {
          ...process.env,
          PARLEY_URL: parley.url,
          PARLEY_USER: 'alice',
          PARLEY_PASSWORD: 'alicepass123',
        },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/Logged in as alice/);
    expect(out).toMatch(/1\. \[.*\] user: Hello!/);
  });
});
