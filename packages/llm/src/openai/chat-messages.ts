import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ChatRequestMessage } from './request-types.js';

/** A message as chat templates expect it: content always a string. */
export interface TemplateMessage {
  role: string;
  content: string;
  name?: string;
  tool_call_id?: string;
  tool_calls?: object[];
}

const UNSUPPORTED_PARTS: Record<string, string> = {
  image_url: 'image input is not supported by Weft (text-only models)',
  input_audio: 'audio input is not supported by Weft',
  file: 'file input is not supported by Weft',
  refusal: 'refusal parts are only produced by OpenAI models',
};

/**
 * Flattens content parts to text (joined with "\n", as vLLM does) and rejects non-text parts by
 * name. `developer` becomes `system`: most chat templates know only the older role.
 */
export function toTemplateMessages(messages: readonly ChatRequestMessage[]): TemplateMessage[] {
  return messages.map((m, i) => {
    let content: string;
    if (typeof m.content === 'string') {
      content = m.content;
    } else if (Array.isArray(m.content)) {
      const texts: string[] = [];
      m.content.forEach((part, j) => {
        const at = `messages[${i}].content[${j}]`;
        if (part.type !== 'text') {
          const reason = UNSUPPORTED_PARTS[part.type];
          throw reason
            ? RequestError.invalid(
                `${at}.type`,
                `Unsupported content part: '${part.type}' is not supported by this server (${reason}); send text parts only.`,
                L.REQUEST_UNSUPPORTED_PARAMETER,
              )
            : RequestError.invalid(
                `${at}.type`,
                `Invalid value for '${at}.type': ${JSON.stringify(part.type)}; supported values are: "text".`,
              );
        }
        if (typeof part.text !== 'string') {
          throw RequestError.invalid(
            `${at}.text`,
            `Invalid type for '${at}.text': expected a string, but got ${part.text === undefined ? 'nothing' : typeof part.text}.`,
            L.REQUEST_INVALID_TYPE,
          );
        }
        texts.push(part.text);
      });
      content = texts.join('\n');
    } else {
      if (m.role !== 'assistant' || !m.tool_calls) {
        throw RequestError.invalid(
          `messages[${i}].content`,
          `Missing required parameter: 'messages[${i}].content' (only assistant messages with tool_calls may omit it).`,
          L.REQUEST_MISSING_PARAMETER,
        );
      }
      content = '';
    }
    const out: TemplateMessage = { role: m.role === 'developer' ? 'system' : m.role, content };
    if (typeof m.name === 'string') out.name = m.name;
    if (typeof m.tool_call_id === 'string') out.tool_call_id = m.tool_call_id;
    if (Array.isArray(m.tool_calls))
      out.tool_calls = m.tool_calls.map((call, j) => templateToolCall(call, i, j));
    return out;
  });
}

/**
 * Templates read `tool_call.function.arguments` as an object (Qwen and Llama write it with
 * `tojson`), while OpenAI sends JSON text: parse it, as vLLM does.
 */
function templateToolCall(
  call: NonNullable<ChatRequestMessage['tool_calls']>[number],
  i: number,
  j: number,
): object {
  const at = `messages[${i}].tool_calls[${j}].function.arguments`;
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments);
  } catch (error) {
    throw RequestError.invalid(at, `Invalid value for '${at}': not JSON text (${(error as Error).message}).`);
  }
  return { ...call, type: 'function', function: { name: call.function.name, arguments: args } };
}
