// The top bar of the main panel: the sidebar button on narrow screens, a title,
// and the panel's own actions.
import type { ReactNode } from 'react';
import { Icon } from './Icon';

interface MainHeaderProps {
  title: ReactNode;
  onMenu: () => void;
  children?: ReactNode;
}

export function MainHeader({ title, onMenu, children }: MainHeaderProps) {
  return (
    <header className="main-header">
      <button
        type="button"
        className="icon-button main-header__menu"
        aria-label="Show chats"
        onClick={onMenu}
      >
        <Icon name="menu" />
      </button>
      <h1 className="main-header__title">{title}</h1>
      <div className="main-header__actions">{children}</div>
    </header>
  );
}
