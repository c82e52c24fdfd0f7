// The server package's public surface for other packages: types only at runtime-free cost.
export type { AppRouter, RouterInputs, RouterOutputs } from './routers/app';
