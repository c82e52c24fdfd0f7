// What the model is asked with: the system prompt, then this session's messages
// before the reply, newest first until the count or the characters run out (a
// stand-in for the model's token limit). Read from the session's own buckets by _id.
import { readMessages } from '../chat/messages';
import type { AssistantConfig } from '../config/env';
import type { SessionDoc } from '../db/documents';
import type { Services } from '../services';
import type { ContextMessage } from './model';

export async function contextFor(
  services: Services,
  config: AssistantConfig,
  session: SessionDoc,
  beforeSeq: number,
): Promise<ContextMessage[]> {
  const to = beforeSeq - 1;
  const from = Math.max(1, to - config.maxContextMessages + 1);
  const read = to < 1 ? [] : (await readMessages(services, session, () => [from, to])).entries;
  const picked: ContextMessage[] = [];
  let chars = config.systemPrompt?.length ?? 0;
  for (let i = read.length - 1; i >= 0; i--) {
    const e = read[i];
    // A deleted message keeps its entry (its seq) but is no longer said: never send it.
    if (!e?.content.trim() || e.role === 'system' || e.deleted === true) continue;
    // A failed or cut-off reply is not what the assistant said: leave out its partial text.
    if (e.role === 'assistant' && e.status && e.status !== 'done' && e.status !== 'stopped')
      continue;
    let content = e.content;
    if (chars + content.length > config.maxContextChars) {
      if (picked.length > 0) break;
      // The newest message alone is too long: its end is what the reply answers.
      content = content.slice(content.length - Math.max(0, config.maxContextChars - chars));
    }
    chars += content.length;
    picked.push({ role: e.role, content });
  }
  picked.reverse();
  return config.systemPrompt
    ? [{ role: 'system', content: config.systemPrompt }, ...picked]
    : picked;
}
