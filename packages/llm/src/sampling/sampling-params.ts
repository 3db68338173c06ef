/**
 * Normalised sampling parameters of one request (all defaults applied). Built from an OpenAI body
 * by `openai/request-params.ts`; read by the sampler, the executor and the detokenizer.
 */
export interface SamplingParams {
  /** Choices returned per prompt. */
  readonly n: number;
  /** Candidates generated per prompt (≥ n); with `beam` this is the beam width. */
  readonly bestOf: number;
  readonly beam: boolean;
  /** Beam score = cumulative logprob / generatedLength ** lengthPenalty. */
  readonly lengthPenalty: number;
  /** 0 means greedy. */
  readonly temperature: number;
  readonly topP: number;
  /** 0 means off. */
  readonly topK: number;
  readonly minP: number;
  /** undefined: a fresh random seed per request. */
  readonly seed: number | undefined;
  readonly presencePenalty: number;
  readonly frequencyPenalty: number;
  /** 1 means off. */
  readonly repetitionPenalty: number;
  /** Token id → bias added to its logit. */
  readonly logitBias: ReadonlyMap<number, number>;
  readonly minTokens: number;
  readonly ignoreEos: boolean;
  /** undefined: up to the context length. */
  readonly maxTokens: number | undefined;
  readonly stop: readonly string[];
  readonly includeStopStrInOutput: boolean;
  readonly skipSpecialTokens: boolean;
  /** undefined: no logprobs; otherwise how many alternatives per token (0 = the chosen token only). */
  readonly logprobs: number | undefined;
}

export const DEFAULT_SAMPLING_PARAMS: SamplingParams = {
  n: 1,
  bestOf: 1,
  beam: false,
  lengthPenalty: 1,
  temperature: 1,
  topP: 1,
  topK: 0,
  minP: 0,
  seed: undefined,
  presencePenalty: 0,
  frequencyPenalty: 0,
  repetitionPenalty: 1,
  logitBias: new Map(),
  minTokens: 0,
  ignoreEos: false,
  maxTokens: undefined,
  stop: [],
  includeStopStrInOutput: false,
  skipSpecialTokens: true,
  logprobs: undefined,
};
