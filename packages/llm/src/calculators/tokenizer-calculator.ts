import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ModelInfo } from '../model/model-info.js';
import { ContextLengthExceededError } from '../runtime/runtime-errors.js';
import { completionBudget, firstOutOfRange } from '../runtime/token-limits.js';
import { errorPacketType } from '../serving/graph-protocol.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { type GenerationJob, llmTypes, type ValidatedRequest } from './llm-packets.js';
import { runRequestStage } from './request-stage.js';

const modelInfoType = t.named<ModelInfo>('LlmModelInfo');
const tokenizerType = t.named<Tokenizer>('LlmTokenizer');

/**
 * Tokenizes the prompts of a validated request and checks them against the model: ids inside the
 * model's vocabulary (the tokenizer may know more tokens than the model), `logit_bias` ids too,
 * and `prompt + max_tokens` within the context length (OpenAI's `context_length_exceeded`, with
 * the numbers). Without `max_tokens`, a chat request may use the rest of the context.
 *
 * Example config:
 * ```yaml
 * - calculator: TokenizerCalculator
 *   input_stream: [REQUEST:validated]
 *   input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info]
 *   output_stream: [JOB:job, ERROR:tokenize_error]
 * ```
 */
export const TokenizerCalculator = defineCalculator({
  name: 'TokenizerCalculator',
  description: describeCalculator(
    'Text prompts → token ids; checks ids against the vocabulary and prompt + max_tokens against the context (a refusal with the numbers).',
    `
- calculator: TokenizerCalculator
  input_stream: [REQUEST:validated]
  input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info]
  output_stream: [JOB:job, ERROR:tokenize_error]
`,
  ),
  inputs: { REQUEST: { type: llmTypes.validated, description: 'a validated request' } },
  outputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request, same timestamp' },
    ERROR: { type: errorPacketType, optional: true, description: 'an error packet for a refused request' },
  },
  inputSidePackets: { TOKENIZER: { type: tokenizerType }, MODEL_INFO: { type: modelInfoType } },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    return {
      async process(ctx) {
        const req = ctx.input('REQUEST')?.value;
        if (!req) return;
        await runRequestStage(
          {
            result: ctx.output('JOB'),
            error: ctx.outputCount('ERROR') > 0 ? ctx.output('ERROR') : undefined,
          },
          () => tokenize(req, ctx.sidePacket('TOKENIZER'), ctx.sidePacket('MODEL_INFO')),
        );
      },
    };
  },
});

async function tokenize(
  req: ValidatedRequest,
  tokenizer: Tokenizer,
  info: ModelInfo,
): Promise<GenerationJob> {
  const vocab = info.vocabSize;
  const context = info.contextLength;
  const params = req.options.params;
  const biased = [...params.logitBias.keys()];
  const badBias = firstOutOfRange(biased, vocab);
  if (badBias >= 0) {
    throw RequestError.invalid(
      'logit_bias',
      `Invalid value for 'logit_bias': token id ${biased[badBias]} is outside the model's vocabulary [0, ${vocab}).`,
    );
  }
  const promptIds: number[][] = [];
  const promptTexts: string[] = [];
  const maxTokens: number[] = [];
  // Responses requests name their own fields: the conversation is `input`, the limit `max_output_tokens`.
  const what = req.responses ? 'input' : req.endpoint === 'chat/completions' ? 'messages' : 'prompt';
  const maxParam = req.responses ? 'max_output_tokens' : 'max_tokens';
  for (const [p, prompt] of req.prompts.entries()) {
    const ids =
      'ids' in prompt
        ? [...prompt.ids]
        : await tokenizer.encode(prompt.text, { addSpecialTokens: req.addSpecialTokens });
    const param = req.prompts.length > 1 ? `prompt[${p}]` : what;
    if (ids.length === 0) {
      throw RequestError.invalid(
        param,
        `Invalid value for '${param}': the prompt is empty (0 tokens); give at least one token.`,
      );
    }
    const bad = firstOutOfRange(ids, vocab);
    if (bad >= 0) {
      throw RequestError.invalid(
        param,
        `Invalid value for '${param}': token id ${ids[bad]} at position ${bad} is outside the model's vocabulary [0, ${vocab}).`,
      );
    }
    let want: number;
    try {
      want = completionBudget(ids.length, context, params.maxTokens, 'refuse');
    } catch (err) {
      if (!(err instanceof ContextLengthExceededError)) throw err;
      // OpenAI's wording, with both shares of the total.
      throw new RequestError(
        L.CONTEXT_LENGTH_EXCEEDED,
        // A prompt that alone fills the context is the prompt's fault (OpenAI names `messages` /
        // `prompt`); one that fits but leaves too little room is the asked max_tokens'.
        ids.length >= context || params.maxTokens === undefined ? what : maxParam,
        `This model's maximum context length is ${context} tokens. However, you requested ${err.length} tokens (${err.promptTokens} in the ${what}, ${err.completionTokens} in the completion). Please reduce the length of the ${what} or completion.`,
      );
    }
    promptIds.push(ids);
    maxTokens.push(want);
    promptTexts.push('text' in prompt ? prompt.text : req.options.echo ? await tokenizer.decode(ids) : '');
  }
  const eos = new Set(info.eosTokenIds);
  if (tokenizer.eosTokenId !== undefined) eos.add(tokenizer.eosTokenId);
  return { ...req, promptIds, promptTexts, maxTokens, eosIds: [...eos] };
}
