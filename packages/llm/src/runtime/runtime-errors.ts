/**
 * Errors of the ONNX runtime layer (`ModelSession`, batched steps, `generate()`). Each has a stable
 * `code`; `runtimeErrorCodes` lists them for the package's error table and docs/errors.md.
 */
export class LlmRuntimeError extends Error {
  readonly code: string;
  /** HTTP status when the error reaches a client through the server. */
  readonly status: number;
  constructor(code: string, message: string, status = 500) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** The ONNX file is missing, corrupt or cannot be loaded by onnxruntime. */
export class ModelLoadError extends LlmRuntimeError {
  readonly file: string;
  constructor(file: string, detail: string) {
    super(
      'WEFT_ERR_MODEL_LOAD',
      `cannot load ONNX model "${file}": ${detail}. Check that the file is a complete ONNX export (re-download or rebuild it with \`weft model create\`).`,
    );
    this.file = file;
  }
}

/** The session's inputs/outputs do not form a decoder with a KV cache we understand. */
export class UnsupportedModelError extends LlmRuntimeError {
  constructor(file: string, detail: string) {
    super(
      'WEFT_ERR_UNSUPPORTED_MODEL',
      `"${file}" is not a decoder model Weft can run: ${detail}. Expected inputs input_ids, attention_mask, optional position_ids and past KV (past_key_values.N.key/.value or packed past_N), outputs logits and present KV.`,
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
    code: 'WEFT_ERR_MODEL_LOAD',
    status: 500,
    title: 'ONNX model cannot be loaded',
    description:
      'onnxruntime refused the ONNX file (missing, truncated, corrupt, or missing external data). The message names the file; rebuild or re-download it.',
  },
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
