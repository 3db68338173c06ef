import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ExpandedInput } from '../responses-store/expand-input.js';
import { partsText, type TemplateMessage, templateArguments, requiredText as text } from './chat-messages.js';
import type { ResponsesInputItem } from './responses-schema.js';

const ROLES = ['user', 'system', 'developer', 'assistant'] as const;

const UNSUPPORTED_PARTS: Record<string, string> = {
  input_image: 'image input is not supported by Weft (text-only models)',
  input_file: 'file input is not supported by Weft',
  input_audio: 'audio input is not supported by Weft',
  refusal: 'refusal parts are only produced by OpenAI models',
};

const UNSUPPORTED_ITEMS: Record<string, string> = {
  reasoning: 'reasoning items are only produced by OpenAI reasoning models',
  file_search_call: 'built-in tools are not available on this server',
  web_search_call: 'built-in tools are not available on this server',
  computer_call: 'built-in tools are not available on this server',
  computer_call_output: 'built-in tools are not available on this server',
};

/**
 * The conversation of a Responses request as chat-template messages: `instructions` first (as a
 * system message), then the stored chain of `previous_response_id`, then `input` (expand-input.ts
 * made a string one user message and resolved `item_reference`s). Items: messages (`user`,
 * `system`, `developer` → system, `assistant`) with text or `input_text`/`output_text` parts,
 * `function_call` (an assistant message with `tool_calls`) and `function_call_output` (a `tool`
 * message). Anything else is refused by name with its `param` (`input[2].content[0].type`).
 */
export function responsesMessages(
  instructions: string | null | undefined,
  input: ExpandedInput,
): TemplateMessage[] {
  const messages: TemplateMessage[] = [];
  if (typeof instructions === 'string' && instructions !== '') {
    messages.push({ role: 'system', content: instructions });
  }
  for (const item of input.chain) messages.push(toMessage(item, 'previous_response_id'));
  input.items.forEach((item, i) => {
    messages.push(toMessage(item, `input[${i}]`));
  });
  return messages;
}

function toMessage(item: ResponsesInputItem, at: string): TemplateMessage {
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message':
      return message(item, at);
    case 'function_call':
      return {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: text(item.call_id, `${at}.call_id`),
            type: 'function',
            function: {
              name: text(item.name, `${at}.name`),
              arguments: templateArguments(text(item.arguments, `${at}.arguments`), `${at}.arguments`),
            },
          },
        ],
      };
    case 'function_call_output':
      return {
        role: 'tool',
        tool_call_id: text(item.call_id, `${at}.call_id`),
        content: Array.isArray(item.output)
          ? partsText(item.output, ['input_text'], UNSUPPORTED_PARTS, `${at}.output`)
          : text(item.output, `${at}.output`),
      };
    case undefined:
      throw RequestError.invalid(
        `${at}.type`,
        `Missing required parameter: '${at}.type' (or '${at}.role' for a message).`,
        L.REQUEST_MISSING_PARAMETER,
      );
    default: {
      const reason = UNSUPPORTED_ITEMS[type];
      throw reason
        ? RequestError.invalid(
            `${at}.type`,
            `Unsupported input item: '${type}' is not supported by this server (${reason}).`,
            L.REQUEST_UNSUPPORTED_PARAMETER,
          )
        : RequestError.invalid(
            `${at}.type`,
            `Invalid value for '${at}.type': ${JSON.stringify(type)}; supported values are: "message", "function_call", "function_call_output".`,
          );
    }
  }
}

function message(item: ResponsesInputItem, at: string): TemplateMessage {
  const role = item.role;
  if (!(ROLES as readonly (string | undefined)[]).includes(role)) {
    throw RequestError.invalid(
      `${at}.role`,
      role === undefined
        ? `Missing required parameter: '${at}.role'.`
        : `Invalid value for '${at}.role': ${JSON.stringify(role)}; supported values are: ${ROLES.map((r) => `"${r}"`).join(', ')}.`,
      role === undefined ? L.REQUEST_MISSING_PARAMETER : L.REQUEST_INVALID_VALUE,
    );
  }
  const content = item.content;
  let flat: string;
  if (typeof content === 'string') flat = content;
  else if (Array.isArray(content)) {
    flat = partsText(
      content,
      role === 'assistant' ? ['output_text', 'input_text'] : ['input_text'],
      UNSUPPORTED_PARTS,
      `${at}.content`,
    );
  } else {
    throw RequestError.invalid(
      `${at}.content`,
      `Missing required parameter: '${at}.content'.`,
      L.REQUEST_MISSING_PARAMETER,
    );
  }
  return { role: role === 'developer' ? 'system' : role!, content: flat };
}
