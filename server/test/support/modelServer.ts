// A stand-in model for tests: a node:http server speaking the Chat Completions
// streaming protocol as documented (text/event-stream; `data:` chunks carrying
// choices[0].delta.content; a last chunk with finish_reason; `data: [DONE]`).
// Each call is handed to the test, which streams tokens when it likes, or the
// server plays a script; it can stall, answer an HTTP error, or drop mid-stream.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
}

export class ModelCall {
  /** When the first chunk left this server, per text sent (for the bench). */
  readonly sentAt: number[] = [];
  private headersSent = false;

  constructor(
    readonly body: ChatRequest,
    private readonly res: ServerResponse,
  ) {}

  private open(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
  }

  private chunk(delta: object, finish: string | null): void {
    const data = {
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: this.body.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Opens the stream without a token yet (a model that stalls from the start). */
  start(): void {
    this.open();
  }

  send(text: string): void {
    this.open();
    this.sentAt.push(performance.now());
    this.chunk({ content: text }, null);
  }

  finish(): void {
    this.open();
    this.chunk({}, 'stop');
    this.res.end('data: [DONE]\n\n');
  }

  /** An HTTP error before any token (500, 429, …). */
  fail(status: number, message = 'scripted failure'): void {
    this.res.writeHead(status, { 'content-type': 'application/json' });
    this.res.end(JSON.stringify({ error: { message, type: 'test', code: null } }));
  }

  /** Drops the connection mid-stream. */
  drop(): void {
    this.open();
    this.res.destroy();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded || this.res.closed;
  }
}

export type Script = (call: ModelCall) => void | Promise<void>;

/** Streams `tokens` `delayMs` apart, then finishes. */
export const scripted =
  (tokens: string[], delayMs = 5): Script =>
  async (call) => {
    for (const t of tokens) {
      if (call.closed) return;
      call.send(t);
      await new Promise((r) => setTimeout(r, delayMs));
    }
    if (!call.closed) call.finish();
  };

export class ModelServer {
  readonly calls: ModelCall[] = [];
  /** How the next calls are answered, in order; with none left, the test drives each call. */
  readonly scripts: Script[] = [];
  private waiters: Array<() => void> = [];
  private taken = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ModelServer> {
    const server = createServer();
    const model = new ModelServer(server);
    server.on('request', (req, res) => void model.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return model;
  }

  /** What to set ASSISTANT_BASE_URL to. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const part of req) raw += part;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const call = new ModelCall(JSON.parse(raw) as ChatRequest, res);
    this.calls.push(call);
    for (const w of this.waiters.splice(0)) w();
    const script = this.scripts.shift();
    if (script) await script(call);
  }

  /** The first call no test has taken yet, once it has arrived (calls are taken in order). */
  next(timeoutMs?: number): Promise<ModelCall> {
    return this.call(this.taken, timeoutMs);
  }

  /** The n-th call (0-based) once it has arrived. */
  async call(n: number, timeoutMs = 15_000): Promise<ModelCall> {
    this.taken = Math.max(this.taken, n + 1);
    const deadline = Date.now() + timeoutMs;
    while (!this.calls[n]) {
      if (Date.now() > deadline) throw new Error(`model call ${n} never came`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.calls[n] as ModelCall;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
