// Who a live stream serves: the caller, and the access token it opened with (null
// for a caller named directly, as tests and server-side callers are), which the
// stream re-checks while it stays open. The edge builds it from the request.
import type { UserDoc } from '../db/documents';

export interface Viewer {
  user: UserDoc;
  accessToken: string | null;
}
