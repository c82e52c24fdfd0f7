// What an import reads from any format, before it is stored: conversations as a
// sequence of events, so a chat's messages can be written while they are read.
import { defaultSessionTitle, hasVisibleCharacter, limits, wellFormed } from '@parley/shared';
import type { Role } from '../db/documents';

export type ImportSource = 'parley' | 'chatgpt';

export interface ImportedConversation {
  source: ImportSource;
  /** The conversation's id in its source: what makes a second import of it a no-op. */
  sourceId: string;
  /** How the report names it. */
  label: string;
  title: string;
  createdAt: Date;
  deleted: boolean;
  deletedAt: Date | null;
  /** How it was organised; only Parley's own exports carry this. */
  pinned?: boolean;
  archived?: boolean;
  /** The source id of the file's folder it was in. */
  folder?: string | null;
}

/** A folder as a Parley export holds it, its name checked as folder.create checks one. */
export interface ImportedFolderLine {
  sourceId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ImportedMessage {
  role: Role;
  content: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ImportEvent =
  | { type: 'start'; conversation: ImportedConversation }
  | { type: 'message'; message: ImportedMessage }
  | { type: 'folder'; folder: ImportedFolderLine }
  /**
   * The started conversation is whole; `skipped` turns were left out of it on
   * purpose, `split` messages stored as several, and `cut` of those cut short.
   */
  | { type: 'finish'; skipped: number; split: number; cut: number }
  /** A conversation that cannot be imported; a started one is dropped. */
  | { type: 'fail'; conversation: string; reason: string }
  /** Lines or entries left out that belong to no conversation. */
  | { type: 'skip'; count: number };

/**
 * A title Parley stores: trimmed, without NULs, at most titleMax characters. Only
 * its start is spread into characters (titleMax of them fit in twice as many
 * UTF-16 units), so a title of millions of characters costs what a short one does.
 */
export function importedTitle(value: unknown): string {
  if (typeof value !== 'string') return defaultSessionTitle;
  const clean = value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  const title = [...clean.trimStart().slice(0, 2 * limits.titleMax)]
    .slice(0, limits.titleMax)
    .join('')
    .trim();
  // As a title a create takes: no lone surrogate (stored as U+FFFD), something to see.
  return hasVisibleCharacter(title) ? wellFormed(title) : defaultSessionTitle;
}

/** The first instant Parley cannot hold: exports write dates as ISO strings with four-digit years. */
const endOfYear9999 = Date.UTC(10_000, 0, 1);

/**
 * A date from a file when Parley can hold it, else null, which an import takes as
 * missing: session lists page by times from 1970 on, ids hold no earlier time, and
 * an export must be able to write it.
 */
export function importedDate(date: Date | null | undefined): Date | null {
  const time = date?.getTime() ?? Number.NaN;
  return date && time >= 0 && time < endOfYear9999 ? date : null;
}
