// A button that shows only an icon: its label is what screen readers say.
import { Icon, type IconName } from './Icon';

interface IconButtonProps {
  icon: IconName;
  label: string;
  onClick: () => void;
  size?: number;
  /** -1 for a row's actions, which the row's own keys reach instead of Tab. */
  tabIndex?: number;
}

export function IconButton({ icon, label, onClick, size = 16, tabIndex }: IconButtonProps) {
  return (
    <button
      type="button"
      className="icon-button"
      tabIndex={tabIndex}
      aria-label={label}
      onClick={onClick}
    >
      <Icon name={icon} size={size} />
    </button>
  );
}
