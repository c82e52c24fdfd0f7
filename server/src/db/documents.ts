// Stored document shapes. Field names follow the service Parley replaces, so its
// databases work unchanged; fields it never wrote are optional or backfilled.
import type { ObjectId } from 'mongodb';

export type Role = 'user' | 'assistant' | 'system';

export type ReplyStatus = 'streaming' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** What an assistant reply carries beyond a message (absent on every other message). */
export interface ReplyFields {
  status?: ReplyStatus;
  error?: string | null;
  model?: string;
  /** Earlier texts of a regenerated reply, oldest first (a few at most). */
  previous?: string[];
}

export interface UserDoc {
  _id: ObjectId;
  username: string;
  /** Lower-cased username: unique, since FerretDB v1 has no collation. */
  username_lower: string;
  hashed_password: string;
  /** Bumped to revoke every access token of the user. */
  token_version: number;
  /** Bumped (with token_version) to end every sign-in: refresh credentials record it. Absent: 0. */
  refresh_version?: number;
  /** 1: the user's session index was kept from the start, so a missing one is empty. */
  session_index?: number;
  created_at: Date;
  updated_at: Date;
}

export interface SessionDoc {
  _id: ObjectId;
  user_id: ObjectId;
  title: string;
  message_count: number;
  last_message_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted: boolean;
  deleted_at: Date | null;
  /** last_message_at, else created_at: the sort key of the session list. */
  activity_at?: Date;
  /** Set once the message read model (buckets) of this session is known good. */
  read_model?: number;
  /** false: the assistant does not answer in this session (absent: it does, when configured). */
  assistant?: boolean;
  /** True once the title is the user's own (a rename): a first message never replaces it. */
  title_set?: boolean;
  /** Edits, deletes and restores of this session's messages so far: what live streams resume by. */
  change_count?: number;
  /** The newest changes (at most recentChangesKept), oldest first, so a resume can replay them. */
  recent_changes?: MessageChangeRecord[];
  /** Organising (absent on sessions written before: false, false, none). */
  pinned?: boolean;
  archived?: boolean;
  folder_id?: ObjectId | null;
  /** Set once the session is being deleted for good: it is gone for its owner, its contents go in the background. */
  purging?: PurgeProgress;
}

/** How far a purge has come: buckets at and above `left` have had their messages deleted. */
export interface PurgeProgress {
  at: Date;
  left: number;
  /** Messages deleted through the buckets so far. */
  seen: number;
  /** False once the buckets are known not to name every message (a scan finishes the purge). */
  complete: boolean;
}

/** One change of a message: its number in the session's changes, the message's seq, and what. */
export interface MessageChangeRecord {
  n: number;
  seq: number;
  kind: 'edited' | 'deleted' | 'restored';
}

export interface MessageDoc extends ReplyFields {
  _id: ObjectId;
  session_id: ObjectId;
  user_id: ObjectId;
  content: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
  deleted: boolean;
  deleted_at: Date | null;
  /** 1-based position in the session; missing on messages the old service wrote. */
  seq?: number;
  client_id?: string;
  /** When the content was last edited; absent or null if never. */
  edited_at?: Date | null;
}

/** A message as kept inside a bucket of the read model. */
export interface BucketEntry extends ReplyFields {
  _id: ObjectId;
  seq: number;
  user_id: ObjectId;
  role: Role;
  content: string;
  created_at: Date;
  updated_at: Date;
  client_id?: string;
  edited_at?: Date;
  /** A deleted message keeps its entry (so seqs keep their places), marked. */
  deleted?: boolean;
  deleted_at?: Date;
}

/**
 * A bucket entry as stored: a packed JSON string (chat/readModel.ts encodes and
 * decodes it; nothing else reads it), or the object older versions stored.
 */
export type StoredEntry = string | BucketEntry;

/** A page of a session's messages, addressed by `_id` = `<sessionId>:<bucket number>`. */
export interface BucketDoc {
  _id: string;
  session_id: ObjectId;
  n: number;
  messages: StoredEntry[];
}

/** A refresh credential, stored by the SHA-256 of its value. */
export interface RefreshTokenDoc {
  _id: string;
  user_id: ObjectId;
  family: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  /** The user's refresh_version when the family was signed in; absent (0) on older credentials. */
  refresh_version?: number;
}

/**
 * A revoked refresh family, `_id` = the family id: written once by logout or reuse
 * detection, and read by every rotation, so a credential minted meanwhile dies too.
 */
export interface RevokedFamilyDoc {
  _id: string;
  user_id: ObjectId;
  revoked_at: Date;
  /** After this no credential of the family can be unexpired: the sweep deletes it. */
  expires_at: Date;
}

/** Makes a send with a clientId idempotent: `_id` = `<sessionId>:<clientId>`. */
export interface MessageKeyDoc {
  _id: string;
  message_id: ObjectId;
  created_at: Date;
}

/** A user's session index (chat/sessionIndex.ts): `_id` = the user's id as hex. */
export interface SessionIndexDoc {
  _id: string;
  /** Per session id: `<activityMs>:<updatedMs>:<flags>`, one string each (fast to decode). */
  e: Record<string, string>;
  /** Per purged session id: its last entry, updated at the purge (kept a week, for resumed live streams). */
  t?: Record<string, string>;
}

/** A user's folders (chat/folders.ts): `_id` = the user's id as hex, a field per folder. */
export interface FoldersDoc {
  _id: string;
  /** Per folder id: `[name, createdMs, updatedMs]` as JSON. */
  f: Record<string, string>;
  /** When any folder last changed, ms: what a resumed live stream checks. */
  updated?: number;
}

/** A username's owner, so sign-in finds an account by `_id`: `_id` = the lower-cased name. */
export interface UserNameDoc {
  _id: string;
  user_id: ObjectId;
}

/**
 * The assistant replies one process is streaming, `_id` = `replies:<instance>`: one
 * field per reply, so start-up finds what a crash left as drafts by one `_id` lookup.
 */
export interface ReplyRegistryDoc {
  _id: string;
  r: Record<string, { session_id: ObjectId; seq: number; started_at: Date }>;
}

/**
 * Pending purges (chat/pendingPurges.ts): `_id` 'pending' lists every session whose
 * contents are still being deleted (`s`: session id to owner id); `_id`
 * 'lease:<sessionId>' says which process is deleting it, until when.
 */
export interface PurgeDoc {
  _id: string;
  s?: Record<string, string>;
  owner?: string;
  until?: Date;
}
