// The input reader reads what superjson writes for Parley's inputs exactly as superjson
// reads it, and refuses everything else with one BAD_REQUEST, never another error.
import { fc, it } from '@fast-check/vitest';
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { describe, expect } from 'vitest';
import { readInput, unreadableInputMessage } from '../../src/trpc/inputReader';

/** The document as it arrives: superjson's, through JSON text. */
const sent = (value: unknown) => JSON.parse(JSON.stringify(superjson.serialize(value)));

function outcome(run: () => unknown): { value: unknown } | { refused: true } {
  try {
    return { value: run() };
  } catch (e) {
    if (e instanceof TRPCError && e.code === 'BAD_REQUEST' && e.message === unreadableInputMessage)
      return { refused: true };
    throw e;
  }
}

const key = fc.string().filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
);
/** What Parley's inputs hold, and Dates: keys with dots and backslashes too. */
const input = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    number,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value;

/** Whether superjson writes `value` at all. */
function writable(value: unknown): boolean {
  try {
    sent(value);
    return true;
  } catch {
    return false;
  }
}

describe('input reader', () => {
  it.prop([input])('reads what superjson writes as superjson reads it', (value) => {
    expect(readInput(sent(value))).toStrictEqual(superjson.deserialize(sent(value)));
    expect(readInput(sent(value))).toStrictEqual(value);
  });

  it.prop([fc.anything({ withDate: true, withMap: true, withSet: true, withBigInt: true })])(
    'reads anything else as superjson does, or refuses it with the one message',
    (value) => {
      // superjson itself refuses to write some values (an own `__proto__` key inside a
      // Set): no client sends those, so they are no case here.
      fc.pre(writable(value));
      const read = outcome(() => readInput(sent(value)));
      if ('value' in read) expect(read.value).toStrictEqual(superjson.deserialize(sent(value)));
    },
  );

  const meta = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        values: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
        referentialEqualities: fc.jsonValue(),
        v: fc.constantFrom(1, 0, '1', undefined),
      },
      { requiredKeys: [] },
    ),
  );
  it.prop([fc.jsonValue(), meta])(
    'answers any document with a value or the one refusal, never another error',
    (json, m) => {
      outcome(() => readInput(JSON.parse(JSON.stringify({ json, meta: m }))));
      outcome(() => readInput(JSON.parse(JSON.stringify(json ?? null))));
    },
  );

  it('gives a shared object as equal copies', () => {
    const at = new Date('2026-11-24T10:00:00.000Z');
    const ids = ['a', 'b'];
    const value = { from: at, to: at, ids, again: ids };
    expect(sent(value).meta.referentialEqualities).toBeDefined();
    expect(readInput(sent(value))).toStrictEqual(value);
  });

  it('refuses a note written flat, which superjson walks until its stack overflows', () => {
    // superjson takes the string 'Foo' for a tree of notes, and each letter for another.
    const doc = { json: { title: 'x' }, meta: { values: { title: ['custom', 'Foo'] }, v: 1 } };
    expect(outcome(() => readInput(doc))).toEqual({ refused: true });
  });

  it('reads paths without a version as superjson 1 wrote them', () => {
    const doc = {
      json: { 'a\\b': '2026-11-24T10:00:00.000Z', 'c.d': null },
      meta: { values: { 'a\\b': ['Date'], 'c\\.d': ['undefined'] } },
    };
    expect(readInput(structuredClone(doc))).toStrictEqual(superjson.deserialize(doc as never));
  });

  it('never stretches an array to the length a path names', () => {
    const doc = { json: { ids: [] }, meta: { values: { 'ids.100000000': ['undefined'] }, v: 1 } };
    expect(outcome(() => readInput(doc))).toEqual({ refused: true });
  });
});
