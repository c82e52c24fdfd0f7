// A list or chat that could not load: what went wrong, in the server's words, and
// Retry. One that could not reach Parley tries again by itself, so it loads once
// the server is back without a click: at once when the browser comes back online,
// and every little while (backing off to half a minute) until the server answers.
import { useEffect, useRef } from 'react';
import { describeError, isNetworkError } from '../trpc/errors';
import { useOnline } from './useOnline';

const firstRetryMs = 2_000;
const lastRetryMs = 30_000;

interface LoadFailedProps {
  className: string;
  error: unknown;
  onRetry: () => void;
}

export function LoadFailed({ className, error, onRetry }: LoadFailedProps) {
  const retry = useRef(onRetry);
  retry.current = onRetry;
  const tries = useRef(0);
  const online = useOnline();
  const unreachable = isNetworkError(error);

  // Each failed try brings a new error: the next try waits twice as long.
  useEffect(() => {
    if (!unreachable || !online || !error) return;
    const wait = Math.min(lastRetryMs, firstRetryMs * 2 ** tries.current);
    const timer = setTimeout(() => {
      tries.current += 1;
      retry.current();
    }, wait);
    return () => clearTimeout(timer);
  }, [error, unreachable, online]);

  const wasOnline = useRef(online);
  useEffect(() => {
    if (online && !wasOnline.current) {
      tries.current = 0;
      retry.current();
    }
    wasOnline.current = online;
  }, [online]);

  return (
    <div className={className} role="alert">
      <p>{describeError(error)}</p>
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
