// Assistant replies over SSE: 100 views of one session (message.onReply), the time
// from a token leaving a stand-in model (in the load process, with the views) to
// reaching every view; beside it, a plain message's fan-out to 100 message.onNew views.
import { type Parley, startParley } from '../src/app';
import type { Bench } from './context';
import { createSessions, registerUser } from './fixtures';
import { agentFor, send } from './http';
import { deliveryRounds } from './live';
import { fmt } from './report';
import { summarise } from './stats';
import { trpcMutation, trpcSubscription } from './trpcRequests';

export async function measureReplies(b: Bench): Promise<void> {
  const views = 100;
  const tokens = b.full ? 300 : 100;
  const plainRounds = b.full ? 20 : 10;
  const { baseUrl } = await b.load.run<{ baseUrl: string }>({ kind: 'modelStart' });
  const base = b.stack.parley.services.config;
  // A second Parley on the same database, with the model configured and room for 200 streams of one user.
  const parley: Parley = await startParley({
    ...base,
    port: 0,
    live: { ...base.live, streamsPerUser: 1_000 },
    assistant: {
      baseUrl,
      model: 'bench',
      apiKey: undefined,
      systemPrompt: undefined,
      maxContextMessages: 40,
      maxContextChars: 24_000,
      maxConcurrent: 4,
      queue: 100,
      repliesPerMinute: 100,
      idleTimeoutMs: 60_000,
      saveEveryMs: 1_000,
      instance: 'bench',
    },
  });
  try {
    const url = parley.url;
    const { token } = await registerUser(url, 'bench_replies');
    const [replySession = '', plainSession = ''] = await createSessions(url, token, 2);
    await send(
      url,
      trpcMutation('session.setAssistant', { id: plainSession, on: false }, token),
      agentFor(1),
    );

    const connectViews = (path: string, sessionId: string) =>
      b.load.run({
        kind: 'liveConnect',
        base: url,
        subscribe: trpcSubscription(path, { sessionId }, token),
        subscribers: views,
      });
    b.progress(`plain messages: ${views} message.onNew views, ${plainRounds} messages…`);
    await connectViews('message.onNew', plainSession);
    const plainRun = await deliveryRounds(b, url, plainSession, token, plainRounds, 'plain');
    await b.load.run({ kind: 'liveClose' });

    b.progress(`reply tokens: ${views} message.onReply views, ${tokens} tokens…`);
    await connectViews('message.onReply', replySession);
    const reply = await b.load.run<{ latencies: number[]; missed: number }>({
      kind: 'replyRound',
      base: url,
      send: trpcMutation('message.send', { sessionId: replySession, content: 'go' }, token),
      tokens,
      timeoutMs: 10_000,
    });
    await b.load.run({ kind: 'liveClose' });

    const p = summarise(plainRun.latencies, plainRun.missed, 1);
    const t = summarise(reply.latencies, reply.missed, 1);
    b.progress(
      `plain p50 ${p.p50Ms} ms p99 ${p.p99Ms} ms; token p50 ${t.p50Ms} ms p99 ${t.p99Ms} ms`,
    );
    b.raw.replies = { views, tokens, plainRounds, plain: p, token: t };
    b.rows.push(
      {
        what: `assistant: a streamed token from the model to ${views} views (message.onReply), p50 / p99, ${tokens} tokens (missed ${reply.missed})`,
        parley: `${fmt(t.p50Ms, ' ms')} / ${fmt(t.p99Ms, ' ms')}`,
        baseline: '—',
        ratio: '—',
        target: 'p99 < 250 ms',
      },
      {
        what: `assistant: beside it, a plain message sent to the same ${views} views (message.onNew), p50 / p99, ${plainRounds} messages (missed ${plainRun.missed})`,
        parley: `${fmt(p.p50Ms, ' ms')} / ${fmt(p.p99Ms, ' ms')}`,
        baseline: '—',
        ratio: '—',
        target: 'p99 < 250 ms',
      },
    );
  } finally {
    await parley.stop();
  }
}
