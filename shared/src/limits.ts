/** Limits both the server and the web app enforce. */
export const limits = {
  titleMax: 200,
  contentMax: 32_000,
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  /** bcrypt reads at most 72 bytes; longer passwords are refused, never truncated. */
  passwordMaxBytes: 72,
  sessionPageDefault: 20,
  sessionPageMax: 100,
  messagePageDefault: 50,
  messagePageMax: 200,
} as const;

export const defaultSessionTitle = 'New Chat';
