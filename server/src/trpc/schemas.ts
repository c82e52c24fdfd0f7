// Zod schemas as tRPC parsers that run synchronously. Handed a zod schema, tRPC
// calls its parseAsync, which skips zod's compiled fast path: a 50-message page
// took about three times as long to check. Parley's schemas have no async
// refinements, so the synchronous parse is the same check; types and ZodErrors
// (and so the error shape's zodError) are unchanged.
import type { z } from 'zod';

export function parsed<T extends z.ZodType>(
  schema: T,
): { '~standard': T['~standard']; parse(value: unknown): z.output<T> } {
  return { '~standard': schema['~standard'], parse: (value) => schema.parse(value) };
}
