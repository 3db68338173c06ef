import { defineCalculator, t } from '@weft/framework';
import { type ParsedRequest, parsedRequestType, requestPacketType } from './bot-types.js';

/**
 * Reads one request packet (`{endpoint, model, body}`, the graph protocol) and extracts what a
 * rule bot needs: the text to match (the prompt, or the last user message of a chat) and how to
 * answer (streamed or not, with usage or not). A request it cannot answer becomes a refusal on
 * `PARSED` (the responder turns it into a 400) and nothing on `PROMPT`, so the rules never run.
 * Sampling parameters (`temperature`, `seed`...) are accepted and ignored: the bot is deterministic.
 *
 * Example config:
 * ```yaml
 * - calculator: ParseBotRequestCalculator
 *   input_stream: REQUEST:request
 *   output_stream: [PARSED:parsed, PROMPT:prompt]
 * ```
 */
export const ParseBotRequestCalculator = defineCalculator({
  name: 'ParseBotRequestCalculator',
  description: 'Parses an OpenAI request packet into the text a rule bot matches and how to answer.',
  inputs: { REQUEST: { type: requestPacketType, description: '`{endpoint, model, body}` from the server.' } },
  outputs: {
    PARSED: { type: parsedRequestType, description: 'The understood request, or a refusal.' },
    PROMPT: { type: t.string(), description: 'Text to match; absent when the request was refused.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    return {
      process(ctx) {
        const packet = ctx.input('REQUEST');
        if (packet === undefined) return;
        const { endpoint, model, body } = packet.value;
        const parsed = parseRequest(endpoint, model, body);
        ctx.output('PARSED').add(parsed);
        if (parsed.ok) ctx.output('PROMPT').add(parsed.prompt);
      },
    };
  },
});

// The code `@weft/llm`'s request calculator uses for the same case: the server answers it with a 400.
function refuse(param: string | null, message: string): ParsedRequest {
  return { ok: false, error: { kind: 'error', code: 'WEFT_ERR_REQUEST_INVALID_VALUE', message, param } };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseRequest(
  endpoint: string,
  model: string,
  body: Readonly<Record<string, unknown>>,
): ParsedRequest {
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return refuse('stream', `"stream" must be a boolean, got ${JSON.stringify(body.stream)}`);
  }
  const options = body.stream_options;
  if (options !== undefined && options !== null) {
    if (
      !isObject(options) ||
      (options.include_usage !== undefined && typeof options.include_usage !== 'boolean')
    ) {
      return refuse('stream_options', '"stream_options" must be an object like {"include_usage": true}');
    }
  }
  const common = {
    ok: true as const,
    model,
    stream: body.stream === true,
    includeUsage: isObject(options) && options.include_usage === true,
  };
  if (endpoint === 'completions') {
    if (typeof body.prompt !== 'string') return refuse('prompt', '"prompt" must be a string');
    return { ...common, endpoint, prompt: body.prompt };
  }
  if (endpoint === 'chat/completions') {
    const prompt = lastUserMessage(body.messages);
    if (typeof prompt !== 'string') return refuse('messages', prompt.problem);
    return { ...common, endpoint, prompt };
  }
  return refuse(null, `endpoint "${endpoint}" is not supported; use "completions" or "chat/completions"`);
}

function lastUserMessage(messages: unknown): string | { problem: string } {
  if (!Array.isArray(messages) || messages.length === 0) {
    return { problem: '"messages" must be a non-empty array of {"role", "content"} objects' };
  }
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isObject(m) || typeof m.role !== 'string') {
      return { problem: `"messages[${i}]" must be an object with a string "role"` };
    }
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    // OpenAI also allows content as a list of parts; a rule bot reads only the text parts.
    if (Array.isArray(m.content)) {
      return m.content
        .filter(
          (p): p is { type: 'text'; text: string } =>
            isObject(p) && p.type === 'text' && typeof p.text === 'string',
        )
        .map((p) => p.text)
        .join('\n');
    }
    return { problem: `"messages[${i}].content" must be a string or a list of text parts` };
  }
  return { problem: '"messages" has no message with role "user"; the bot answers the last user message' };
}
