// An assistant reply is searchable as it ends, not as it stood when the index
// first read it: a reply grows in place, and its end tells the search index.
import { describe, expect, it } from 'vitest';
import { waitForNewest, withModel } from '../assistant/support';

describe('search over assistant replies', () => {
  const t = withModel();

  const hits = async (q: string) =>
    (await t.client.search.query.query({ q })).items
      .filter((h) => h.message)
      .map((h) => [h.message?.role, h.message?.content]);

  it('finds a reply by the words it ended with, once it is done', async () => {
    const session = await t.client.session.create.mutate({ title: 'birds' });
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Name a pink bird' });
    const call = await t.model.next();
    call.send('The answer is ');
    await waitForNewest(
      t.client,
      session.id,
      'the saved draft',
      (m) => m.content === 'The answer is ',
    );
    // The index reads the chat while the reply is half-way.
    expect(await hits('answer')).toEqual([['assistant', 'The answer is ']]);
    expect(await hits('flamingo')).toEqual([]);

    call.send('a flamingo');
    call.finish();
    await waitForNewest(t.client, session.id, 'the stored reply', (m) => m.status === 'done');
    expect(await hits('flamingo')).toEqual([['assistant', 'The answer is a flamingo']]);
    expect(await hits('pink')).toEqual([['user', 'Name a pink bird']]);
  });
});
