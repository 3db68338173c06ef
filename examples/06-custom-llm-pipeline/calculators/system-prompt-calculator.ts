import { defineCalculator } from '@weft/framework';
import { type GraphRequest, llmTypes } from '@weft/llm';

/**
 * Pre-processing before the request is validated and tokenized: gives every chat request the
 * operator's system prompt. `if_missing` keeps a client's own system message; `prepend` adds ours
 * before it; `replace` drops the client's system messages. Completions requests, and bodies that
 * are not a chat (the request calculator answers those with a 400), pass through untouched.
 *
 * Example config:
 * ```yaml
 * - calculator: SystemPromptCalculator
 *   input_stream: [REQUEST:request]
 *   output_stream: [REQUEST:with_system_prompt]
 *   options: { prompt: You are a terse assistant., mode: if_missing }
 * ```
 */
export const SystemPromptCalculator = defineCalculator({
  name: 'SystemPromptCalculator',
  description: 'Adds (or enforces) a system prompt on chat requests before validation and tokenization.',
  inputs: { REQUEST: { type: llmTypes.request, description: 'The request from the server.' } },
  outputs: { REQUEST: { type: llmTypes.request, description: 'The same request, with the system prompt.' } },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['prompt'],
    properties: {
      prompt: { type: 'string', minLength: 1, description: 'The system message content.' },
      mode: { type: 'string', enum: ['if_missing', 'prepend', 'replace'], default: 'if_missing' },
    },
  },
  timestampOffset: 0,
  create() {
    return {
      process(ctx) {
        const packet = ctx.input('REQUEST');
        if (packet === undefined) return;
        ctx.output('REQUEST').add(withSystemPrompt(packet.value, ctx.options.prompt, ctx.options.mode));
      },
    };
  },
});

function withSystemPrompt(
  request: GraphRequest,
  prompt: string,
  mode: 'if_missing' | 'prepend' | 'replace',
): GraphRequest {
  const body = request.body as { messages?: unknown };
  if (request.endpoint !== 'chat/completions') return request;
  if (!Array.isArray(body.messages)) return request;
  const isSystem = (m: unknown) =>
    typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'system';
  if (mode === 'if_missing' && body.messages.some(isSystem)) return request;
  const kept = mode === 'replace' ? body.messages.filter((m) => !isSystem(m)) : body.messages;
  // Packets are shared, never mutated: build a new body.
  return { ...request, body: { ...body, messages: [{ role: 'system', content: prompt }, ...kept] } };
}
