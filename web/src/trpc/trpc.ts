// The typed React bindings for the API.
import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from './types';

export const trpc = createTRPCReact<AppRouter>();
