import { describe, expect, it } from 'vitest';
import { groupLabel, groupSessions, sidebarSections } from './groupSessions';
import { makeSession } from './testSessions';

// Tuesday 24 November 2026, 00:30 local time: just after midnight, where day maths goes wrong.
const now = new Date(2026, 10, 24, 0, 30);
const at = (day: number, hour = 12, month = 10, year = 2026) => new Date(year, month, day, hour);

describe('grouping sessions by date', () => {
  it('puts activity by calendar day, not by 24-hour spans', () => {
    expect(groupLabel(at(24, 0), now)).toBe('Today');
    expect(groupLabel(new Date(2026, 10, 23, 23, 59), now)).toBe('Yesterday');
    expect(groupLabel(at(23, 0), now)).toBe('Yesterday');
    expect(groupLabel(at(22, 23), now)).toBe('Previous 7 days');
    expect(groupLabel(at(17, 1), now)).toBe('Previous 7 days');
    expect(groupLabel(at(16, 23), now, 'en-US')).toBe('November');
  });

  it('names older months, with the year once it is not this year', () => {
    expect(groupLabel(at(2, 12, 9), now, 'en-US')).toBe('October');
    expect(groupLabel(at(30, 12, 11, 2025), now, 'en-US')).toBe('December 2025');
  });

  it('treats a timestamp slightly in the future (clock skew) as today', () => {
    expect(groupLabel(new Date(now.getTime() + 60_000), now)).toBe('Today');
  });

  it('keeps the list order and uses the last message, or creation for an empty chat', () => {
    const a = makeSession({ lastMessageAt: at(24, 0), createdAt: at(1, 9, 9) });
    const b = makeSession({ createdAt: at(23, 8) });
    const c = makeSession({ lastMessageAt: at(20) });
    const d = makeSession({ lastMessageAt: at(18) });
    const e = makeSession({ createdAt: at(3, 12, 9) });
    const groups = groupSessions([a, b, c, d, e], now, 'en-US');
    expect(groups.map((g) => [g.label, g.sessions.map((s) => s.id)])).toEqual([
      ['Today', [a.id]],
      ['Yesterday', [b.id]],
      ['Previous 7 days', [c.id, d.id]],
      ['October', [e.id]],
    ]);
  });

  it('returns no groups for no sessions', () => {
    expect(groupSessions([], now)).toEqual([]);
  });

  it('keeps a pinned chat under Pinned when it is filed in a folder, and leaves other filed chats to their folders', () => {
    const filedPin = makeSession({ pinned: true, folderId: 'f'.repeat(24), lastMessageAt: at(23) });
    const loosePin = makeSession({ pinned: true, lastMessageAt: at(20) });
    const loose = makeSession({ lastMessageAt: at(24, 0) });
    const filed = makeSession({ folderId: 'f'.repeat(24), lastMessageAt: at(24, 0) });
    const { pinned, groups } = sidebarSections([filedPin, loosePin, loose, filed], now, 'en-US');
    expect(pinned.map((s) => s.id)).toEqual([filedPin.id, loosePin.id]);
    expect(groups.map((g) => [g.label, g.sessions.map((s) => s.id)])).toEqual([
      ['Today', [loose.id]],
    ]);
  });
});
