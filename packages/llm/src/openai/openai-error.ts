/** The `error` object of an OpenAI error response. */
export interface OpenAiErrorObject {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

/** The body of an OpenAI error response: `{error: {message, type, param, code}}`. */
export interface OpenAiErrorBody {
  readonly error: OpenAiErrorObject;
}

/**
 * An error that becomes an OpenAI-shaped HTTP error. `param` names the request field at fault
 * (`messages[0].content`), `code` is OpenAI's short code (`invalid_type`, `invalid_value`, ...).
 */
export class OpenAiError extends Error {
  override readonly name = 'OpenAiError';
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = status === 429
      ? 'rate_limit_error'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error',
  ) {
    super(message);
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** A 400 for a request field. */
  static invalid(param: string | null, message: string, code = 'invalid_value'): OpenAiError {
    return new OpenAiError(400, message, param, code);
  }
}
