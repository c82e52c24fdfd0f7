// The answer serialiser writes what superjson writes, so superjson clients read it unchanged.
import { fc, it } from '@fast-check/vitest';
import superjson from 'superjson';
import { describe, expect } from 'vitest';
import { isoString, serialize } from '../../src/trpc/transformer';

/** superjson's output without the shared-reference note, which the fast path does not write. */
function superjsonShape(value: unknown) {
  const out = superjson.serialize(value);
  if (out.meta) {
    const { referentialEqualities: _r, ...meta } = out.meta;
    return { ...out, meta };
  }
  return out;
}

/** The text that goes over the wire. */
const wire = (serialized: unknown) => JSON.stringify(serialized);

function outcome(run: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: run() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const date = fc.date({ noInvalidDate: true });
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    date,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc
        .string()
        .filter(
          (k) =>
            !k.includes('.') &&
            !k.includes('\\') &&
            !['__proto__', 'constructor', 'prototype'].includes(k),
        ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('answer serialiser', () => {
  it.prop([plain])('writes exactly what superjson writes for plain data and dates', (value) => {
    // The same document; only the order of meta.values' keys may differ, which no reader sees.
    expect(JSON.parse(wire(serialize(value)))).toEqual(JSON.parse(wire(superjsonShape(value))));
    expect(superjson.deserialize(JSON.parse(wire(serialize(value))))).toEqual(value);
  });

  it.prop([plain])('hands JSON.stringify plain JSON: every Date already a string', (value) => {
    // Equal before any text is written, so nothing is left for a toJSON to do.
    expect(serialize(value)).toEqual(superjsonShape(value));
  });

  it.prop([fc.date({ noInvalidDate: true })])('writes dates as toISOString does', (d) => {
    expect(isoString(d)).toBe(d.toISOString());
  });

  it.prop([fc.anything({ withDate: true, withMap: true, withSet: true, withBigInt: true })])(
    'round-trips anything else through superjson',
    (value) => {
      // Including refusals: superjson refuses keys such as `prototype`, and so does this.
      expect(outcome(() => superjson.deserialize(JSON.parse(wire(serialize(value)))))).toEqual(
        outcome(() => superjson.deserialize(JSON.parse(wire(superjson.serialize(value))))),
      );
    },
  );

  it('annotates a message page the way superjson does', () => {
    const at = new Date('2026-11-24T10:00:00.000Z');
    const page = {
      items: [{ id: 'a', content: 'hi', created_at: at, updated_at: new Date(at), clientId: null }],
      nextCursor: null,
    };
    expect(JSON.parse(wire(serialize(page)))).toEqual({
      json: {
        items: [
          {
            id: 'a',
            content: 'hi',
            created_at: '2026-11-24T10:00:00.000Z',
            updated_at: '2026-11-24T10:00:00.000Z',
            clientId: null,
          },
        ],
        nextCursor: null,
      },
      meta: { values: { 'items.0.created_at': ['Date'], 'items.0.updated_at': ['Date'] }, v: 1 },
    });
    for (const value of [at, { '': at }, { 'a.b': at, u: undefined }, [at, [at]]]) {
      expect(wire(serialize(value))).toBe(wire(superjsonShape(value)));
    }
  });
});
