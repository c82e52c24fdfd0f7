import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { startTestServer } from '../support/harness';
import { hex24, loginToken, type RestResponse, rest } from './support';

let parley: Parley;
let token: string;
let otherToken: string;
beforeAll(async () => {
  parley = await startTestServer();
  const { db, passwords } = parley.services;
  await createUser(db, passwords, 'carol', 'carolpass123');
  await createUser(db, passwords, 'dave', 'davepass123');
  token = await loginToken(parley.url, 'carol', 'carolpass123');
  otherToken = await loginToken(parley.url, 'dave', 'davepass123');
});
afterAll(() => parley.stop());

const missingId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
type Json = Record<string, unknown>;

async function newSession(title = 'Routes'): Promise<Json> {
  const res = await rest(parley.url, 'POST', '/chat/sessions', { token, json: { title } });
  expect(res.status).toBe(200);
  return res.body as Json;
}

function expectDetail(res: RestResponse, status: number) {
  expect(res.status).toBe(status);
  expect(typeof (res.body as Json).detail).toBe('string');
}

function expectUnprocessable(res: RestResponse, loc: (string | number)[]) {
  expect(res.status).toBe(422);
  const detail = (res.body as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
  expect(Array.isArray(detail)).toBe(true);
  expect(detail.map((d) => d.loc)).toContainEqual(loc);
  for (const d of detail) {
    expect(typeof d.msg).toBe('string');
    expect(typeof d.type).toBe('string');
  }
}

describe('POST /auths/login', () => {
  it('answers a bearer access token for a form login', async () => {
    const res = await rest(parley.url, 'POST', '/auths/login', {
      form: { username: 'carol', password: 'carolpass123' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer' });
    const me = await rest(parley.url, 'GET', '/chat/sessions', {
      token: (res.body as Json).access_token as string,
    });
    expect(me.status).toBe(200);
  });

  it('answers 401 with the same detail for a wrong password and an unknown user', async () => {
    const wrong = await rest(parley.url, 'POST', '/auths/login', {
      form: { username: 'carol', password: 'not-the-password' },
    });
    const unknown = await rest(parley.url, 'POST', '/auths/login', {
      form: { username: 'nobody-here', password: 'whatever123' },
    });
    expectDetail(wrong, 401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('answers 422 naming the missing form field', async () => {
    const res = await rest(parley.url, 'POST', '/auths/login', { form: { username: 'carol' } });
    expectUnprocessable(res, ['body', 'password']);
  });

  it('answers 422 for a JSON body, which is not the OAuth2 password form', async () => {
    const res = await rest(parley.url, 'POST', '/auths/login', {
      json: { username: 'carol', password: 'carolpass123' },
    });
    expectUnprocessable(res, ['body', 'username']);
  });
});

describe('POST /chat/sessions', () => {
  it('creates "New Chat" when no title is given', async () => {
    for (const opts of [{}, { json: {} }, { json: { title: null } }]) {
      const res = await rest(parley.url, 'POST', '/chat/sessions', { token, ...opts });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'New Chat', _id: expect.stringMatching(hex24) });
    }
  });

  it('answers 401 without a token and with a bad one', async () => {
    expectDetail(await rest(parley.url, 'POST', '/chat/sessions', { json: {} }), 401);
    const bad = await rest(parley.url, 'POST', '/chat/sessions', { token: 'nope', json: {} });
    expectDetail(bad, 401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 422 for a blank title, a non-object body and broken JSON', async () => {
    expectUnprocessable(
      await rest(parley.url, 'POST', '/chat/sessions', { token, json: { title: '   ' } }),
      ['body', 'title'],
    );
    expectUnprocessable(await rest(parley.url, 'POST', '/chat/sessions', { token, json: ['x'] }), [
      'body',
    ]);
    expectUnprocessable(
      await rest(parley.url, 'POST', '/chat/sessions', { token, raw: '{"title":' }),
      ['body'],
    );
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await rest(parley.url, 'POST', '/chat/sessions', {
      token,
      json: { title: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });
});

describe('GET /chat/sessions', () => {
  it('pages with skip and limit, newest activity first', async () => {
    const fresh = await loginToken(parley.url, 'dave', 'davepass123');
    const titles = ['s1', 's2', 's3', 's4', 's5'];
    for (const title of titles) {
      await rest(parley.url, 'POST', '/chat/sessions', { token: fresh, json: { title } });
    }
    const all = await rest(parley.url, 'GET', '/chat/sessions?limit=100', { token: fresh });
    expect(all.status).toBe(200);
    expect((all.body as Json[]).map((s) => s.title)).toEqual([...titles].reverse());
    const middle = await rest(parley.url, 'GET', '/chat/sessions?skip=1&limit=2', {
      token: fresh,
    });
    expect((middle.body as Json[]).map((s) => s.title)).toEqual(['s4', 's3']);
    const past = await rest(parley.url, 'GET', '/chat/sessions?skip=10', { token: fresh });
    expect(past.body).toEqual([]);
  });

  it('answers 401 without a token', async () => {
    expectDetail(await rest(parley.url, 'GET', '/chat/sessions'), 401);
  });

  it('answers 422 for a limit out of bounds or a skip that is not a number', async () => {
    expectUnprocessable(await rest(parley.url, 'GET', '/chat/sessions?limit=0', { token }), [
      'query',
      'limit',
    ]);
    expectUnprocessable(await rest(parley.url, 'GET', '/chat/sessions?limit=101', { token }), [
      'query',
      'limit',
    ]);
    expectUnprocessable(await rest(parley.url, 'GET', '/chat/sessions?skip=abc', { token }), [
      'query',
      'skip',
    ]);
  });
});

describe('GET, PUT, PATCH and DELETE /chat/sessions/{id}', () => {
  it('gets, renames by PUT and PATCH, and soft-deletes a session', async () => {
    const s = await newSession('Before');
    const got = await rest(parley.url, 'GET', `/chat/sessions/${s._id}`, { token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(s);
    const put = await rest(parley.url, 'PUT', `/chat/sessions/${s._id}`, {
      token,
      json: { title: 'After PUT' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ _id: s._id, title: 'After PUT' });
    const patch = await rest(parley.url, 'PATCH', `/chat/sessions/${s._id}`, {
      token,
      json: { title: 'After PATCH' },
    });
    expect(patch.body).toMatchObject({ _id: s._id, title: 'After PATCH' });
    const del = await rest(parley.url, 'DELETE', `/chat/sessions/${s._id}`, { token });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ _id: s._id, deleted: true, deleted_at: expect.any(String) });
    const list = await rest(parley.url, 'GET', '/chat/sessions?limit=100', { token });
    expect((list.body as Json[]).map((x) => x._id)).not.toContain(s._id);
  });

  it('answers 401 without a token', async () => {
    const s = await newSession();
    expectDetail(await rest(parley.url, 'GET', `/chat/sessions/${s._id}`), 401);
    expectDetail(
      await rest(parley.url, 'PUT', `/chat/sessions/${s._id}`, { json: { title: 'x' } }),
      401,
    );
    expectDetail(
      await rest(parley.url, 'PATCH', `/chat/sessions/${s._id}`, { json: { title: 'x' } }),
      401,
    );
    expectDetail(await rest(parley.url, 'DELETE', `/chat/sessions/${s._id}`), 401);
  });

  it("answers 404 alike for a missing session and someone else's", async () => {
    const s = await newSession();
    for (const [method, json] of [
      ['GET', undefined],
      ['PUT', { title: 'x' }],
      ['PATCH', { title: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const missing = await rest(parley.url, method, `/chat/sessions/${missingId}`, {
        token,
        json,
      });
      const theirs = await rest(parley.url, method, `/chat/sessions/${s._id}`, {
        token: otherToken,
        json,
      });
      expectDetail(missing, 404);
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(missing.body);
    }
  });

  it('answers 422 for a malformed id and a missing title', async () => {
    const s = await newSession();
    for (const method of ['GET', 'DELETE'] as const) {
      expectUnprocessable(await rest(parley.url, method, '/chat/sessions/not-an-id', { token }), [
        'path',
        'session_id',
      ]);
    }
    for (const method of ['PUT', 'PATCH'] as const) {
      expectUnprocessable(
        await rest(parley.url, method, `/chat/sessions/${s._id}`, { token, json: {} }),
        ['body', 'title'],
      );
    }
  });

  it('answers 405 for a method the path does not take', async () => {
    const res = await rest(parley.url, 'POST', `/chat/sessions/${missingId}`, { token });
    expectDetail(res, 405);
  });
});

describe('POST and GET /chat/sessions/{id}/messages', () => {
  it('sends messages and lists them oldest first with skip and limit', async () => {
    const s = await newSession();
    const contents = Array.from({ length: 7 }, (_, i) => `m${i + 1}`);
    for (const content of contents) {
      const res = await rest(parley.url, 'POST', `/chat/sessions/${s._id}/messages`, {
        token,
        json: { content },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ content, session_id: s._id, role: 'user' });
    }
    const all = await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages`, { token });
    expect(all.status).toBe(200);
    expect((all.body as Json[]).map((m) => m.content)).toEqual(contents);
    const page = await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages?skip=2&limit=3`, {
      token,
    });
    expect((page.body as Json[]).map((m) => m.content)).toEqual(['m3', 'm4', 'm5']);
    const tail = await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages?skip=5`, {
      token,
    });
    expect((tail.body as Json[]).map((m) => m.content)).toEqual(['m6', 'm7']);
    const none = await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages?skip=70`, {
      token,
    });
    expect(none.body).toEqual([]);
  });

  it('walks more than one page of the procedure to skip far', async () => {
    const s = await newSession();
    // 230 messages: more than one page of message.list (200).
    for (let i = 1; i <= 230; i++) {
      const res = await rest(parley.url, 'POST', `/chat/sessions/${s._id}/messages`, {
        token,
        json: { content: `n${i}` },
      });
      expect(res.status).toBe(200);
    }
    const early = await rest(
      parley.url,
      'GET',
      `/chat/sessions/${s._id}/messages?skip=10&limit=5`,
      {
        token,
      },
    );
    expect((early.body as Json[]).map((m) => m.content)).toEqual([
      'n11',
      'n12',
      'n13',
      'n14',
      'n15',
    ]);
    const across = await rest(
      parley.url,
      'GET',
      `/chat/sessions/${s._id}/messages?skip=25&limit=10`,
      { token },
    );
    expect((across.body as Json[]).map((m) => m.content)).toEqual(
      Array.from({ length: 10 }, (_, i) => `n${26 + i}`),
    );
  });

  it('answers 401 without a token', async () => {
    const s = await newSession();
    expectDetail(
      await rest(parley.url, 'POST', `/chat/sessions/${s._id}/messages`, {
        json: { content: 'hi' },
      }),
      401,
    );
    expectDetail(await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages`), 401);
  });

  it("answers 404 for a missing session and someone else's", async () => {
    const s = await newSession();
    for (const [method, json] of [
      ['POST', { content: 'hi' }],
      ['GET', undefined],
    ] as const) {
      expectDetail(
        await rest(parley.url, method, `/chat/sessions/${missingId}/messages`, { token, json }),
        404,
      );
      expectDetail(
        await rest(parley.url, method, `/chat/sessions/${s._id}/messages`, {
          token: otherToken,
          json,
        }),
        404,
      );
    }
  });

  it('answers 422 for missing content, a malformed id and a bad limit', async () => {
    const s = await newSession();
    expectUnprocessable(
      await rest(parley.url, 'POST', `/chat/sessions/${s._id}/messages`, { token, json: {} }),
      ['body', 'content'],
    );
    expectUnprocessable(
      await rest(parley.url, 'POST', '/chat/sessions/123/messages', {
        token,
        json: { content: 'hi' },
      }),
      ['path', 'session_id'],
    );
    expectUnprocessable(
      await rest(parley.url, 'GET', `/chat/sessions/${s._id}/messages?limit=-1`, { token }),
      ['query', 'limit'],
    );
  });

  it('answers 412 for a message into a deleted session', async () => {
    const s = await newSession();
    await rest(parley.url, 'DELETE', `/chat/sessions/${s._id}`, { token });
    const res = await rest(parley.url, 'POST', `/chat/sessions/${s._id}/messages`, {
      token,
      json: { content: 'hi' },
    });
    expectDetail(res, 412);
  });
});

describe('GET /chat-ui', () => {
  it("serves the web app at the seed's UI address", async () => {
    const res = await fetch(`${parley.url}/chat-ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<div id="root"|<script/);
  });
});
