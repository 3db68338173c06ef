import { L } from '../errors/llm-error-codes.js';
import { LlmError } from '../errors/llm-errors.js';

/**
 * Errors of the ONNX runtime layer (`ModelSession`, batched steps, `generate()`) and the engine.
 * Each has a stable `code` listed in `llmErrorCodes`. A corrupt or missing ONNX file is the model
 * package's `ModelOnnxError` / `ModelDirError`.
 */
export class LlmRuntimeError extends LlmError {}

/** The session's inputs/outputs do not form a decoder with a KV cache we understand. */
export class UnsupportedModelError extends LlmRuntimeError {
  constructor(file: string, detail: string) {
    super(
      L.UNSUPPORTED_MODEL,
      `"${file}" is not a decoder model Weft can run: ${detail}. Expected inputs input_ids, attention_mask, optional position_ids, use_cache_branch and num_logits_to_keep, and past KV (past_key_values.N.key/.value or packed past_N), outputs logits and present KV.`,
    );
  }
}

/** A token id outside `[0, vocabSize)`. */
export class TokenIdOutOfRangeError extends LlmRuntimeError {
  readonly tokenId: number;
  readonly vocabSize: number;
  constructor(tokenId: number, index: number, vocabSize: number) {
    super(
      L.TOKEN_ID_OUT_OF_RANGE,
      `token id ${tokenId} at position ${index} is outside the model's vocabulary [0, ${vocabSize}); the tokenizer knows more tokens than the model, so use text (or ids) the model was trained on.`,
    );
    this.tokenId = tokenId;
    this.vocabSize = vocabSize;
  }
}

/** A sequence (prompt, or prompt + generated tokens) would not fit in the model's context. */
export class ContextLengthExceededError extends LlmRuntimeError {
  readonly length: number;
  readonly contextLength: number;
  /** The prompt's share of `length`, when the check was about a prompt. */
  readonly promptTokens: number | undefined;
  /** The new tokens' share of `length`, when the check was about a prompt plus new tokens. */
  readonly completionTokens: number | undefined;
  constructor(
    length: number,
    contextLength: number,
    what = 'sequence',
    parts: { promptTokens?: number; completionTokens?: number } = {},
  ) {
    super(
      L.CONTEXT_LENGTH_EXCEEDED,
      `${what} of ${length} tokens exceeds the model's context length of ${contextLength} tokens (positions must stay below ${contextLength}); shorten the prompt or lower max_tokens.`,
    );
    this.length = length;
    this.contextLength = contextLength;
    this.promptTokens = parts.promptTokens;
    this.completionTokens = parts.completionTokens;
  }
}

/** Bad arguments to `generate()` or the batch API (empty prompt, wrong token count, ...). */
export class InvalidGenerateArgumentError extends LlmRuntimeError {
  constructor(message: string) {
    super(L.INVALID_GENERATE_ARGUMENT, message);
  }
}
