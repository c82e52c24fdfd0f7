// Every request's database work is `_id` lookups and writes: FerretDB v1 reads
// the whole collection for any other filter, so one filter that is more than
// `{ _id }` makes a request cost what the whole database holds. Each command the
// request path sends is recorded through the driver's command monitoring.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandStartedEvent, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDoc } from '../../src/db/documents';
import { exportAccount } from '../../src/portability/exportAccount';
import { exportSession } from '../../src/portability/exportSession';
import { importFile } from '../../src/portability/importFile';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { callerFor } from '../support/harness';
import { monitoredServices } from '../support/monitored';

let services: Services;
let client: MongoClient;
let commands: CommandStartedEvent[];

beforeAll(async () => {
  ({ services, client, commands } = await monitoredServices());
});
afterAll(() => client.close());

/** The filters a command reads or writes by; a scan-only command is itself a finding. */
function filtersOf(e: CommandStartedEvent): unknown[] {
  const c = e.command as Record<string, unknown>;
  switch (e.commandName) {
    case 'find':
      return [c.filter ?? {}, ...(c.sort ? [{ sort: c.sort }] : [])];
    case 'update':
      return (c.updates as Array<{ q: unknown }>).map((u) => u.q);
    case 'delete':
      return (c.deletes as Array<{ q: unknown }>).map((d) => d.q);
    case 'findAndModify':
      return [c.query];
    case 'count':
    case 'aggregate':
    case 'distinct':
      return [{ [e.commandName]: c[e.commandName] }];
    default:
      return [];
  }
}

function isIdOnly(filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const id = (filter as { _id: unknown })._id;
  return typeof id === 'string' || id instanceof ObjectId;
}

/** Runs `work` and answers every command it sent whose filter is more than `{ _id }`. */
async function scansOf(work: () => Promise<unknown>): Promise<string[]> {
  commands.length = 0;
  await work();
  return commands.flatMap((e) =>
    filtersOf(e)
      .filter((f) => !isIdOnly(f))
      .map((f) => `${e.commandName} ${String(e.command[e.commandName])}: ${JSON.stringify(f)}`),
  );
}

