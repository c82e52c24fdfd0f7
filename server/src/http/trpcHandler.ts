// The tRPC endpoint at /trpc with bounded bodies and batches. Internal errors are
// logged here with their request id; clients only ever see a generic message.
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { log } from '../log';
import { appRouter } from '../routers/app';
import type { Services } from '../services';
import { contextFactory } from '../trpc/context';
import { RetryAfter } from '../trpc/retryAfter';

export const maxBodyBytes = 1024 * 1024;
export const maxBatchSize = 50;

export function trpcHandler(services: Services) {
  return createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: contextFactory(services),
    maxBodySize: maxBodyBytes,
    maxBatchSize,
    onError({ error, path, ctx }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log.error('internal error', {
          requestId: ctx?.req.requestId,
          path,
          error: error.cause?.stack ?? error.stack ?? error.message,
        });
      }
    },
    responseMeta({ errors }) {
      const wait = errors.map((e) => e.cause).find((c) => c instanceof RetryAfter);
      return wait ? { headers: { 'retry-after': String(wait.seconds) } } : {};
    },
  });
}
