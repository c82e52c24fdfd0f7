// Off unless configured: without ASSISTANT_BASE_URL nothing answers and the reply
// procedures say there is no assistant; a half configuration is refused at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

describe('assistant configuration', () => {
  let services: Services;
  beforeAll(async () => {
    services = await testServices();
  });
  afterAll(async () => {
    await closeServices(services);
  });

  it('a base URL needs a model, and must be http(s)', () => {
    expect(() =>
      loadConfig({ JWT_SECRET: 'x'.repeat(40), ASSISTANT_BASE_URL: 'http://127.0.0.1:11434/v1' }),
    ).toThrow(/ASSISTANT_MODEL: required/);
    expect(() =>
      loadConfig({
        JWT_SECRET: 'x'.repeat(40),
        ASSISTANT_BASE_URL: 'ftp://x',
        ASSISTANT_MODEL: 'm',
      }),
    ).toThrow(ConfigError);
    const config = loadConfig({
      JWT_SECRET: 'x'.repeat(40),
      ASSISTANT_BASE_URL: 'http://127.0.0.1:11434/v1',
      ASSISTANT_MODEL: 'llama3.2',
    });
    expect(config.assistant).toMatchObject({
      model: 'llama3.2',
      maxContextMessages: 40,
      idleTimeoutMs: 60_000,
    });
  });

  it('unset, a message gets no reply and the reply procedures say so', async () => {
    expect(services.config.assistant).toBeNull();
    const { caller } = await newUser(services);
    const session = await caller.session.create({ title: 'plain' });
    await caller.message.send({ sessionId: session.id, content: 'hello' });
    expect(await caller.message.assistant({ sessionId: session.id })).toEqual({
      available: false,
      on: false,
      model: null,
    });
    await expect(caller.message.regenerate({ sessionId: session.id })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const page = await caller.message.list({ sessionId: session.id });
    expect(page.items.map((m) => [m.role, 'status' in m])).toEqual([['user', false]]);
  });
});
