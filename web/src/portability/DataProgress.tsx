// A running export or import: its bar, what it has done so far, and a Cancel button.
import type { ReactNode } from 'react';

interface DataProgressProps {
  /** What runs: 'Export' or 'Import'. */
  what: string;
  value: number;
  max: number | undefined;
  children: ReactNode;
  onCancel: () => void;
}

export function DataProgress({ what, value, max, children, onCancel }: DataProgressProps) {
  return (
    <div className="data-progress">
      <progress aria-label={`${what} progress`} value={value} max={max} />
      <span role="status">{children}</span>
      <button type="button" className="button button--small" onClick={onCancel}>
        Cancel {what.toLowerCase()}
      </button>
    </div>
  );
}
