import type { OpenAiErrorBody } from '@weft/llm';
import type { ServerErrorCode } from './server-error-codes.js';

/** The OpenAI error object (@weft/llm's type), the only error shape the API ever answers with. */
export type { OpenAiErrorBody };

export interface HttpErrorOptions {
  readonly status: number;
  /** Stable `WEFT_ERR_SERVER_...` code (logged; documented in docs/errors.md). */
  readonly weftCode: ServerErrorCode;
  /** OpenAI `type`, e.g. `invalid_request_error`. */
  readonly type: string;
  /** OpenAI `code`, e.g. `model_not_found`. */
  readonly code: string | null;
  readonly param?: string | null;
  /** Extra response headers (`Retry-After`...). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error that maps to one HTTP response with an OpenAI error body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly weftCode: ServerErrorCode;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, options: HttpErrorOptions) {
    super(message);
    this.status = options.status;
    this.weftCode = options.weftCode;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The message carries the stable Weft code at the end, so users can look it up in docs/errors.md. */
  toBody(): OpenAiErrorBody {
    const message = `${this.message} (${this.weftCode})`;
    return { error: { message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Builders for the errors the server raises itself, so each status/type/code pairing lives in one place. */
export const httpErrors = {
  invalidJson: (detail: string) =>
    new HttpError(
      `could not parse the request body as JSON (${detail}); send a JSON object such as {"model": "tiny-llama", "prompt": "Hello"}`,
      {
        status: 400,
        weftCode: 'WEFT_ERR_SERVER_INVALID_JSON',
        type: 'invalid_request_error',
        code: 'invalid_json',
      },
    ),
  unsupportedMediaType: (contentType: string | undefined) =>
    new HttpError(
      `Content-Type ${contentType === undefined ? 'is missing' : `"${contentType}" is not supported`}; send the body as "application/json"`,
      {
        status: 415,
        weftCode: 'WEFT_ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
      },
    ),
  bodyTooLarge: (limit: string) =>
    new HttpError(`request body is larger than the limit of ${limit}; send a smaller prompt`, {
      status: 413,
      weftCode: 'WEFT_ERR_SERVER_BODY_TOO_LARGE',
      type: 'invalid_request_error',
      code: 'request_too_large',
    }),
  /** `code`: `missing_model`, `invalid_type` or `invalid_value` (the LLM graph's codes for the same cases). */
  invalidParameter: (param: string, message: string, code = 'invalid_value') =>
    new HttpError(message, {
      status: 400,
      weftCode: 'WEFT_ERR_SERVER_INVALID_PARAMETER',
      type: 'invalid_request_error',
      code,
      param,
    }),
  modelNotFound: (model: string, served: readonly string[]) =>
    new HttpError(
      `The model "${model}" does not exist; served models: ${served.length === 0 ? '(none)' : served.map((m) => `"${m}"`).join(', ')} (GET /v3/models lists them)`,
      {
        status: 404,
        weftCode: 'WEFT_ERR_SERVER_MODEL_NOT_FOUND',
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      },
    ),
  modelNotReady: (model: string, state: string) =>
    new HttpError(
      `The model "${model}" is ${state}, not available; GET /v1/config shows its state and last error`,
      {
        status: 503,
        weftCode: 'WEFT_ERR_SERVER_MODEL_NOT_READY',
        type: 'server_error',
        code: 'model_not_ready',
        param: 'model',
      },
    ),
  notSupported: (message: string) =>
    new HttpError(message, {
      status: 400,
      weftCode: 'WEFT_ERR_SERVER_NOT_SUPPORTED',
      type: 'invalid_request_error',
      code: 'unsupported_endpoint',
    }),
  invalidApiKey: (present: boolean) =>
    new HttpError(
      present
        ? 'Incorrect API key provided; send the key the server was started with as "Authorization: Bearer <key>"'
        : 'No API key provided; send "Authorization: Bearer <key>" with the key the server was started with',
      {
        status: 401,
        weftCode: 'WEFT_ERR_SERVER_INVALID_API_KEY',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    ),
  routeNotFound: (method: string, path: string) =>
    new HttpError(
      `no endpoint at ${method} ${path}; see docs/rest-api.md (e.g. POST /v3/chat/completions, GET /v3/models)`,
      {
        status: 404,
        weftCode: 'WEFT_ERR_SERVER_ROUTE_NOT_FOUND',
        type: 'invalid_request_error',
        code: 'not_found',
      },
    ),
  graphFailed: (message: string) =>
    new HttpError(message, {
      status: 500,
      weftCode: 'WEFT_ERR_SERVER_GRAPH_FAILED',
      type: 'server_error',
      code: 'graph_failed',
    }),
  noResponse: (message: string) =>
    new HttpError(message, {
      status: 500,
      weftCode: 'WEFT_ERR_SERVER_NO_RESPONSE',
      type: 'server_error',
      code: 'graph_failed',
    }),
  deadlineExceeded: (model: string, ms: number) =>
    new HttpError(
      `the request to model "${model}" did not finish within the request deadline of ${ms} ms (request_deadline_ms) and was cancelled; ask for fewer tokens or retry`,
      { status: 504, weftCode: 'WEFT_ERR_SERVER_DEADLINE_EXCEEDED', type: 'server_error', code: 'timeout' },
    ),
  shuttingDown: () =>
    new HttpError('the server is shutting down and accepts no new requests; retry on another instance', {
      status: 503,
      weftCode: 'WEFT_ERR_SERVER_SHUTTING_DOWN',
      type: 'server_error',
      code: 'shutting_down',
      headers: { Connection: 'close' },
    }),
} as const;
