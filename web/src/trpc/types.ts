// The API's types, inferred from the server's router. Type-only: no server code reaches the bundle.
import type { AppRouter, RouterInputs, RouterOutputs } from '@parley/server';

export type { AppRouter, RouterInputs, RouterOutputs };
export type Session = RouterOutputs['session']['get'];
export type Message = RouterOutputs['message']['send'];
export type User = RouterOutputs['auth']['me'];
export type AuthResult = RouterOutputs['auth']['login'];
export type SessionPage = RouterOutputs['session']['list'];
export type MessagePage = RouterOutputs['message']['list'];
