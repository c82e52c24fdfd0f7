// A request body read whole, up to a bound: the tRPC endpoint and the REST routes
// both take at most maxBodyBytes and refuse more without reading it all.
import type { IncomingMessage } from 'node:http';

export const maxBodyBytes = 1024 * 1024;

/** The client left before its body arrived: nobody to answer, and nothing went wrong here. */
export class RequestAborted extends Error {
  override name = 'RequestAborted';
  constructor() {
    super('The client closed the connection before its request body arrived.');
  }
}

/** The body as text, or null once it is known to exceed `limit` bytes. */
export async function readBoundedText(
  req: IncomingMessage,
  limit = maxBodyBytes,
): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Leaving the loop early must not destroy the socket: the caller still answers 413.
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).length;
      if (size > limit) return null;
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (req.destroyed) throw new RequestAborted();
    throw e;
  }
  return chunks.length === 1
    ? (chunks[0] as Buffer).toString('utf8')
    : Buffer.concat(chunks).toString('utf8');
}
