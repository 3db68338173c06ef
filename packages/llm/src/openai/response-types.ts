/** One alternative token with its log-probability. */
export interface TokenLogprob {
  readonly token: number;
  /** The token's text (special tokens by name; partial UTF-8 as U+FFFD). */
  readonly text: string;
  /** The token's raw UTF-8 bytes. */
  readonly bytes: readonly number[];
  readonly logprob: number;
}

/** Log-probability of a chosen token and the most likely alternatives (sorted, best first). */
export interface LogprobEntry extends TokenLogprob {
  readonly top: readonly TokenLogprob[];
}

/**
 * OpenAI's `finish_reason`: `stop` (EOS or a stop string) and `length` come from generation;
 * `tool_calls` when the answer called tools (`tool_choice` auto or required; a named choice stays
 * `stop`, as OpenAI and vLLM do); `content_filter` is for calculators that cut a choice short.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A whole tool call of a non-streaming answer. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What every response object and chunk of one request shares. */
export interface ResponseMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export interface CompletionsLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Record<string, number>[];
  text_offset: number[];
}

export interface ChatLogprobs {
  content: {
    token: string;
    logprob: number;
    bytes: number[];
    top_logprobs: { token: string; logprob: number; bytes: number[] }[];
  }[];
}
