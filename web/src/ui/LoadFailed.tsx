// A list that could not load: what went wrong, in the server's words, and Try again.
import { describeError } from '../trpc/errors';

export function LoadFailed(props: { className: string; error: unknown; onRetry: () => void }) {
  return (
    <div className={props.className} role="alert">
      <p>{describeError(props.error)}</p>
      <button type="button" className="button" onClick={props.onRetry}>
        Try again
      </button>
    </div>
  );
}
