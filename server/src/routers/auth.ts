import { setTimeout as sleep } from 'node:timers/promises';
import {
  authResultSchema,
  credentialsInput,
  loginInput,
  refreshInput,
  userSchema,
} from '@parley/shared';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { clearedRefreshCookie, rotateRefresh } from '../auth/refresh';
import { deliver, presentedRefresh, signIn } from '../auth/signIn';
import { withinAttempt } from '../auth/throttle';
import {
  createUser,
  findUserByName,
  signOutDevice,
  signOutEverywhere,
  toApiUser,
} from '../auth/users';
import { Refusal } from '../lib/refusal';
import { protectedProcedure, publicProcedure } from '../trpc/init';
import { parsed } from '../trpc/schemas';

const wrongCredentials = () =>
  new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });

export const authRouter = {
  register: publicProcedure
    .input(parsed(credentialsInput))
    .output(parsed(authResultSchema))
    .mutation(async ({ ctx, input }) => {
      const { db, passwords, registrations } = ctx.services;
      const user = await withinAttempt(
        registrations.begin(ctx.req.clientAddress),
        () => createUser(db, passwords, input.username, input.password),
        // A taken name counts against the address, so names cannot be probed for free.
        (e) => e instanceof Refusal && e.code === 'CONFLICT',
      );
      return signIn(ctx.services, ctx.req, user, input.refreshTransport ?? 'cookie');
    }),

  login: publicProcedure
    .input(parsed(loginInput))
    .output(parsed(authResultSchema))
    .mutation(async ({ ctx, input }) => {
      const { db, passwords, throttle } = ctx.services;
      const name = input.username.toLowerCase();
      const attempt = throttle.begin(name, ctx.req.clientAddress);
      const user = await withinAttempt(attempt, async () => {
        // The name is under attack from elsewhere: slowed, never refused (ASVS V2.2).
        if (attempt.delayMs > 0) await sleep(attempt.delayMs);
        const found = await findUserByName(db, input.username);
        if (!(await passwords.verify(input.password, found?.hashed_password)) || !found) {
          attempt.failed();
          throw wrongCredentials();
        }
        attempt.succeeded();
        return found;
      });
      return signIn(ctx.services, ctx.req, user, input.refreshTransport ?? 'cookie');
    }),

  refresh: publicProcedure
    .input(parsed(refreshInput))
    .output(parsed(authResultSchema))
    .mutation(async ({ ctx, input }) => {
      const presented = presentedRefresh(ctx.req, input?.refreshToken);
      if (!presented) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
      const { db, locks, config } = ctx.services;
      // The access token carries the token version the credential was checked against.
      const { user, next } = await rotateRefresh(db, locks, presented.token, {
        ttlDays: config.refreshTokenTtlDays,
        reuseGraceMs: config.refreshReuseGraceMs,
        secret: config.jwtSecret,
      });
      return deliver(ctx.services, ctx.req, user, next, presented.transport);
    }),

  logout: publicProcedure
    .input(parsed(refreshInput))
    .output(parsed(z.object({ ok: z.literal(true) })))
    .mutation(async ({ ctx, input }) => {
      const presented = presentedRefresh(ctx.req, input?.refreshToken);
      if (presented) await signOutDevice(ctx.services, presented.token);
      ctx.req.setCookie(clearedRefreshCookie(ctx.services.config.env === 'production'));
      return { ok: true as const };
    }),

  /** Signs out every device: all access tokens and refresh credentials stop working. */
  logoutEverywhere: protectedProcedure
    .output(parsed(z.object({ ok: z.literal(true) })))
    .mutation(async ({ ctx }) => {
      // Every refresh credential records the version it was minted under: one write ends them all.
      await signOutEverywhere(ctx.services, ctx.user._id);
      ctx.req.setCookie(clearedRefreshCookie(ctx.services.config.env === 'production'));
      return { ok: true as const };
    }),

  me: protectedProcedure.output(parsed(userSchema)).query(({ ctx }) => toApiUser(ctx.user)),
} satisfies TRPCRouterRecord;
