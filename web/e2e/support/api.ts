// A few tRPC calls over plain fetch, as a person's script would make them: to change
// things behind the browser's back and watch the page follow.
export function scriptApi(baseUrl: string) {
  let token = '';
  async function call<T>(path: string, input: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ json: input }),
    });
    const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
    if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
    return body.result.data.json;
  }
  return {
    async login(username: string, password: string) {
      const r = await call<{ accessToken: string }>('auth.login', {
        username,
        password,
        refreshTransport: 'body',
      });
      token = r.accessToken;
    },
    createSession: (title: string) => call<{ id: string }>('session.create', { title }),
    rename: (id: string, title: string) => call<{ id: string }>('session.rename', { id, title }),
    send: (sessionId: string, content: string) =>
      call<{ seq: number }>('message.send', { sessionId, content }),
  };
}
