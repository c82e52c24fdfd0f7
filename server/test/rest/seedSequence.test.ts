import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { startTestServer } from '../support/harness';
import { hex24, isoDate, rest } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
  await createUser(parley.services.db, parley.services.passwords, 'alice', 'alicepass123');
});
afterAll(() => parley.stop());

describe('the seed\'s "Via API" curl sequence', () => {
  it('logs in by form, creates "My Chat" and sends "Hello!" with the seed\'s shapes', async () => {
    const login = await rest(parley.url, 'POST', '/auths/login', {
      form: { username: 'alice', password: 'alicepass123' },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toMatch(/^application\/json/);
    const { access_token, token_type, ...otherLogin } = login.body as Record<string, unknown>;
    expect(typeof access_token).toBe('string');
    expect(token_type).toBe('bearer');
    expect(otherLogin).toEqual({});
    const token = access_token as string;

    const created = await rest(parley.url, 'POST', '/chat/sessions', {
      token,
      json: { title: 'My Chat' },
    });
    expect(created.status).toBe(200);
    const session = created.body as Record<string, unknown>;
    expect(Object.keys(session).sort()).toEqual(
      [
        '_id',
        'user_id',
        'title',
        'message_count',
        'last_message_at',
        'created_at',
        'updated_at',
        'deleted',
        'deleted_at',
      ].sort(),
    );
    expect(session._id).toMatch(hex24);
    expect(session.user_id).toMatch(hex24);
    expect(session.title).toBe('My Chat');
    expect(session.message_count).toBe(0);
    expect(session.last_message_at).toBeNull();
    expect(session.created_at).toMatch(isoDate);
    expect(session.updated_at).toMatch(isoDate);
    expect(session.deleted).toBe(false);
    expect(session.deleted_at).toBeNull();

    const sent = await rest(parley.url, 'POST', `/chat/sessions/${session._id}/messages`, {
      token,
      json: { content: 'Hello!' },
    });
    expect(sent.status).toBe(200);
    const message = sent.body as Record<string, unknown>;
    expect(Object.keys(message).sort()).toEqual(
      [
        '_id',
        'session_id',
        'user_id',
        'content',
        'role',
        'created_at',
        'updated_at',
        'deleted',
        'deleted_at',
      ].sort(),
    );
    expect(message._id).toMatch(hex24);
    expect(message._id).not.toBe(session._id);
    expect(message.session_id).toBe(session._id);
    expect(message.user_id).toBe(session.user_id);
    expect(message.content).toBe('Hello!');
    expect(message.role).toBe('user');
    expect(message.created_at).toMatch(isoDate);
    expect(message.updated_at).toMatch(isoDate);
    expect(message.deleted).toBe(false);
    expect(message.deleted_at).toBeNull();

    const after = await rest(parley.url, 'GET', `/chat/sessions/${session._id}`, { token });
    expect(after.body).toMatchObject({
      _id: session._id,
      message_count: 1,
      last_message_at: message.created_at,
    });
  });
});
