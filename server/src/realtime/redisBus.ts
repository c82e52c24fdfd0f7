// Redis pub/sub bus: every process publishes to Redis and hears everyone's events
// (its own included) through one subscriber connection. Channels carry a prefix
// (REDIS_PREFIX) so deployments sharing a Redis never cross; payloads travel as superjson.
import { Redis } from 'ioredis';
import superjson from 'superjson';
import { log } from '../log';
import { type EventBus, type Listener, LocalFanout } from './bus';

export class RedisBus implements EventBus {
  readonly crossProcess = true;
  private readonly fanout = new LocalFanout();
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** Per channel: settles once Redis has acknowledged SUBSCRIBE. Every subscriber waits for it. */
  private readonly live = new Map<string, Promise<unknown>>();
  private readyOnce = false;

  private constructor(
    url: string,
    private readonly prefix: string,
  ) {
    const opts = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 };
    // Named so `CLIENT LIST` shows whose connections these are.
    this.pub = new Redis(url, { ...opts, connectionName: `${prefix}pub` });
    this.sub = new Redis(url, { ...opts, connectionName: `${prefix}sub` });
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', (e: Error) => log.warn('redis error', { error: e.message }));
    }
    this.sub.on('message', (channel: string, text: string) => {
      if (!channel.startsWith(this.prefix)) return;
      let payload: unknown;
      try {
        payload = superjson.parse(text);
      } catch {
        return;
      }
      this.fanout.deliver(channel.slice(this.prefix.length), payload);
    });
    // ioredis resubscribes after a reconnect; events published meanwhile are lost, so streams re-read.
    this.sub.on('ready', () => {
      if (this.readyOnce) this.fanout.resyncAll();
      this.readyOnce = true;
    });
  }

  static async connect(url: string, prefix = 'parley:'): Promise<RedisBus> {
    const bus = new RedisBus(url, prefix);
    try {
      await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    } catch (e) {
      bus.pub.disconnect();
      bus.sub.disconnect();
      throw e;
    }
    return bus;
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    await this.pub.publish(this.prefix + channel, superjson.stringify(payload));
  }

  async subscribe(channel: string, listener: Listener): Promise<() => void> {
    const { first, remove } = this.fanout.add(channel, listener);
    if (first) this.live.set(channel, this.sub.subscribe(this.prefix + channel));
    const release = () => {
      if (!remove()) return;
      this.live.delete(channel);
      void this.sub.unsubscribe(this.prefix + channel).catch(() => {});
    };
    try {
      // A later subscriber to the same channel also waits: "subscribed" must mean "hearing".
      await this.live.get(channel);
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }

  listenerCount(): number {
    return this.fanout.count();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
