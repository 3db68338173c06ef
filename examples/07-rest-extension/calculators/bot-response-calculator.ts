import { randomUUID } from 'node:crypto';
import { defineCalculator, t } from '@weft/framework';
import type { ResponsePacket } from '@weft/llm';
import { type BotRequest, countWords, parsedRequestType, responsePacketType } from './bot-types.js';

/**
 * Turns a reply into the response packets of the graph protocol, so `weft serve` cannot tell this
 * graph from a language model: `head`, then not streamed one `chunk` with an OpenAI completion,
 * streamed one chunk per word (a role delta first for chat, a usage chunk last when
 * `stream_options.include_usage` is set), then `usage` (words) and `end`; a refused request, its
 * error packet alone.
 *
 * Example config:
 * ```yaml
 * - calculator: BotResponseCalculator
 *   input_stream: [PARSED:parsed, REPLY:reply]
 *   output_stream: RESPONSE:response
 * ```
 */
export const BotResponseCalculator = defineCalculator({
  name: 'BotResponseCalculator',
  description:
    'Builds OpenAI responses (JSON or stream chunks) for a reply, or the error packet of a refusal.',
  inputs: {
    PARSED: { type: parsedRequestType, description: 'The request from ParseBotRequestCalculator.' },
    REPLY: { type: t.string(), description: 'The reply; absent for a refused request.' },
  },
  outputs: {
    RESPONSE: { type: responsePacketType, description: 'Response packets, at increasing timestamps.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    return {
      process(ctx) {
        const parsed = ctx.input('PARSED')?.value;
        if (parsed === undefined) return;
        const out = ctx.output('RESPONSE');
        if (!parsed.ok) {
          out.add(parsed.error);
          return;
        }
        const reply = ctx.input('REPLY')?.value;
        if (reply === undefined) throw new Error('the request was accepted but no reply arrived on REPLY');
        const counts = usage(parsed, reply);
        const packets: ResponsePacket[] = [
          { kind: 'head', stream: parsed.stream },
          ...(parsed.stream
            ? streamChunks(parsed, reply)
            : [
                { kind: 'chunk' as const, data: completion(parsed, reply), tokens: counts.completion_tokens },
              ]),
          { kind: 'usage', promptTokens: counts.prompt_tokens, completionTokens: counts.completion_tokens },
          { kind: 'end' },
        ];
        packets.forEach((packet, i) => {
          out.add(packet, ctx.inputTimestamp + i);
        });
      },
    };
  },
});

function header(request: BotRequest, streamed: boolean) {
  const chat = request.endpoint === 'chat/completions';
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`;
  const object = chat ? (streamed ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
  return {
    id,
    object,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: 'rule-bot',
  };
}

function usage(request: BotRequest, reply: string) {
  const prompt_tokens = countWords(request.prompt);
  const completion_tokens = countWords(reply);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function completion(request: BotRequest, reply: string) {
  const choice =
    request.endpoint === 'chat/completions'
      ? { index: 0, message: { role: 'assistant', content: reply }, logprobs: null, finish_reason: 'stop' }
      : { index: 0, text: reply, logprobs: null, finish_reason: 'stop' };
  return { ...header(request, false), choices: [choice], usage: usage(request, reply) };
}

function streamChunks(request: BotRequest, reply: string): ResponsePacket[] {
  const head = header(request, true); // one id for every chunk of a stream, as OpenAI does
  const chat = request.endpoint === 'chat/completions';
  const choice = (piece: string | undefined, finish: string | null) =>
    chat
      ? {
          index: 0,
          delta: piece === undefined ? {} : { content: piece },
          logprobs: null,
          finish_reason: finish,
        }
      : { index: 0, text: piece ?? '', logprobs: null, finish_reason: finish };
  const chunks: ResponsePacket[] = [];
  const send = (data: unknown, tokens = 0) => chunks.push({ kind: 'chunk', data, tokens });
  if (chat)
    send({
      ...head,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
  // Each word carries the spaces before it, so the pieces concatenate back to the reply.
  for (const word of reply.match(/\s*\S+/g) ?? []) send({ ...head, choices: [choice(word, null)] }, 1);
  send({ ...head, choices: [choice(undefined, 'stop')] });
  if (request.includeUsage) send({ ...head, choices: [], usage: usage(request, reply) });
  return chunks;
}
