import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ModelInfo } from '../model/model-info.js';
import { validateBody } from '../openai/body-validator.js';
import { toTemplateMessages } from '../openai/chat-messages.js';
import { type RequestOptions, requestOptions } from '../openai/request-params.js';
import type { ChatBody, CompletionsBody } from '../openai/request-types.js';
import { newResponseId } from '../openai/response-builders.js';
import {
  chatStructuredOptions,
  checkConstraintConflicts,
  responseFormatConstraint,
  withStructuredOptions,
} from '../openai/structured-params.js';
import type { ResponseStore } from '../responses-store/response-store.js';
import { errorPacketType, type GraphRequest } from '../serving/graph-protocol.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { detectToolFormat } from '../tools/tool-formats.js';
import { TOOL_CALL_FORMATS, type ToolCallFormat } from '../tools/tool-types.js';
import { renderChatPrompt } from './chat-prompt.js';
import { llmTypes, type PromptInput, type ValidatedRequest } from './llm-packets.js';
import { checkRequestLimits, type RequestLimits, requestLimitOptions } from './request-limits.js';
import { runRequestStage } from './request-stage.js';
import { responseStoreType } from './response-store-calculator.js';
import { validateResponsesRequest } from './responses-request.js';

/**
 * HTTP ingress of the LLM graph: validates an OpenAI `completions`, `chat/completions` or
 * `responses` body (Responses input items become chat messages; see responses-request.ts)
 * (schemas compiled once, no coercion; unsupported OpenAI fields rejected by name, unknown fields
 * too), applies the cross-field rules, and renders chat messages with the model's chat template.
 * An invalid request becomes one error packet on ERROR; `model` comes from the GraphRequest, checked
 * by the server (which picked this graph by it).
 *
 * Example config:
 * ```yaml
 * - calculator: OpenAiRequestCalculator
 *   input_stream: [REQUEST:request]
 *   input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info, RESPONSE_STORE:response_store]
 *   output_stream: [REQUEST:validated, ERROR:request_error]
 * ```
 */
export const OpenAiRequestCalculator = defineCalculator({
  name: 'OpenAiRequestCalculator',
  description: describeCalculator(
    'Validates an OpenAI completions / chat completions request and renders chat messages with the chat template; invalid requests become an error packet.',
    `
- calculator: OpenAiRequestCalculator
  input_stream: [REQUEST:request]
  input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info, RESPONSE_STORE:response_store]
  output_stream: [REQUEST:validated, ERROR:request_error]
`,
  ),
  inputs: {
    REQUEST: {
      type: llmTypes.request,
      description: 'the GraphRequest {endpoint, model, body} at timestamp 0',
    },
  },
  outputs: {
    REQUEST: { type: llmTypes.validated, description: 'the validated request with its prompts' },
    ERROR: { type: errorPacketType, optional: true, description: 'an error packet for a refused request' },
  },
  inputSidePackets: {
    TOKENIZER: { type: t.named<Tokenizer>('LlmTokenizer') },
    MODEL_INFO: { type: t.named<ModelInfo>('LlmModelInfo') },
    RESPONSE_STORE: {
      type: responseStoreType,
      optional: true,
      description: 'stored responses for previous_response_id and item_reference (ResponseStoreCalculator)',
    },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...requestLimitOptions,
      tool_parser: {
        enum: ['auto', ...TOOL_CALL_FORMATS],
        default: 'auto',
        description:
          'Tool-call format of the model: auto (read from the chat template), hermes, llama3_json or mistral.',
      },
    },
  },
  create() {
    return {
      async process(ctx) {
        const request = ctx.input('REQUEST')?.value;
        if (!request) return;
        const o = ctx.options;
        const limits: RequestLimits = {
          maxPrompts: o.max_prompts,
          maxRequestTokens: o.max_request_tokens,
          maxPromptChars: o.max_prompt_chars,
        };
        const info = ctx.sidePacket('MODEL_INFO');
        const tokenizer = ctx.sidePacket('TOKENIZER');
        const store = ctx.hasSidePacket('RESPONSE_STORE') ? ctx.sidePacket('RESPONSE_STORE') : undefined;
        const option = ctx.options.tool_parser;
        const format =
          option === 'auto' ? detectToolFormat(info.chatTemplate ?? tokenizer.chatTemplate) : option;
        await runRequestStage(
          {
            result: ctx.output('REQUEST'),
            error: ctx.outputCount('ERROR') > 0 ? ctx.output('ERROR') : undefined,
          },
          () => validate(request, tokenizer, info, format, limits, store),
        );
      },
    };
  },
});

function validate(
  request: GraphRequest,
  tokenizer: Tokenizer,
  info: ModelInfo,
  format: ToolCallFormat | undefined,
  limits: RequestLimits,
  store: ResponseStore | undefined,
): ValidatedRequest {
  const endpoint = request.endpoint;
  if (endpoint === 'responses') return validateResponsesRequest(request, tokenizer, info, format, store);
  if (endpoint !== 'completions' && endpoint !== 'chat/completions') {
    throw new RequestError(
      L.REQUEST_UNKNOWN_ENDPOINT,
      null,
      `Unknown endpoint ${JSON.stringify(endpoint)}; this graph serves "completions", "chat/completions" and "responses".`,
    );
  }
  const body = validateBody(endpoint, request.body);
  let options: RequestOptions = requestOptions(endpoint, body);
  let prompts: PromptInput[];
  if (endpoint === 'completions') {
    const prompt = (body as CompletionsBody).prompt;
    if (typeof prompt === 'string') prompts = [{ text: prompt }];
    else if (prompt.every((p) => typeof p === 'string'))
      prompts = (prompt as string[]).map((text) => ({ text }));
    else if (prompt.every((p) => typeof p === 'number')) prompts = [{ ids: prompt as number[] }];
    else prompts = (prompt as number[][]).map((ids) => ({ ids }));
    const constraint = responseFormatConstraint(body.response_format, 'response_format');
    options = withStructuredOptions(options, { constraint, tools: undefined }, tokenizer);
  } else {
    const chat = body as ChatBody;
    const structured = chatStructuredOptions(chat, format);
    const messages = toTemplateMessages(chat.messages);
    prompts = [{ text: renderChatPrompt(messages, tokenizer, info, structured.tools?.tools) }];
    options = withStructuredOptions(options, structured, tokenizer);
  }
  checkRequestLimits(prompts, options, limits, {
    tokenizer,
    info,
    what: endpoint === 'completions' ? 'prompt' : 'messages',
  });
  checkConstraintConflicts(body, options.constraint !== undefined);
  return {
    id: newResponseId(endpoint),
    endpoint,
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    prompts,
    options,
    addSpecialTokens: endpoint === 'completions',
  };
}
