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
      content = partsText(m.content, ['text'], UNSUPPORTED_PARTS, `messages[${i}].content`);
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

function templateToolCall(
  call: NonNullable<ChatRequestMessage['tool_calls']>[number],
  i: number,
  j: number,
): object {
  const args = templateArguments(
    call.function.arguments,
    `messages[${i}].tool_calls[${j}].function.arguments`,
  );
  return { ...call, type: 'function', function: { name: call.function.name, arguments: args } };
}

/**
 * Templates read `tool_call.function.arguments` as an object (Qwen and Llama write it with
 * `tojson`), while OpenAI sends JSON text: parse it, as vLLM does. `at` names the field in errors.
 */
export function templateArguments(text: string, at: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw RequestError.invalid(at, `Invalid value for '${at}': not JSON text (${(error as Error).message}).`);
  }
}

/**
 * Text parts joined by newlines (as vLLM joins them); any other part is refused by name
 * (`messages[0].content[1].type`), with the reason when `unsupported` knows the type.
 */
export function partsText(
  parts: readonly { type: string; text?: unknown }[],
  allowed: readonly string[],
  unsupported: Readonly<Record<string, string>>,
  at: string,
): string {
  return parts
    .map((part, j) => {
      const where = `${at}[${j}]`;
      if (!allowed.includes(part.type)) {
        const reason = unsupported[part.type];
        throw reason
          ? RequestError.invalid(
              `${where}.type`,
              `Unsupported content part: '${part.type}' is not supported by this server (${reason}); send text parts only.`,
              L.REQUEST_UNSUPPORTED_PARAMETER,
            )
          : RequestError.invalid(
              `${where}.type`,
              `Invalid value for '${where}.type': ${JSON.stringify(part.type)}; supported values are: ${allowed.map((a) => `"${a}"`).join(', ')}.`,
            );
      }
      return requiredText(part.text, `${where}.text`);
    })
    .join('\n');
}

/** A field that must be a string: missing and mistyped values are refused by `param`. */
export function requiredText(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  throw RequestError.invalid(
    param,
    value === undefined
      ? `Missing required parameter: '${param}'.`
      : `Invalid type for '${param}': expected a string, but got ${Array.isArray(value) ? 'an array' : typeof value}.`,
    value === undefined ? L.REQUEST_MISSING_PARAMETER : L.REQUEST_INVALID_TYPE,
  );
}
