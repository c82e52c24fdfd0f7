import { describe, expect, it } from 'vitest';
import { passwordSchema, usernameSchema } from './auth';

const firstMessage = (r: { error?: { issues: { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe('credential rules', () => {
  it('needs a letter or a digit in a username', () => {
    for (const name of ['...', '-_.', '___', '.-.-']) {
      expect(firstMessage(usernameSchema.safeParse(name))).toMatch(/letter or a digit/);
    }
    for (const name of ['a..', '_7_', 'ann.lee', 'K-9']) {
      expect(usernameSchema.safeParse(name).success).toBe(true);
    }
  });

  it('refuses a password of only spaces or invisible characters', () => {
    for (const p of [
      ' '.repeat(8),
      '\t\n \t\n   ',
      '\u3000'.repeat(8),
      '\u200B'.repeat(8),
      ' \u200D\uFEFF\u2060    ',
    ]) {
      expect(firstMessage(passwordSchema.safeParse(p))).toMatch(/only spaces/);
    }
    expect(passwordSchema.safeParse('  spaced out  ').success).toBe(true);
  });
});
