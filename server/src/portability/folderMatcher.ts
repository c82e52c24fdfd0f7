// The file's folders matched to the importing user's: each by name (any case) to
// one they have, else made with its original times, up to the cap. Folder lines
// are gathered and settled in batches, one write each, before the chats that
// name them.
import { limits } from '@parley/shared';
import { importFolders } from '../chat/folders';
import type { UserDoc } from '../db/documents';
import type { Services } from '../services';
import type { ImportedFolderLine } from './imported';

/** Folder lines settled per write. */
const batch = 100;

export class FolderMatcher {
  /** The file's folder id → the user's folder id, or null where the cap left it unmade. */
  private readonly ids = new Map<string, string | null>();
  private pending: ImportedFolderLine[] = [];
  /** Folders the cap left unmade, and lines past the most a file can hold. */
  overCap = 0;

  constructor(
    private readonly services: Services,
    private readonly user: UserDoc,
  ) {}

  /** Takes one folder line; answers how many folders were made meanwhile. */
  async add(folder: ImportedFolderLine): Promise<number> {
    // No account holds more than the cap, so more lines than that cannot all be kept.
    if (this.ids.size + this.pending.length >= limits.foldersPerUser) {
      this.overCap++;
      return 0;
    }
    this.pending.push(folder);
    return this.pending.length >= batch ? this.settle() : 0;
  }

  /** Matches or makes the pending folders; answers how many were made. */
  async settle(): Promise<number> {
    if (this.pending.length === 0) return 0;
    const lines = this.pending;
    this.pending = [];
    const { ids, created } = await importFolders(
      this.services,
      this.user,
      lines.map((f) => ({
        name: f.name,
        created: f.createdAt.getTime(),
        updated: f.updatedAt.getTime(),
      })),
    );
    lines.forEach((f, i) => {
      const id = ids[i] ?? null;
      if (id === null) this.overCap++;
      this.ids.set(f.sourceId, id);
    });
    return created;
  }

  /** The user's folder for the file's folder id; null for none, an unknown or an unmade one. */
  idOf(sourceId: string | null | undefined): string | null {
    return sourceId ? (this.ids.get(sourceId) ?? null) : null;
  }
}
