import { WeftError } from '@weft/framework';
import { clipForLog, quoteInput } from './quote-input.js';
import { S, type ServerErrorCode } from './server-error-codes.js';

/** An error the server raises itself; `param` names the request field at fault. */
export class ServerError extends WeftError<ServerErrorCode> {
  constructor(
    code: ServerErrorCode,
    message: string,
    readonly param: string | null = null,
  ) {
    super(code, message);
  }
}

/** Builders for the errors the server raises itself, so each message is written in one place. */
export const serverErrors = {
  invalidJson: (detail: string) =>
    new ServerError(
      S.SERVER_INVALID_JSON,
      `could not parse the request body as JSON (${detail}); send a JSON object such as {"model": "tiny-llama", "prompt": "Hello"}`,
    ),
  unsupportedMediaType: (contentType: string | undefined) =>
    new ServerError(
      S.SERVER_UNSUPPORTED_MEDIA_TYPE,
      `Content-Type ${contentType === undefined ? 'is missing' : `"${contentType}" is not supported`}; send the body as "application/json"`,
    ),
  bodyTooLarge: (limit: string) =>
    new ServerError(
      S.SERVER_BODY_TOO_LARGE,
      `request body is larger than the limit of ${limit}; send a smaller prompt`,
    ),
  missingModel: () =>
    new ServerError(
      S.SERVER_MISSING_MODEL,
      'you must provide a model parameter: a served model name such as "tiny-llama" (GET /v3/models lists them)',
      'model',
    ),
  invalidParameterType: (param: string, message: string) =>
    new ServerError(S.SERVER_INVALID_PARAMETER_TYPE, message, param),
  invalidParameter: (param: string, message: string) =>
    new ServerError(S.SERVER_INVALID_PARAMETER, message, param),
  unsupportedParameter: (param: string, message: string) =>
    new ServerError(S.SERVER_UNSUPPORTED_PARAMETER, message, param),
  modelNotFound: (model: string, served: readonly string[]) =>
    new ServerError(
      S.SERVER_MODEL_NOT_FOUND,
      `The model ${quoteInput(model)} does not exist; served models: ${served.length === 0 ? '(none)' : served.map((m) => `"${m}"`).join(', ')} (GET /v3/models lists them)`,
      'model',
    ),
  responseNotFound: (id: string) =>
    new ServerError(
      S.SERVER_RESPONSE_NOT_FOUND,
      `Response with id '${clipForLog(id)}' not found. Responses are kept only when created with store not false, for a limited time and number (ResponseStoreCalculator options ttl_seconds, max_responses).`,
    ),
  modelNotReady: (model: string, state: string) =>
    new ServerError(
      S.SERVER_MODEL_NOT_READY,
      `The model ${quoteInput(model)} is ${state}, not available; GET /v1/config shows its state and last error`,
      'model',
    ),
  notSupported: (message: string, param: string | null = null) =>
    new ServerError(S.SERVER_NOT_SUPPORTED, message, param),
  invalidApiKey: (present: boolean) =>
    new ServerError(
      S.SERVER_INVALID_API_KEY,
      present
        ? 'Incorrect API key provided; send the key the server was started with as "Authorization: Bearer <key>"'
        : 'No API key provided; send "Authorization: Bearer <key>" with the key the server was started with',
    ),
  routeNotFound: (method: string, path: string) =>
    new ServerError(
      S.SERVER_ROUTE_NOT_FOUND,
      `no endpoint at ${method} ${clipForLog(path)}; see docs/rest-api.md (e.g. POST /v3/chat/completions, GET /v3/models)`,
    ),
  internal: (message: string) => new ServerError(S.SERVER_INTERNAL, message),
  noResponse: (message: string) => new ServerError(S.SERVER_NO_RESPONSE, message),
  deadlineExceeded: (model: string, ms: number) =>
    new ServerError(
      S.SERVER_DEADLINE_EXCEEDED,
      `the request to model "${model}" did not finish within the request deadline of ${ms} ms (request_deadline_ms) and was cancelled; ask for fewer tokens or retry`,
    ),
  shuttingDown: () =>
    new ServerError(
      S.SERVER_SHUTTING_DOWN,
      'the server is shutting down and accepts no new requests; retry on another instance',
    ),
} as const;
