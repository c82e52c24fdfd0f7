import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env';
import { runMain, waitForOutput } from '../support/processes';

describe('configuration', () => {
  it('refuses a short JWT_SECRET in production, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: required in production/,
    );
  });

  it('refuses a predictable JWT_SECRET in production, and takes a random one', () => {
    const production = (JWT_SECRET: string) => () =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET });
    for (const weak of [
      'a'.repeat(32),
      'ab'.repeat(32),
      'abcdefgh'.repeat(8),
      '0123456789'.repeat(4),
    ]) {
      expect(production(weak), weak).toThrow(/JWT_SECRET: too predictable/);
    }
    expect(production(randomBytes(48).toString('base64url'))).not.toThrow();
    expect(production(randomBytes(32).toString('hex'))).not.toThrow();
    // Development and tests keep accepting any 32 bytes.
    expect(() => loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(32) })).not.toThrow();
  });

  it('names the variable of any bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty', JWT_SECRET: 'x'.repeat(32) })).toThrow(/PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'http://nope', JWT_SECRET: 'x'.repeat(32) })).toThrow(
      /MONGODB_URI/,
    );
  });

  it('takes TRASH_RETENTION_DAYS: 30 by default, 0 to keep the Trash, and names a bad value', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).trashRetentionDays).toBe(30);
    expect(loadConfig({ ...base, TRASH_RETENTION_DAYS: '0' }).trashRetentionDays).toBe(0);
    expect(loadConfig({ ...base, TRASH_RETENTION_DAYS: '7' }).trashRetentionDays).toBe(7);
    for (const bad of ['-1', '1.5', 'month', '100000']) {
      expect(() => loadConfig({ ...base, TRASH_RETENTION_DAYS: bad }), bad).toThrow(
        /TRASH_RETENTION_DAYS/,
      );
    }
  });

  it('a production server with a bad JWT_SECRET exits with a clear message', async () => {
    const child = runMain({ NODE_ENV: 'production', JWT_SECRET: 'too-short', PORT: '0' });
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(
      /Parley could not start[\s\S]*JWT_SECRET: must be at least 32 bytes/,
    );
  });

  it('an unreachable MONGODB_URI fails start-up within seconds, naming it', async () => {
    const started = Date.now();
    const child = runMain({
      MONGODB_URI: 'mongodb://127.0.0.1:9/parley',
      JWT_SECRET: 'x'.repeat(40),
      PORT: '0',
    });
    expect(await child.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    await waitForOutput(
      child,
      /Cannot reach the database at MONGODB_URI \(mongodb:\/\/127\.0\.0\.1:9\/parley\)/,
    );
  });
});
