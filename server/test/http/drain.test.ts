import { connect } from 'node:net';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness';
import { mutate } from '../support/http';

describe('a graceful stop', () => {
  it('finishes the request in flight and turns away the next one on the same connection', async () => {
    const parley = await startTestServer({ BCRYPT_COST: '12' });
    await mutate(parley.url, 'auth.register', { username: 'drainer', password: 'drain password' });
    const body = JSON.stringify(
      superjson.serialize({ username: 'drainer', password: 'drain password' }),
    );
    const login =
      'POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const health = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

    const socket = connect(parley.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += d.toString();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Stop once the login is hashing (not after a fixed pause), so a slow machine cannot
    // make the stop come before the server has even read the login.
    const { passwords } = parley.services;
    const verify = passwords.verify.bind(passwords);
    const hashing = new Promise<void>((resolve) => {
      passwords.verify = (...args: Parameters<typeof verify>) => {
        resolve();
        return verify(...args);
      };
    });
    socket.write(login);
    await hashing;
    const stopped = parley.stop();
    socket.write(health); // the next request on the same kept-alive connection, mid-stop
    await stopped;
    await closed;

    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '503']);
    expect(received).toMatch(/"accessToken"/);
    expect(received).toMatch(/Parley is restarting; retry shortly\./);
  });
});
