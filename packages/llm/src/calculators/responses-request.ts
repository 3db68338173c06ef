import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ModelInfo } from '../model/model-info.js';
import { validateBody } from '../openai/body-validator.js';
import { requestOptions } from '../openai/request-params.js';
import type { ChatBody } from '../openai/request-types.js';
import { newResponsesId, type ResponsesEcho } from '../openai/responses-builders.js';
import { responsesMessages } from '../openai/responses-input.js';
import type { ResponsesBody } from '../openai/responses-schema.js';
import { refuseChatShapedTools, responsesStructuredOptions } from '../openai/responses-structured.js';
import { withStructuredOptions } from '../openai/structured-params.js';
import { expandInput } from '../responses-store/expand-input.js';
import type { ResponseStore } from '../responses-store/response-store.js';
import type { GraphRequest } from '../serving/graph-protocol.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ToolCallFormat } from '../tools/tool-types.js';
import { renderChatPrompt } from './chat-prompt.js';
import type { ValidatedRequest } from './llm-packets.js';

const unsupported = (param: string, why: string) =>
  RequestError.invalid(param, `Unsupported parameter: '${param}' ${why}`, L.REQUEST_UNSUPPORTED_PARAMETER);

/**
 * A Responses API body (`POST /responses`) as the LLM pipeline's request: the conversation rendered
 * with the chat template, `max_output_tokens` / `temperature` / `top_p` / `stream` as the sampling
 * options, `text.format`, `tools` and `tool_choice` as the same constraint and tool setup chat
 * completions build (responses-structured.ts), and what the response objects echo. With the graph's
 * response store (ResponseStoreCalculator), `previous_response_id` and `item_reference` items are
 * filled in from it (expand-input.ts) and the response is kept unless `store` is false; without
 * one, both are a 400 and every response says `"store": false`.
 */
export function validateResponsesRequest(
  request: GraphRequest,
  tokenizer: Tokenizer,
  info: ModelInfo,
  toolFormat: ToolCallFormat | undefined,
  store: ResponseStore | undefined,
): ValidatedRequest {
  refuseChatShapedTools(request.body);
  const body = validateBody('responses', request.body);
  if (body.truncation === 'auto') {
    throw unsupported(
      'truncation',
      '"auto" is not supported by this server; shorten the input (truncation "disabled").',
    );
  }
  if ((body.include ?? []).length > 0) {
    throw unsupported(
      'include',
      `${JSON.stringify(body.include)} is not supported by this server; remove it.`,
    );
  }
  const structured = responsesStructuredOptions(body, toolFormat);
  const input = expandInput(body, store);
  const messages = responsesMessages(body.instructions, input);
  const stored = store !== undefined && body.store !== false;
  const chat = {
    model: body.model,
    messages: [],
    max_tokens: body.max_output_tokens ?? null,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    stream: body.stream ?? null,
  } as unknown as ChatBody;
  const options = withStructuredOptions(requestOptions('chat/completions', chat), structured, tokenizer);
  return {
    id: newResponsesId(),
    endpoint: 'chat/completions',
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    prompts: [{ text: renderChatPrompt(messages, tokenizer, info, structured.tools?.tools) }],
    options,
    addSpecialTokens: false,
    responses: echoOf(body, stored),
    ...(stored && { storeInput: [...input.chain, ...input.items] }),
  };
}

// As OpenAI echoes them: function tools with every field (Responses functions are strict by default).
function echoOf(body: ResponsesBody, stored: boolean): ResponsesEcho {
  return {
    instructions: body.instructions ?? null,
    maxOutputTokens: body.max_output_tokens ?? null,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    metadata: body.metadata ?? {},
    user: body.user ?? null,
    textFormat: body.text?.format ?? { type: 'text' },
    toolChoice: body.tool_choice ?? 'auto',
    tools: (body.tools ?? []).map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description ?? null,
      parameters: t.parameters ?? null,
      strict: t.strict ?? true,
    })),
    parallelToolCalls: body.parallel_tool_calls ?? true,
    truncation: body.truncation ?? 'disabled',
    store: stored,
    previousResponseId: body.previous_response_id ?? null,
  };
}
