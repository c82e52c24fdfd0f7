// The account export's lines (NDJSON, one JSON object a line): the account, then
// each folder, then each session followed by its messages in order, then `end`,
// which tells a complete file from a cut-off one. Shapes are the API's, dates ISO.
import type { Message, Session } from '@parley/shared';

export const accountFormat = 'parley.account';
export const accountFormatVersion = 1;

export interface AccountLine {
  type: 'account';
  format: typeof accountFormat;
  version: number;
  exportedAt: Date;
  user: { id: string; username: string; createdAt: Date };
  /** Totals when the export began, so a reader can show progress. */
  folders: number;
  sessions: number;
  messages: number;
}

/** A folder of sessions; a session line names its folder by `folderId`. */
export interface FolderLine {
  type: 'folder';
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The API's session: its pin, archive and trash, and `folderId`, a folder line's `id`. */
export type SessionLine = { type: 'session' } & Session;
export type MessageLine = { type: 'message' } & Message;

export interface EndLine {
  type: 'end';
  sessions: number;
  messages: number;
}

export type ExportLine = AccountLine | FolderLine | SessionLine | MessageLine | EndLine;

export const toLine = (line: ExportLine) => `${JSON.stringify(line)}\n`;
