/** Base class of the errors of this package: each carries a stable `WEFT_ERR_...` code. */
export class LlmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model directory (or a file every model needs) is missing. */
export class ModelDirError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super('WEFT_ERR_MODEL_DIR', message);
  }
}

/** A config file is unreadable or lacks a required key. */
export class ModelConfigError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super('WEFT_ERR_MODEL_CONFIG', message, options);
  }
}

/** The requested ONNX variant (`dtype`) is not in the directory. */
export class ModelDtypeError extends LlmError {
  constructor(message: string) {
    super('WEFT_ERR_MODEL_DTYPE', message);
  }
}

/** An ONNX file is corrupt or cannot be opened by onnxruntime. */
export class ModelOnnxError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super('WEFT_ERR_MODEL_ONNX', message, options);
  }
}

/** `tokenizer.json` / `tokenizer_config.json` cannot be loaded. */
export class TokenizerLoadError extends LlmError {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super('WEFT_ERR_TOKENIZER_LOAD', message, options);
  }
}

/** The chat template is missing, does not parse, or fails while rendering. */
export class ChatTemplateError extends LlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEFT_ERR_CHAT_TEMPLATE', message, options);
  }
}

/** The tiny-model builder was given bad options or a bad target. */
export class ModelBuildError extends LlmError {
  constructor(message: string) {
    super('WEFT_ERR_MODEL_BUILD', message);
  }
}
