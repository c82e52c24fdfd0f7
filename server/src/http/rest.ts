// The old service's REST surface (FastAPI-style), each route running its tRPC twin.
import type { Services } from '../services';
import type { Route } from './server';

export function restRoutes(_services: Services): Route {
  return () => false;
}
