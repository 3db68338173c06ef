import type { CalculatorErrorCode } from '@weft/calculators';
import { type FrameworkErrorCode, R } from '@weft/framework';
import { L, type LlmErrorCode } from '@weft/llm';
import { O, type OnnxErrorCode } from '@weft/onnx';
import { S, type ServerErrorCode } from './server-error-codes.js';

/** Every Weft error code, of every package. */
export type WeftErrorCode =
  | FrameworkErrorCode
  | CalculatorErrorCode
  | OnnxErrorCode
  | LlmErrorCode
  | ServerErrorCode;

/** What a client sees for one code: the HTTP status, OpenAI's `type` and `code`, extra headers. */
export interface HttpShape {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The `error` object of an OpenAI error response. */
export interface OpenAiErrorObject {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

/** The body of an OpenAI error response, the only error shape the API ever answers with. */
export interface OpenAiErrorBody {
  readonly error: OpenAiErrorObject;
}

const invalid = (code: string, status = 400): HttpShape => ({ status, type: 'invalid_request_error', code });
const failed = (code: string, status = 500): HttpShape => ({ status, type: 'server_error', code });
const GRAPH_FAILED = failed('graph_failed');

/**
 * The server edge: the one place where a Weft code becomes an HTTP status and OpenAI's `type` and
 * `code` (OpenAI's own code where one exists). A code not listed here reached the client through a
 * failed graph run: 500 `graph_failed`.
 */
export const httpShapes: Partial<Record<WeftErrorCode, HttpShape>> = {
  [S.SERVER_INVALID_JSON]: invalid('invalid_json'),
  [S.SERVER_UNSUPPORTED_MEDIA_TYPE]: invalid('unsupported_media_type', 415),
  [S.SERVER_BODY_TOO_LARGE]: invalid('request_too_large', 413),
  [S.SERVER_MISSING_MODEL]: invalid('missing_model'),
  [S.SERVER_INVALID_PARAMETER_TYPE]: invalid('invalid_type'),
  [S.SERVER_INVALID_PARAMETER]: invalid('invalid_value'),
  [S.SERVER_UNSUPPORTED_PARAMETER]: invalid('unsupported_parameter'),
  [S.SERVER_MODEL_NOT_FOUND]: invalid('model_not_found', 404),
  [S.SERVER_MODEL_NOT_READY]: failed('model_not_ready', 503),
  [S.SERVER_NOT_SUPPORTED]: invalid('unsupported_endpoint'),
  [S.SERVER_INVALID_API_KEY]: invalid('invalid_api_key', 401),
  [S.SERVER_ROUTE_NOT_FOUND]: invalid('not_found', 404),
  [S.SERVER_INTERNAL]: failed('internal_error'),
  [S.SERVER_NO_RESPONSE]: GRAPH_FAILED,
  [S.SERVER_SHUTTING_DOWN]: { ...failed('shutting_down', 503), headers: { Connection: 'close' } },
  [S.SERVER_DEADLINE_EXCEEDED]: failed('timeout', 504),
  [R.NODE_FAILED]: GRAPH_FAILED,
  [L.REQUEST_INVALID_VALUE]: invalid('invalid_value'),
  [L.REQUEST_INVALID_TYPE]: invalid('invalid_type'),
  [L.REQUEST_MISSING_PARAMETER]: invalid('missing_required_parameter'),
  [L.REQUEST_UNKNOWN_PARAMETER]: invalid('unknown_parameter'),
  [L.REQUEST_UNSUPPORTED_PARAMETER]: invalid('unsupported_parameter'),
  [L.REQUEST_UNKNOWN_ENDPOINT]: invalid('unknown_url', 404),
  [L.PREVIOUS_RESPONSE_NOT_FOUND]: invalid('previous_response_not_found'),
  [L.ITEM_NOT_FOUND]: invalid('item_not_found'),
  [S.SERVER_RESPONSE_NOT_FOUND]: invalid('not_found', 404),
  [L.REQUEST_INVALID_SCHEMA]: invalid('invalid_json_schema'),
  [L.CONTEXT_LENGTH_EXCEEDED]: invalid('context_length_exceeded'),
  [L.TOKEN_ID_OUT_OF_RANGE]: invalid('invalid_value'),
  [L.INVALID_GENERATE_ARGUMENT]: invalid('invalid_value'),
  [L.CHAT_TEMPLATE]: invalid('invalid_value'),
  [L.ENGINE_QUEUE_FULL]: {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: { 'Retry-After': '1' },
  },
  [L.ENGINE_CLOSED]: failed('engine_closed', 503),
  [O.ONNX_QUEUE_FULL]: {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: { 'Retry-After': '1' },
  },
  [O.ONNX_SESSION_CLOSED]: failed('engine_closed', 503),
  [L.ENGINE_WORKER]: failed('engine_failed'),
  [L.ENGINE_UNAVAILABLE]: failed('engine_unavailable', 503),
};

export function httpShapeOf(code: string): HttpShape {
  return httpShapes[code as WeftErrorCode] ?? GRAPH_FAILED;
}

/** An error as the server answers it: its Weft code, message, and the request field at fault. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
  readonly param?: string | null;
}

export interface HttpErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: OpenAiErrorBody;
}

/**
 * The HTTP answer for an error, JSON or one SSE event alike. The message ends with the Weft code,
 * so a user can look it up in docs/errors.md; logs carry the same code.
 */
export function httpErrorAnswer(report: ErrorReport): HttpErrorAnswer {
  const shape = httpShapeOf(report.code);
  // A server fault's message may name files of the server (a model that vanished); the client is
  // told which file by name only, the log keeps the whole path.
  const message = shape.status >= 500 ? withoutServerPaths(report.message) : report.message;
  const error = {
    message: `${message} (${report.code})`,
    type: shape.type,
    param: report.param ?? null,
    code: shape.code,
  };
  return { status: shape.status, headers: shape.headers ?? {}, body: { error } };
}

/** `open '/srv/models/llama/tokenizer.json'` → `open '…/tokenizer.json'` (also `file://` URLs). */
export function withoutServerPaths(message: string): string {
  return message.replace(
    /(?<![\w.])(file:\/\/)?(\/[^\s'"`()<>,;:]+){2,}/g,
    (path) => `…/${path.slice(path.lastIndexOf('/') + 1)}`,
  );
}
