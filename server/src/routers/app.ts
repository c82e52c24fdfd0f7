// The app router: every procedure Parley serves. Clients import `type AppRouter` only.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createCallerFactory, router } from '../trpc/init';
import { authRouter } from './auth';
import { folderRouter } from './folder';
import { messageRouter } from './message';
import { searchRouter } from './search';
import { sessionRouter } from './session';

export const appRouter = router({
  auth: authRouter,
  session: sessionRouter,
  message: messageRouter,
  search: searchRouter,
  folder: folderRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
