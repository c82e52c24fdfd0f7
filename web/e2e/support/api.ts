// A few tRPC calls over plain fetch, as a person's script would make them: to change
// things behind the browser's back and watch the page follow. The e2e server's
// access tokens live 10 seconds: a call refused for an expired one signs in again.
export function scriptApi(baseUrl: string) {
  let token = '';
  let signIn: (() => Promise<void>) | undefined;
  async function post(path: string, input: unknown) {
    const res = await fetch(`${baseUrl}/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ json: input }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { result?: unknown; error?: unknown },
    };
  }
  async function get(path: string, input: unknown) {
    const query = encodeURIComponent(JSON.stringify({ json: input }));
    const res = await fetch(`${baseUrl}/trpc/${path}?input=${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: res.status,
      body: (await res.json()) as { result?: unknown; error?: unknown },
    };
  }
  async function call<T>(path: string, input: unknown, method = post): Promise<T> {
    let answer = await method(path, input);
    if (answer.status === 401 && signIn && path !== 'auth.login') {
      await signIn();
      answer = await method(path, input);
    }
    const result = answer.body.result as { data: { json: T } } | undefined;
    if (!result) throw new Error(`${path} failed: ${JSON.stringify(answer.body.error)}`);
    return result.data.json;
  }
  return {
    async login(username: string, password: string) {
      signIn = async () => {
        const r = await call<{ accessToken: string }>('auth.login', {
          username,
          password,
          refreshTransport: 'body',
        });
        token = r.accessToken;
      };
      await signIn();
    },
    createSession: (title: string) => call<{ id: string }>('session.create', { title }),
    remove: (id: string) => call<{ id: string }>('session.delete', { id }),
    rename: (id: string, title: string) => call<{ id: string }>('session.rename', { id, title }),
    createFolder: (name: string) => call<{ id: string }>('folder.create', { name }),
    send: (sessionId: string, content: string) =>
      call<{ seq: number }>('message.send', { sessionId, content }),
    session: (id: string) => call<{ messageCount: number }>('session.get', { id }, get),
  };
}
