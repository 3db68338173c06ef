import { WeftError } from '@weft/framework';
import { L, type LlmErrorCode } from './llm-error-codes.js';

/** Base class of the errors of this package: each carries a stable code of `llmErrorCodes`. */
export class LlmError extends WeftError<LlmErrorCode> {}

/**
 * A request the LLM graph refuses: `param` names the request field at fault (`messages[0].content`,
 * or null for the body as a whole). The server turns it into the client's HTTP error.
 */
export class RequestError extends LlmError {
  constructor(
    code: LlmErrorCode,
    readonly param: string | null,
    message: string,
  ) {
    super(code, message);
  }

  /** A parameter with a bad value (`code` defaults to `WEFT_ERR_REQUEST_INVALID_VALUE`). */
  static invalid(param: string | null, message: string, code: LlmErrorCode = L.REQUEST_INVALID_VALUE) {
    return new RequestError(code, param, message);
  }
}

/** A model directory (or a file every model needs) is missing. */
export class ModelDirError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(L.MODEL_DIR, message);
  }
}

/** A config file is unreadable or lacks a required key. */
export class ModelConfigError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(L.MODEL_CONFIG, message, options);
  }
}

/** The requested ONNX variant (`dtype`) is not in the directory. */
export class ModelDtypeError extends LlmError {
  constructor(message: string) {
    super(L.MODEL_DTYPE, message);
  }
}

/** An ONNX file is corrupt or cannot be opened by onnxruntime. */
export class ModelOnnxError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(L.MODEL_ONNX, message, options);
  }
}

/** `tokenizer.json` / `tokenizer_config.json` cannot be loaded. */
export class TokenizerLoadError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(L.TOKENIZER_LOAD, message, options);
  }
}

/** The chat template is missing, does not parse, or fails while rendering. */
export class ChatTemplateError extends LlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(L.CHAT_TEMPLATE, message, options);
  }
}

/** The tiny-model builder was given bad options or a bad target. */
export class ModelBuildError extends LlmError {
  constructor(message: string) {
    super(L.MODEL_BUILD, message);
  }
}

/** `weft model optimize` cannot rewrite the model (no LM head found, already optimized, ...). */
export class ModelOptimizeError extends LlmError {
  constructor(message: string) {
    super(L.MODEL_OPTIMIZE, message);
  }
}
