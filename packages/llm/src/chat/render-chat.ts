import { Template } from '@huggingface/jinja';
import { ChatTemplateError } from '../errors/llm-errors.js';
import { type ChatMessage, TEXT_PART_SEPARATOR } from './chat-message.js';

export interface RenderChatOptions {
  /** Append the assistant header so the model answers next (default true). */
  addGenerationPrompt?: boolean;
  bosToken?: string;
  eosToken?: string;
  /** OpenAI `tools` definitions, passed to the template as `tools` when given. */
  tools?: readonly unknown[];
  /** More template variables (e.g. `enable_thinking`); they cannot replace the ones above. */
  extra?: Record<string, unknown>;
}

// Chat templates are long and the same few are rendered for every request: parse each once.
const cache = new Map<string, Template>();
const CACHE_LIMIT = 32;

function compile(source: string): Template {
  let template = cache.get(source);
  if (template === undefined) {
    try {
      template = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(`the chat template does not parse: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(source, template);
  }
  return template;
}

/**
 * Renders messages with a Hugging Face chat template (Jinja, via `@huggingface/jinja`).
 * Text-part content is flattened to a string; null content becomes the empty string.
 */
export function renderChat(
  template: string | undefined,
  messages: readonly ChatMessage[],
  options: RenderChatOptions = {},
): string {
  if (template === undefined || template === '') {
    throw new ChatTemplateError(
      'this model has no chat template (no chat_template.jinja, no "chat_template" in tokenizer_config.json); use the completions endpoint or add a template to the model directory',
    );
  }
  const compiled = compile(template);
  const flat = messages.map((m, i) => ({ ...m, content: flattenContent(m, i) }));
  const variables: Record<string, unknown> = {
    ...options.extra,
    messages: flat,
    add_generation_prompt: options.addGenerationPrompt ?? true,
    bos_token: options.bosToken ?? '',
    eos_token: options.eosToken ?? '',
  };
  if (options.tools !== undefined) variables.tools = options.tools;
  try {
    return compiled.render(variables);
  } catch (err) {
    throw new ChatTemplateError(`the chat template failed for these messages: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function flattenContent(message: ChatMessage, index: number): string {
  const { content } = message;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      if (part?.type !== 'text' || typeof part.text !== 'string') {
        throw new ChatTemplateError(
          `messages[${index}].content[${j}] has type ${JSON.stringify((part as { type?: unknown })?.type)}; only "text" parts are supported`,
        );
      }
      return part.text;
    })
    .join(TEXT_PART_SEPARATOR);
}
