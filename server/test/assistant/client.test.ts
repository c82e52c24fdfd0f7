// Scripts follow replies through the typed client: `ask` hands over each piece of
// text as it streams and then the final message; the example does so when configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../../scripts/example';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { createParleyClient } from '../../src/client';
import type { ModelServer } from '../support/modelServer';
import { startWithModel } from './support';

describe('the typed client and replies', () => {
  let model: ModelServer;
  let server: Parley;

  beforeAll(async () => {
    ({ model, server } = await startWithModel());
    await createUser(server.services.db, server.services.passwords, 'alice', 'alicepass123');
  });
  afterAll(async () => {
    await server?.stop();
    await model?.close();
  });

  it('ask streams the text piece by piece and resolves with the final reply', async () => {
    const parley = createParleyClient({
      url: server.url,
      username: 'alice',
      password: 'alicepass123',
    });
    await parley.login();
    const session = await parley.api.session.create.mutate({ title: 'script' });
    const pieces: string[] = [];
    const asked = parley.ask(session.id, 'Count to three', { onText: (t) => pieces.push(t) });
    const call = await model.next();
    for (const t of ['One, ', 'two, ', 'three.']) {
      call.send(t);
      // Each piece reaches the script before the next leaves the model.
      const want = pieces.length + 1;
      await expect.poll(() => pieces.length).toBe(want);
    }
    call.finish();
    const { sent, reply } = await asked;
    expect(pieces).toEqual(['One, ', 'two, ', 'three.']);
    expect(reply).toMatchObject({ seq: sent.seq + 1, status: 'done', content: 'One, two, three.' });
    await parley.logout();
  });

  it('the example asks a question and prints the streamed reply', async () => {
    const lines: string[] = [];
    let written = '';
    const running = runExample({
      url: server.url,
      username: 'alice',
      password: 'alicepass123',
      question: 'Name?',
      print: (l) => lines.push(l),
      write: (t) => {
        written += t;
      },
    });
    const call = await model.next();
    expect(call.body.messages.at(-1)).toEqual({ role: 'user', content: 'Name?' });
    call.send('Parley');
    call.send('!');
    call.finish();
    const result = await running;
    expect(result.messages).toHaveLength(3);
    expect(result.reply).toMatchObject({ content: 'Parley!', status: 'done' });
    expect(written).toBe('Parley!\n');
    expect(lines).toContain('Asking test-model: Name?');
    // The greetings went in with the assistant off: the question is the only call.
    expect(model.calls).toHaveLength(2);
  });
});
