// What an import reads from any format, before it is stored: conversations as a
// sequence of events, so a chat's messages can be written while they are read.
import { defaultSessionTitle, limits } from '@parley/shared';
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
  /** The started conversation is whole; `skipped` turns were left out of it on purpose. */
  | { type: 'finish'; skipped: number; split: number }
  /** A conversation that cannot be imported; a started one is dropped. */
  | { type: 'fail'; conversation: string; reason: string }
  /** Lines or entries left out that belong to no conversation. */
  | { type: 'skip'; count: number };

/** A title Parley stores: trimmed, without NULs, at most titleMax characters. */
export function importedTitle(value: unknown): string {
  if (typeof value !== 'string') return defaultSessionTitle;
  const title = [...value.replaceAll('\u0000', '').trim()]
    .slice(0, limits.titleMax)
    .join('')
    .trim();
  return title || defaultSessionTitle;
}

/**
 * A message's text in pieces of at most contentMax characters (never inside a
 * surrogate pair): an oversized message is split, in order, not refused.
 */
export function splitContent(text: string): string[] {
  const clean = text.replaceAll('\u0000', '');
  if (clean.length <= limits.contentMax) return [clean];
  const pieces: string[] = [];
  let piece = '';
  let count = 0;
  for (const ch of clean) {
    if (count === limits.contentMax) {
      pieces.push(piece);
      piece = '';
      count = 0;
    }
    piece += ch;
    count++;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
