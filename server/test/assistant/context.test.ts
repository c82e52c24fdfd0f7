import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/assistant/context';
import type { AssistantConfig } from '../../src/config/env';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

const config = {
  systemPrompt: undefined,
  maxContextMessages: 10,
  maxContextChars: 10_000,
} as AssistantConfig;

describe("the assistant's context", () => {
  it('leaves out a message its author deleted', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'context' });
    const secret = await caller.message.send({ sessionId: s.id, content: 'my password is x' });
    await caller.message.send({ sessionId: s.id, content: 'what is the weather?' });
    await caller.message.delete({ id: secret.id });
    const doc = await services.db.sessions.findOne({ _id: new ObjectId(s.id) });
    if (!doc) throw new Error('no session');
    const context = await contextFor(services, config, doc, 3);
    expect(context).toEqual([{ role: 'user', content: 'what is the weather?' }]);
  });
});
