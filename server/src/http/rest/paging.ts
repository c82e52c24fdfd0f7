// The seed's `?skip=&limit=` over procedures that page by cursor. Sessions are
// paged by activity, so skipping walks pages through the procedure: O(skip)
// reads, and so skip is capped; past the cap the answer says to use cursors.
// Messages are numbered by seq, so their skip is a position: O(page) at any skip.
import { unprocessable } from './errors';

export const restPageMax = 100;
/** The deepest `skip` into the sessions; session.list's cursor goes on from there. */
export const sessionSkipMax = 1_000;

export interface SkipLimit {
  skip: number;
  limit: number;
}

function intParam(
  url: URL,
  name: string,
  fallback: number,
  min: number,
  max: number,
  pastMax = '',
): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const loc = ['query', name];
  const digits = /^\s*(-?)(\d+)\s*$/.exec(raw);
  if (!digits) {
    throw unprocessable([
      {
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        type: 'int_parsing',
      },
    ]);
  }
  // Past 16 digits (leading zeros aside) a number is out of any range here.
  const value =
    (digits[2] ?? '').replace(/^0+/, '').length > 16
      ? digits[1]
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY
      : Number(raw);
  if (value < min) {
    throw unprocessable([
      { loc, msg: `Input should be greater than or equal to ${min}`, type: 'greater_than_equal' },
    ]);
  }
  if (value > max) {
    throw unprocessable([
      {
        loc,
        msg: `Input should be less than or equal to ${max}${pastMax}`,
        type: 'less_than_equal',
      },
    ]);
  }
  return value === 0 ? 0 : value; // "-0" is 0
}

/** `skip` and `limit` of a list whose `skip` may go at most `skipMax` deep. */
export function skipLimit(
  url: URL,
  defaultLimit: number,
  skipMax: number = Number.MAX_SAFE_INTEGER,
  pastSkipMax = '',
): SkipLimit {
  return {
    skip: intParam(url, 'skip', 0, 0, skipMax, pastSkipMax),
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