describe('the request path on the embedded database', () => {
  it('uses only _id lookups and writes, from sign-up to a resumed live stream and a search', async () => {
    const anonymous = callerFor(services, null, { clientAddress: '10.0.0.1' });
    const credentials = { username: 'flat_user', password: 'flat-path-password' };
    const seen: Record<string, string[]> = {};
    const check = async (name: string, work: () => Promise<unknown>) => {
      seen[name] = await scansOf(work);
    };

    let refreshToken = '';
    let accessToken = '';
    await check('auth.register', async () => {
      const r = await anonymous.auth.register({ ...credentials, refreshTransport: 'body' });
      accessToken = r.accessToken;
    });
    await check('auth.login', async () => {
      const r = await anonymous.auth.login({ ...credentials, refreshTransport: 'body' });
      refreshToken = r.refreshToken ?? '';
    });
    await check('auth.refresh', async () => {
      const r = await anonymous.auth.refresh({ refreshToken });
      refreshToken = r.refreshToken ?? '';
    });
    const caller = callerFor(services, null, { accessToken });
    await check('auth.me', () => caller.auth.me());

    const ids: string[] = [];
    await check('session.create', async () => {
      for (let i = 0; i < 3; i++) ids.push((await caller.session.create({ title: `c${i}` })).id);
    });
    const [first = '', second = ''] = ids;
    await check('message.send', () => caller.message.send({ sessionId: first, content: 'one' }));
    const clientId = '7b7f0b46-51d7-4c2e-9a4a-7f2f0a0b6c11';
    await check('message.send with a clientId, twice', async () => {
      await caller.message.send({ sessionId: first, content: 'two', clientId });
      await caller.message.send({ sessionId: first, content: 'two', clientId });
    });
    const untitled = await caller.session.create();
    await check('message.send that titles its chat', () =>
      caller.message.send({ sessionId: untitled.id, content: '# A first message' }),
    );
    const sent = await caller.message.send({ sessionId: first, content: 'to change' });
    await check('message.edit', () => caller.message.edit({ id: sent.id, content: 'changed' }));
    await check('message.delete', () => caller.message.delete({ id: sent.id }));
    await check('message.restore', () => caller.message.restore({ id: sent.id }));
    await caller.message.edit({ id: sent.id, content: 'missed while away' });
    await check('message.onChange resume after a missed edit', async () => {
      const stream = await caller.message.onChange({ sessionId: first, lastEventId: '3:3' });
      for await (const _ of stream) break; // the missed edit; break ends the stream
    });
    for (let i = 0; i < 60; i++) await caller.message.send({ sessionId: second, content: `m${i}` });
    let cursor: string | null = null;
    await check('message.list', async () => {
      cursor = (await caller.message.list({ sessionId: second })).nextCursor;
    });
    await check('message.list with a cursor', () =>
      caller.message.list({ sessionId: second, cursor }),
    );
    let newerCursor: string | null = null;
    await check('message.list around a seq', async () => {
      newerCursor = (await caller.message.list({ sessionId: second, aroundSeq: 5, limit: 10 }))
        .prevCursor;
    });
    await check('message.list with a newer cursor', () =>
      caller.message.list({ sessionId: second, cursor: newerCursor }),
    );
    await check('search.query, first load', async () => {
      expect((await caller.search.query({ q: 'm1' })).items.length).toBeGreaterThan(0);
    });
    await caller.message.send({ sessionId: second, content: 'caught up later' });
    await check('search.query, catching up', async () => {
      expect((await caller.search.query({ q: 'caught' })).items).toHaveLength(1);
    });
    let sessionCursor: string | null = null;
    await check('session.list', async () => {
      sessionCursor = (await caller.session.list({ limit: 2 })).nextCursor;
    });
    await check('session.list with a cursor', () =>
      caller.session.list({ limit: 2, cursor: sessionCursor }),
    );
    await check('session.get', () => caller.session.get({ id: first }));
    await check('session.rename', () => caller.session.rename({ id: first, title: 'Renamed' }));
    await check('session.delete', () => caller.session.delete({ id: ids[2] ?? '' }));
    await check('session.list of the trash', () => caller.session.list({ deleted: true }));
    await check('session.restore', () => caller.session.restore({ id: ids[2] ?? '' }));

    let folderId = '';
    await check('folder.create', async () => {
      folderId = (await caller.folder.create({ name: 'Flat' })).id;
    });
    await check('folder.rename', () => caller.folder.rename({ id: folderId, name: 'Flatter' }));
    await check('folder.list', () => caller.folder.list());
    await check('session.update', () =>
      caller.session.update({ id: second, pinned: true, archived: false, folderId }),
    );
    await check('session.bulk', () =>
      caller.session.bulk({ ids: [first, second], action: 'move', folderId }),
    );
    await check('session.list of a folder, pinned first', async () => {
      const page = await caller.session.list({ folderId, limit: 1 });
      await caller.session.list({ folderId, limit: 1, cursor: page.nextCursor });
    });
    await check('session.list of the archive', () => caller.session.list({ view: 'archived' }));
    const me = await caller.auth.me();
    const user = (await services.db.users.findOne({ _id: new ObjectId(me.id) })) as UserDoc;
    await check('export of one chat', async () => {
      const file = await exportSession(services, user, second, 'markdown');
      for await (const _ of file.chunks);
    });
    let exported = '';
    await check('export of the account', async () => {
      for await (const chunk of exportAccount(services, user)) exported += chunk;
    });
    const dir = await mkdtemp(join(tmpdir(), 'parley-flat-'));
    const path = join(dir, 'export.ndjson');
    await writeFile(path, exported);
    const file = {
      path,
      bytes: Buffer.byteLength(exported),
      bomBytes: 0,
      format: 'parley' as const,
    };
    const other = callerFor(services, null, {
      accessToken: (
        await anonymous.auth.register({
          username: 'flat_importer',
          password: 'flat-path-password',
          refreshTransport: 'none',
        })
      ).accessToken,
    });
    const importer = (await services.db.users.findOne({
      _id: new ObjectId((await other.auth.me()).id),
    })) as UserDoc;
    await check('import of an account export, with its folders', async () => {
      const report = await importFile(services, importer, file, async () => {});
      expect(report).toMatchObject({ folders: 1, errors: [] });
    });
    await check('the same import again', async () => {
      const report = await importFile(services, importer, file, async () => {});
      expect(report).toMatchObject({ sessions: 0, errors: [] });
    });
    await rm(dir, { recursive: true, force: true });
    await check('folder.delete', () => caller.folder.delete({ id: folderId }));
    await check('session.purge', async () => {
      const doomed = await caller.session.create({ title: 'doomed' });
      for (let i = 0; i < 3; i++) {
        await caller.message.send({
          sessionId: doomed.id,
          content: `m${i}`,
          clientId: `7b7f0b46-51d7-4c2e-9a4a-7f2f0a0b6c2${i}`,
        });
      }
      await caller.session.delete({ id: doomed.id });
      await caller.session.purge({ id: doomed.id });
    });
    // The background half, on its own: nothing of the purge above may scan either.
    await check('the background purge', () => services.purges.idle());
    await check('the background purge, resumed after a restart', async () => {
      const doomed = await caller.session.create({ title: 'resumed' });
      await caller.message.send({ sessionId: doomed.id, content: 'bye', clientId });
      await caller.session.delete({ id: doomed.id });
      await services.purges.close();
      await caller.session.purge({ id: doomed.id });
      await services.db.purges.updateOne(
        { _id: `lease:${doomed.id}` },
        { $set: { until: new Date(0) } },
      );
      const restarted = createServices(services.config, services.db, new InProcessBus());
      await restarted.purges.resume();
      await restarted.purges.idle();
    });
    services = createServices(services.config, services.db, services.bus);
    const again = callerFor(services, null, { accessToken });
    await check('session.emptyTrash, and its background purge', async () => {
      const doomed = await again.session.create({ title: 'doomed too' });
      await again.message.send({ sessionId: doomed.id, content: 'bye' });
      await again.session.delete({ id: doomed.id });
      await again.session.emptyTrash();
      await services.purges.idle();
    });
    await check('folder.onChange', async () => {
      const stream = await caller.folder.onChange({});
      for await (const _ of stream) break; // the first list; break ends the stream
    });
    await check('folder.onChange with sessions, resumed', async () => {
      const stream = await caller.folder.onChange({ sessions: true, lastEventId: `1:${first}` });
      let n = 0;
      for await (const _ of stream) if (++n === 2) break; // the list, then the catch-up's first
    });

    const before = await caller.session.get({ id: first });
    const resumeFrom = `${before.updatedAt.getTime()}:${before.id}`;
    await caller.session.rename({ id: second, title: 'Later' });
    await check('session.onChange resume', async () => {
      const stream = await caller.session.onChange({ lastEventId: resumeFrom });
      for await (const _ of stream) break; // the catch-up's first event; break ends the stream
    });
    await check('auth.logout', () => anonymous.auth.logout({ refreshToken }));

    const scanning = Object.fromEntries(Object.entries(seen).filter(([, s]) => s.length > 0));
    expect(scanning).toEqual({});
    expect(Object.keys(seen)).toHaveLength(45);
  });
});
