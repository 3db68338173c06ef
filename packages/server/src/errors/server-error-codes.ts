/**
 * Every error the server can answer with, in the entry format of the framework's error-code
 * tables (`{code, status?, title, description}`). `docs/errors.md` (## Server) lists the same codes;
 * a test fails when the two drift apart.
 */
export interface ServerErrorCodeEntry {
  readonly code: string;
  readonly status?: number;
  readonly title: string;
  readonly description: string;
}

export const serverErrorCodes = [
  {
    code: 'WEFT_ERR_SERVER_INVALID_JSON',
    status: 400,
    title: 'Request body is not valid JSON',
    description:
      'The body could not be parsed as JSON, or its top level is not an object. OpenAI `type` `invalid_request_error`, `code` `invalid_json`.',
  },
  {
    code: 'WEFT_ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    title: 'Content-Type is not application/json',
    description: 'POST endpoints accept only `application/json` bodies. `code` `unsupported_media_type`.',
  },
  {
    code: 'WEFT_ERR_SERVER_BODY_TOO_LARGE',
    status: 413,
    title: 'Request body is over the size limit',
    description:
      'The body is larger than the server option `body_limit` (default 1mb). `code` `request_too_large`.',
  },
  {
    code: 'WEFT_ERR_SERVER_INVALID_PARAMETER',
    status: 400,
    title: 'A request parameter is missing or invalid',
    description:
      'A parameter the server itself reads (`model`, `prompt` of `/v3/tokenize`) is missing or has the wrong type; `param` names it. Parameters read by the graph are reported by the graph with the same shape.',
  },
  {
    code: 'WEFT_ERR_SERVER_MODEL_NOT_FOUND',
    status: 404,
    title: 'No graph serves this model',
    description:
      'The `model` field names no loaded graph. `GET /v3/models` lists the served names. `code` `model_not_found`.',
  },
  {
    code: 'WEFT_ERR_SERVER_MODEL_NOT_READY',
    status: 503,
    title: 'The model is still loading or failed to load',
    description:
      'The graph file exists but has no servable version yet: it is loading, or it failed validation (`GET /v1/config` shows the error with FILE:LINE:COL). `code` `model_not_ready`.',
  },
  {
    code: 'WEFT_ERR_SERVER_NOT_SUPPORTED',
    status: 400,
    title: 'The model does not support this endpoint',
    description:
      'For example `/v3/tokenize` on a graph without a `TOKENIZER` side packet. `code` `unsupported_endpoint`.',
  },
  {
    code: 'WEFT_ERR_SERVER_INVALID_API_KEY',
    status: 401,
    title: 'Missing or wrong API key',
    description:
      'An API key is configured (`--api-key` or `WEFT_API_KEY`) and the request has no `Authorization: Bearer <key>` header with that key. `code` `invalid_api_key`.',
  },
  {
    code: 'WEFT_ERR_SERVER_QUEUE_FULL',
    status: 429,
    title: 'The model queue is full',
    description:
      'The graph reported a full queue (status 429). The response carries `Retry-After`. `code` `queue_full` unless the graph gave one.',
  },
  {
    code: 'WEFT_ERR_SERVER_GRAPH_FAILED',
    status: 500,
    title: 'A node failed inside the graph',
    description:
      'The graph run failed; the message names the node and calculator, never a stack trace (that goes to the log). `code` `graph_failed`.',
  },
  {
    code: 'WEFT_ERR_SERVER_NO_RESPONSE',
    status: 500,
    title: 'The graph finished without a response',
    description:
      'The graph closed its `RESPONSE` stream without emitting a response packet, or emitted a packet that is neither `{status, body}` nor `{event}`. `code` `graph_failed`.',
  },
  {
    code: 'WEFT_ERR_SERVER_ROUTE_NOT_FOUND',
    status: 404,
    title: 'Unknown route',
    description: 'No endpoint at this method and path. `code` `not_found`.',
  },
  {
    code: 'WEFT_ERR_SERVER_SHUTTING_DOWN',
    status: 503,
    title: 'The server is shutting down',
    description: 'New requests are refused during the SIGTERM grace period. `code` `shutting_down`.',
  },
  {
    code: 'WEFT_ERR_SERVER_DEADLINE_EXCEEDED',
    status: 504,
    title: 'The request took longer than the request deadline',
    description:
      'The graph run did not finish within `request_deadline_ms` (default 600000): it was cancelled and its engine sequences freed. A stream that already started gets an error event, then `[DONE]`. `code` `timeout`.',
  },
  {
    code: 'WEFT_ERR_SERVER_WRITE_TIMEOUT',
    title: 'The client stopped reading',
    description:
      'A response write waited longer than `write_timeout_ms` (default 30000) for the client to read: the run was cancelled, its memory freed and the connection closed. Logged (status 499), never answered: the client is not reading.',
  },
  {
    code: 'WEFT_ERR_SERVER_CONFIG_INVALID',
    title: 'Server config file is invalid',
    description:
      'The `--config` YAML file has unknown keys, wrong types, or unreadable graph paths; every problem is listed with FILE:LINE:COL.',
  },
  {
    code: 'WEFT_ERR_SERVER_GRAPH_NOT_SERVABLE',
    title: 'Graph does not follow the serving contract',
    description:
      'A served graph needs a graph input stream tagged `REQUEST` and an output stream tagged `RESPONSE`, and a model name unique among served graphs.',
  },
  {
    code: 'WEFT_ERR_SERVER_USAGE',
    title: 'Bad `weft serve` arguments',
    description:
      'An unknown flag, a missing value, or a port outside 0..65535. `weft serve` exits with code 2.',
  },
] as const satisfies readonly ServerErrorCodeEntry[];

export type ServerErrorCode = (typeof serverErrorCodes)[number]['code'];
