// `npm run example`: a script using Parley's typed client. It logs in as the demo
// user, creates a session, sends messages, lists them and prints them; when Parley
// has an assistant configured, it asks a question and prints the reply as it streams.
// Settings: PARLEY_URL (default http://127.0.0.1:8000), PARLEY_USER, PARLEY_PASSWORD.
import { pathToFileURL } from 'node:url';
import type { Message } from '@parley/shared';
import { createParleyClient } from '../src/client';

export interface ExampleOptions {
  url: string;
  username: string;
  password: string;
  print?: (line: string) => void;
  /** Each piece of a streaming reply (default: written to stdout as it comes). */
  write?: (text: string) => void;
  question?: string;
}

export async function runExample(opts: ExampleOptions) {
  const print = opts.print ?? ((line: string) => console.log(line));
  const parley = createParleyClient({
    url: opts.url,
    username: opts.username,
    password: opts.password,
  });
  const user = await parley.login();
  print(`Logged in as ${user.username} (${user.id})`);

  const session = await parley.api.session.create.mutate({ title: 'Example chat' });
  print(`Created session "${session.title}" (${session.id})`);

  const assistant = await parley.api.message.assistant.query({ sessionId: session.id });
  // Quiet while the greetings go in: each would get a reply otherwise.
  if (assistant.available)
    await parley.api.session.setAssistant.mutate({ id: session.id, on: false });
  for (const content of ['Hello!', 'How are you today?', 'Bye for now.']) {
    await parley.api.message.send.mutate({ sessionId: session.id, content });
  }

  const page = await parley.api.message.list.query({ sessionId: session.id });
  print(`Messages in "${session.title}":`);
  for (const m of page.items) {
    print(`  ${m.seq}. [${m.createdAt.toISOString()}] ${m.role}: ${m.content}`);
  }
  let reply: Message | null = null;
  if (assistant.available) {
    await parley.api.session.setAssistant.mutate({ id: session.id, on: true });
    const question = opts.question ?? 'In one sentence: what is a good name for a chat app?';
    const write = opts.write ?? ((text: string) => process.stdout.write(text));
    print(`Asking ${assistant.model}: ${question}`);
    ({ reply } = await parley.ask(session.id, question, { onText: (text) => write(text) }));
    write('\n');
    print(
      `Reply ${reply.status}${reply.error ? `: ${reply.error}` : ''} (${reply.content.length} characters)`,
    );
  }
  await parley.logout();
  return { user, session, messages: page.items, reply };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runExample({
    url: process.env.PARLEY_URL || 'http://127.0.0.1:8000',
    username: process.env.PARLEY_USER || 'alice',
    password: process.env.PARLEY_PASSWORD || 'alicepass123',
  }).catch((e: Error) => {
    console.error(`The example failed: ${e.message}`);
    console.error('Is Parley running (npm start) with the demo users? Set PARLEY_URL otherwise.');
    process.exitCode = 1;
  });
}
