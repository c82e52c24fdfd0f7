import { searchQueryInput, searchResultSchema } from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { protectedProcedure } from '../trpc/init';
import { parsed } from '../trpc/schemas';

export const searchRouter = {
  query: protectedProcedure
    .input(parsed(searchQueryInput))
    .output(parsed(searchResultSchema))
    .query(({ ctx, input }) => ctx.services.search.query(ctx.services, ctx.user, input)),
} satisfies TRPCRouterRecord;
