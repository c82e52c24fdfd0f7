/** Limits both the server and the web app enforce. */
export const limits = {
  titleMax: 200,
  contentMax: 32_000,
  /**
   * Whitespace around a title or message, beyond its maximum, that is still
   * accepted (and, for a message, stored): so what is stored stays bounded.
   */
  surroundingWhitespaceMax: 1_000,
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  /** bcrypt reads at most 72 bytes; longer passwords are refused, never truncated. */
  passwordMaxBytes: 72,
  sessionPageDefault: 20,
  sessionPageMax: 100,
  messagePageDefault: 50,
  messagePageMax: 200,
  /** Sessions one session.bulk call acts on. */
  bulkMax: 100,
  folderNameMax: 100,
  foldersPerUser: 500,
} as const;

export const defaultSessionTitle = 'New Chat';
