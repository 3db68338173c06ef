import { renderChat } from '../chat/render-chat.js';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ModelInfo } from '../model/model-info.js';
import type { TemplateMessage } from '../openai/chat-messages.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ToolDef } from '../tools/tool-types.js';

/**
 * Renders chat messages into the prompt text with the model's chat template (generation prompt
 * added). A model without a template, or a template that rejects the messages, is a request error
 * on `messages` quoting the template's error.
 */
export function renderChatPrompt(
  messages: readonly TemplateMessage[],
  tokenizer: Tokenizer,
  info: ModelInfo,
  tools?: readonly ToolDef[],
): string {
  try {
    return renderChat(info.chatTemplate ?? tokenizer.chatTemplate, messages, {
      // Templates expect OpenAI's shape: [{type: "function", function: {name, description, parameters}}].
      ...(tools && { tools: tools.map((t) => ({ type: 'function', function: t })) }),
      addGenerationPrompt: true,
      bosToken: tokenizer.bosToken ?? '',
      eosToken: tokenizer.eosToken ?? '',
    });
  } catch (error) {
    throw new RequestError(
      L.CHAT_TEMPLATE,
      'messages',
      `Invalid value for 'messages': ${(error as Error).message}.`,
    );
  }
}
