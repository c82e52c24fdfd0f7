// One database server per test run: MONGODB_URI when set, else the embedded
// FerretDB in a temporary folder. Each test file then uses a database of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/db/ferretdb';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    runId: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    embedded = await startEmbeddedDatabase(dir);
    uri = embedded.uri;
  }
  project.provide('mongoUri', uri);
  project.provide('runId', Date.now().toString(36));
}

export async function teardown() {
  await embedded?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
