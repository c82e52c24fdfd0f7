// The seed's `?skip=&limit=` over procedures that page by cursor. Skipping walks
// pages through the procedure, so it costs O(skip) reads: fine for scripts, and
// the price of never reaching around the procedure into the database.
import { unprocessable } from './errors';

export const restPageMax = 100;

export interface SkipLimit {
  skip: number;
  limit: number;
}

function intParam(url: URL, name: string, fallback: number, min: number, max?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const loc = ['query', name];
  if (!/^-?\d+$/.test(raw.trim())) {
    throw unprocessable([
      {
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        type: 'int_parsing',
      },
    ]);
  }
  const value = Number(raw);
  if (value < min) {
    throw unprocessable([
      { loc, msg: `Input should be greater than or equal to ${min}`, type: 'greater_than_equal' },
    ]);
  }
  if (max !== undefined && value > max) {
    throw unprocessable([
      { loc, msg: `Input should be less than or equal to ${max}`, type: 'less_than_equal' },
    ]);
  }
  return value;
}

export function skipLimit(url: URL, defaultLimit: number): SkipLimit {
  return {
    skip: intParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: intParam(url, 'limit', defaultLimit, 1, restPageMax),
  };
}

export type PageOf<T> = (
  cursor: string | null,
) => Promise<{ items: T[]; nextCursor: string | null }>;

/** Items [skip, skip + limit) of a cursor-paged list, walking pages from the first. */
export async function sliceOfPages<T>(pageOf: PageOf<T>, { skip, limit }: SkipLimit): Promise<T[]> {
  const out: T[] = [];
  let toSkip = skip;
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await pageOf(cursor);
    const items = page.items.slice(Math.min(toSkip, page.items.length));
    toSkip -= page.items.length - items.length;
    out.push(...items.slice(0, limit - out.length));
    cursor = page.nextCursor;
  } while (cursor !== null && out.length < limit);
  return out;
}
