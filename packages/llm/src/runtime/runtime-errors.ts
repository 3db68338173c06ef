import { LlmError } from '../errors/llm-errors.js';

/**
 * Errors of the ONNX runtime layer (`ModelSession`, batched steps, `generate()`) and the engine.
 * Each has a stable `code` (listed in `llmErrorCodes`) and the HTTP `status` the server should use.
 * A corrupt or missing ONNX file is the model package's `ModelOnnxError` / `ModelDirError`.
 */
export class LlmRuntimeError extends LlmError {
  /** HTTP status when the error reaches a client through the server. */
  readonly status: number;
  constructor(code: string, message: string, status = 500) {
    super(code, message);
    this.status = status;
  }
}

/** The session's inputs/outputs do not form a decoder with a KV cache we understand. */
export class UnsupportedModelError extends LlmRuntimeError {
  constructor(file: string, detail: string) {
    super(
      'WEFT_ERR_UNSUPPORTED_MODEL',
      `"${file}" is not a decoder model Weft can run: ${detail}. Expected inputs input_ids, attention_mask, optional position_ids and use_cache_branch, and past KV (past_key_values.N.key/.value or packed past_N), outputs logits and present KV.`,
    );
  }
}

/** A token id outside `[0, vocabSize)`. */
export class TokenIdOutOfRangeError extends LlmRuntimeError {
  readonly tokenId: number;
  readonly vocabSize: number;
  constructor(tokenId: number, index: number, vocabSize: number) {
    super(
      'WEFT_ERR_TOKEN_ID_OUT_OF_RANGE',
      `token id ${tokenId} at position ${index} is outside the model's vocabulary [0, ${vocabSize}); the tokenizer knows more tokens than the model, so use text (or ids) the model was trained on.`,
      400,
    );
    this.tokenId = tokenId;
    this.vocabSize = vocabSize;
  }
}

/** A sequence (prompt, or prompt + generated tokens) would not fit in the model's context. */
export class ContextLengthExceededError extends LlmRuntimeError {
  readonly length: number;
  readonly contextLength: number;
  constructor(length: number, contextLength: number, what = 'sequence') {
    super(
      'WEFT_ERR_CONTEXT_LENGTH_EXCEEDED',
      `${what} of ${length} tokens exceeds the model's context length of ${contextLength} tokens (positions must stay below ${contextLength}); shorten the prompt or lower max_tokens.`,
      400,
    );
    this.length = length;
    this.contextLength = contextLength;
  }
}

/** Bad arguments to `generate()` or the batch API (empty prompt, wrong token count, ...). */
export class InvalidGenerateArgumentError extends LlmRuntimeError {
  constructor(message: string) {
    super('WEFT_ERR_INVALID_GENERATE_ARGUMENT', message, 400);
  }
}

/** Entries for the llm package's error-code table (shape of the framework's `ErrorCodeEntry`). */
export const runtimeErrorCodes = [
  {
    code: 'WEFT_ERR_UNSUPPORTED_MODEL',
    status: 500,
    title: 'Not a KV-cache decoder',
    description:
      "The ONNX session's inputs/outputs lack input_ids, attention_mask, logits or a matching past/present KV pair. Export the model with past key values (Optimum `--task text-generation-with-past`).",
  },
  {
    code: 'WEFT_ERR_TOKEN_ID_OUT_OF_RANGE',
    status: 400,
    title: 'Token id outside the vocabulary',
    description:
      "A prompt or appended token id is negative or reaches the model's vocab size (the tokenizer may know more tokens than the model). Send ids below the vocab size.",
  },
  {
    code: 'WEFT_ERR_CONTEXT_LENGTH_EXCEEDED',
    status: 400,
    title: 'Context length exceeded',
    description:
      "The prompt, or prompt plus generated tokens, needs positions at or beyond the model's context length. Shorten the prompt or lower max_tokens.",
  },
  {
    code: 'WEFT_ERR_INVALID_GENERATE_ARGUMENT',
    status: 400,
    title: 'Invalid generate argument',
    description:
      'generate() or the batch API got an empty prompt, a wrong number of tokens for the rows, or an out-of-range option. The message names the argument.',
  },
] as const;
