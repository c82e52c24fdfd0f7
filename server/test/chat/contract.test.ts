import { describe, expect, it } from 'vitest';
import { appRouter } from '../../src/routers/app';

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  output?: unknown;
  inputs: unknown[];
}

describe('the app router', () => {
  it('gives every query and mutation an output schema', () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: ProcedureDef }
    >;
    const names = Object.keys(procedures);
    expect(names).toEqual(
      expect.arrayContaining([
        'auth.login',
        'session.list',
        'message.send',
        'message.onNew',
        'session.onChange',
      ]),
    );
    const missing = names.filter((name) => {
      const def = procedures[name]?._def;
      return def?.type !== 'subscription' && !def?.output;
    });
    expect(missing).toEqual([]);
  });
});
