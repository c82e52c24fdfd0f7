// Redis pub/sub bus: every process publishes to Redis and hears everyone's events
// (its own included) through one subscriber connection. Payloads travel as superjson.
import { Redis } from 'ioredis';
import superjson from 'superjson';
import { log } from '../log';
import { type EventBus, type Listener, LocalFanout } from './bus';

export class RedisBus implements EventBus {
  private readonly fanout = new LocalFanout();
  private readonly pub: Redis;
  private readonly sub: Redis;

  private constructor(url: string) {
    const opts = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 };
    this.pub = new Redis(url, opts);
    this.sub = new Redis(url, opts);
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', (e: Error) => log.warn('redis error', { error: e.message }));
    }
    this.sub.on('message', (channel: string, text: string) => {
      let payload: unknown;
      try {
        payload = superjson.parse(text);
      } catch {
        return;
      }
      this.fanout.deliver(channel, payload);
    });
  }

  static async connect(url: string): Promise<RedisBus> {
    const bus = new RedisBus(url);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    return bus;
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    await this.pub.publish(channel, superjson.stringify(payload));
  }

  async subscribe(channel: string, listener: Listener): Promise<() => void> {
    const { first, remove } = this.fanout.add(channel, listener);
    if (first) await this.sub.subscribe(channel);
    return () => {
      if (remove()) void this.sub.unsubscribe(channel).catch(() => {});
    };
  }

  listenerCount(): number {
    return this.fanout.count();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
