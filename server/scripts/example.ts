// `npm run example`: a script using Parley's typed client. It logs in as the demo
// user, creates a session, sends messages, lists them and prints them.
// Settings: PARLEY_URL (default http://127.0.0.1:8000), PARLEY_USER, PARLEY_PASSWORD.
import { pathToFileURL } from 'node:url';
import { createParleyClient } from '../src/client';

export interface ExampleOptions {
  url: string;
  username: string;
  password: string;
  print?: (line: string) => void;
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

  for (const content of ['Hello!', 'How are you today?', 'Bye for now.']) {
    await parley.api.message.send.mutate({ sessionId: session.id, content });
  }

  const page = await parley.api.message.list.query({ sessionId: session.id });
  print(`Messages in "${session.title}":`);
  for (const m of page.items) {
    print(`  ${m.seq}. [${m.createdAt.toISOString()}] ${m.role}: ${m.content}`);
  }
  await parley.logout();
  return { user, session, messages: page.items };
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
