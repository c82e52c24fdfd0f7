// The folders of received import files that a killed process left behind are
// removed at start-up and before each import; those of running processes stay.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { importBody, signedInUser } from './support';

// A temporary folder of this file's own, so that no other process's uploads are seen.
const dir = mkdtempSync(join(tmpdir(), 'parley-uploads-test-'));
process.env.TMPDIR = dir;
/** The pid of a process that has ended. */
const ended = spawnSync(process.execPath, ['-e', '0']).pid;

function folder(name: string, ageMs = 0) {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'upload'), '[]');
  if (ageMs > 0) {
    const then = (Date.now() - ageMs) / 1000;
    utimesSync(join(dir, name), then, then);
  }
}

let parley: Parley;
beforeAll(async () => {
  folder(`parley-import-${ended}-a1b2c3`);
  folder(`parley-import-${process.pid}-d4e5f6`); // this process's, running
  folder('parley-import-1-g7h8i9'); // pid 1's, running
  folder('parley-import-OldOne', 2 * 24 * 3600_000); // named without a pid, two days old
  folder('parley-import-NewOne'); // named without a pid, just made
  folder('other-folder');
  parley = await startTestServer();
});
afterAll(async () => {
  await parley?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const left = () => readdirSync(dir).sort();

describe('upload folders left by ended processes', () => {
  it('are removed at start-up, and those of running processes kept', () => {
    expect(left()).toEqual(
      [
        'other-folder',
        'parley-import-1-g7h8i9',
        'parley-import-NewOne',
        `parley-import-${process.pid}-d4e5f6`,
      ].sort(),
    );
  });

  it('are removed before an import, which leaves none of its own', async () => {
    folder(`parley-import-${ended}-j1k2l3`);
    const { token } = await signedInUser(parley);
    expect((await importBody(parley, token, '[]')).status).toBe(200);
    // The import's own folder goes once its report is sent.
    await vi.waitFor(() => expect(left()).toHaveLength(4));
    expect(left()).not.toContain(`parley-import-${ended}-j1k2l3`);
  });
});
