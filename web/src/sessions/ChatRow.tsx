// A chat row wired to the list it sits in: its actions, the folders for its menu,
// the selection and the roving focus, all from the sidebar's context.
import { createContext, useContext } from 'react';
import type { Session } from '../trpc/types';
import { SessionItem } from './SessionItem';
import { useSelection } from './selection';
import type { Folder } from './useFolders';

export interface RowContext {
  activeId: string | null;
  tabStop: string | null;
  folders: Folder[];
  rows: () => string[];
  open: (session: Session) => void;
  rename: (session: Session, title: string) => void;
  remove: (session: Session) => void;
  pin: (session: Session) => void;
  archive: (session: Session) => void;
  move: (session: Session, folderId: string | null) => void;
  editEnded: (session: Session) => void;
}

export const ChatRowContext = createContext<RowContext | null>(null);

export function ChatRow({ session }: { session: Session }) {
  const ctx = useContext(ChatRowContext);
  const selection = useSelection();
  if (!ctx) return null;
  selection.register(session);
  return (
    <SessionItem
      session={session}
      active={session.id === ctx.activeId}
      tabbable={session.id === ctx.tabStop}
      folders={ctx.folders}
      selected={selection.ids.has(session.id)}
      selecting={selection.ids.size > 0}
      onSelect={(s, range) => selection.toggle(s, range, ctx.rows)}
      dragIds={(s) => (selection.ids.has(s.id) ? [...selection.ids] : [s.id])}
      onOpen={ctx.open}
      onRename={ctx.rename}
      onDelete={ctx.remove}
      onPin={ctx.pin}
      onArchive={ctx.archive}
      onMove={ctx.move}
      onEditEnd={ctx.editEnded}
    />
  );
}
