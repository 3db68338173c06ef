import { t } from '@weft/framework';
import type { RequestOptions } from '../openai/request-params.js';
import type { Endpoint } from '../openai/request-types.js';
import type { FinishReason, LogprobEntry } from '../openai/response-types.js';
import type { ResponsesEcho } from '../openai/responses-builders.js';
import type { ResponsesInputItem } from '../openai/responses-schema.js';
import type { RawLogprobs } from '../sampling/logprobs.js';
import type { SampledToken } from '../sampling/request-sampler.js';
import type { TokenBitmask } from '../sampling/token-mask.js';
import { graphRequestType, responsePacketType } from '../serving/graph-protocol.js';
import type { ToolCallDelta } from '../tools/tool-types.js';

/** A prompt before tokenization: text, or token ids given by the client. */
export type PromptInput = { readonly text: string } | { readonly ids: readonly number[] };

/** A validated request (OpenAiRequestCalculator → TokenizerCalculator). */
export interface ValidatedRequest {
  readonly id: string;
  readonly endpoint: Endpoint;
  readonly model: string;
  readonly created: number;
  readonly prompts: readonly PromptInput[];
  readonly options: RequestOptions;
  /** Completions add the tokenizer's BOS/EOS template; chat prompts carry their own. */
  readonly addSpecialTokens: boolean;
  /** Set for a Responses API request: answered as Responses objects and events (what they echo). */
  readonly responses?: ResponsesEcho;
  /** A Responses request to keep in the response store: its expanded input (stored with the answer). */
  readonly storeInput?: readonly ResponsesInputItem[];
}

/** A tokenized request: what the executor, sampler, detokenizer and response share. */
export interface GenerationJob extends ValidatedRequest {
  readonly promptIds: readonly (readonly number[])[];
  /** Prompt texts (decoded when the client sent ids), for `echo`. */
  readonly promptTexts: readonly string[];
  /** Effective max new tokens per prompt (request value, clamped to the context). */
  readonly maxTokens: readonly number[];
  readonly eosIds: readonly number[];
}

/** One engine step of one prompt's group: `rows × vocab` logits, row i being candidate `slots[i]`. */
export interface GroupLogits {
  readonly prompt: number;
  readonly logits: Float32Array;
  readonly rows: number;
  readonly slots: readonly number[];
}

/**
 * One engine step of a one-row group the engine sampled (the executor's `sampling: engine`): the
 * token its worker drew for candidate `slots[0]`, with the request's own sampling parameters.
 */
export interface GroupSampled {
  readonly prompt: number;
  readonly sampled: SampledToken;
  /** Cumulative raw logprob of the candidate so far (tracked when logprobs are asked). */
  readonly cumLogprob: number;
  readonly rows: 1;
  readonly slots: readonly number[];
}

/** Executor → sampler, one per step: logits to sample, or tokens the engine already sampled. */
export interface StepLogits {
  readonly vocab: number;
  readonly groups: readonly (GroupLogits | GroupSampled)[];
}

export interface SampledRow {
  readonly prompt: number;
  /** Row within the prompt's group this step. */
  readonly row: number;
  readonly slot: number;
  readonly token: number;
  readonly logprobs: RawLogprobs | undefined;
  readonly finish: FinishReason | undefined;
  /** Cumulative raw logprob of the slot so far (ranks best_of candidates). */
  readonly cumLogprob: number;
}

/** A finished beam, ready to be detokenized as choice `index`. */
export interface FinishedBeam {
  readonly index: number;
  readonly tokens: readonly number[];
  readonly logprobs: readonly RawLogprobs[] | undefined;
  readonly finish: FinishReason;
}

/** Sampler → detokenizer, one per step. */
export interface StepSamples {
  /** Sampling mode: one token per live row. */
  readonly rows: readonly SampledRow[];
  /** Beam mode: next tokens and parent rows per prompt still searching. */
  readonly beams: readonly {
    readonly prompt: number;
    readonly tokens: readonly number[];
    readonly parents: readonly number[];
  }[];
  /** Beam mode: prompts whose search ended this step, with their best beams. */
  readonly beamResults: readonly FinishedBeam[];
  readonly beamPromptsDone: readonly number[];
}

/** Constraint → sampler, one per step: the allowed next tokens of each constrained slot. */
export interface StepMasks {
  readonly masks: ReadonlyMap<number, TokenBitmask>;
}

/** Detokenizer → executor (back edge), one per step: what to append to each group. */
export interface StepFeedback {
  readonly groups: readonly {
    readonly prompt: number;
    /** Empty: the group is finished. */
    readonly tokens: readonly number[];
    readonly parents: readonly number[];
    readonly slots: readonly number[];
  }[];
}

/** New text of one choice. */
export interface ChoiceDelta {
  readonly index: number;
  /** Generated tokens behind this text (those held back earlier included; EOS too). */
  readonly tokens: number;
  readonly text: string;
  readonly logprobs: readonly LogprobEntry[];
  readonly finishReason: FinishReason | undefined;
  /** Tool calls parsed out of the text (ToolCallParserCalculator). */
  readonly toolCalls?: readonly ToolCallDelta[];
}

/** Detokenizer → response, one per step. `completionTokens` is set on the last one. */
export interface TextDeltas {
  readonly deltas: readonly ChoiceDelta[];
  readonly completionTokens: number | undefined;
}

export const llmTypes = {
  request: graphRequestType,
  response: responsePacketType,
  validated: t.named<ValidatedRequest>('LlmValidatedRequest'),
  job: t.named<GenerationJob>('LlmGenerationJob'),
  logits: t.named<StepLogits>('LlmStepLogits'),
  samples: t.named<StepSamples>('LlmStepSamples'),
  feedback: t.named<StepFeedback>('LlmStepFeedback'),
  deltas: t.named<TextDeltas>('LlmTextDeltas'),
  masks: t.named<StepMasks>('LlmStepMasks'),
} as const;
