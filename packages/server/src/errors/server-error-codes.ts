import { defineErrorCodes } from '@weft/framework';

/**
 * Every error code of `@weft/server`, by short key (the code is `WEFT_ERR_` + key). docs/errors.md
 * lists the same codes; a test fails when the two drift apart. What a client sees for each code
 * (HTTP status, OpenAI `type` and `code`) is in `http-shapes.ts`, with every other package's codes.
 */
const defined = defineErrorCodes({
  SERVER_INVALID_JSON: {
    title: 'Request body is not valid JSON',
    description: 'The body could not be parsed as JSON, or its top level is not an object.',
  },
  SERVER_UNSUPPORTED_MEDIA_TYPE: {
    title: 'Content-Type is not application/json',
    description: 'POST endpoints accept only `application/json` bodies.',
  },
  SERVER_BODY_TOO_LARGE: {
    title: 'Request body is over the size limit',
    description: 'The body is larger than the server option `body_limit` (default 1mb).',
  },
  SERVER_MISSING_MODEL: {
    title: 'The request names no model',
    description:
      'The body has no `model` field (or it is null); every endpoint that runs a graph needs one. `GET /v3/models` lists the served names.',
  },
  SERVER_INVALID_PARAMETER_TYPE: {
    title: 'A request parameter has the wrong type',
    description: 'A parameter the server itself reads (`model`) is not a string; `param` names it.',
  },
  SERVER_INVALID_PARAMETER: {
    title: 'A request parameter has an invalid value',
    description:
      'A parameter the server itself reads (`model`, `prompt` of `/v3/tokenize`, the query parameters of `GET /v3/responses/{id}/input_items`) has a value it cannot use (an empty model name, a prompt that is not text, a `limit` outside 1 to 100, an `after` that names no item); `param` names it. Parameters read by the graph are reported by the graph (`WEFT_ERR_REQUEST_*` of `@weft/llm`).',
  },
  SERVER_UNSUPPORTED_PARAMETER: {
    title: 'A request parameter is not supported',
    description:
      "A parameter the server itself reads is valid in OpenAI's API but not served by Weft, or unknown: `include` of `GET /v3/responses/{id}/input_items` (Weft stores input items as they were sent, with none of the extra data `include` asks for); `param` names it.",
  },
  SERVER_MODEL_NOT_FOUND: {
    title: 'No graph serves this model',
    description: 'The `model` field names no loaded graph. `GET /v3/models` lists the served names.',
  },
  SERVER_RESPONSE_NOT_FOUND: {
    title: 'No stored response has this id',
    description:
      '`GET` or `DELETE /v3/responses/{id}` (or `GET /v3/responses/{id}/input_items`) names a response no served graph keeps: unknown, deleted, created with `store: false`, or evicted from the response store (ResponseStoreCalculator).',
  },
  SERVER_MODEL_NOT_READY: {
    title: 'The model is still loading or failed to load',
    description:
      'The graph file exists but has no servable version yet: it is loading, or it failed validation (`GET /v1/config` shows the error with FILE:LINE:COL).',
  },
  SERVER_NOT_SUPPORTED: {
    title: 'The model does not support this endpoint',
    description:
      'For example `/v3/tokenize` on a graph without a `TOKENIZER` side packet, `/v3/embeddings` on a text-generation model, or `/v3/chat/completions` and `/v3/responses` on an embedding model (`param` `model`).',
  },
  SERVER_INVALID_API_KEY: {
    title: 'Missing or wrong API key',
    description:
      'An API key is configured (`--api-key` or `WEFT_API_KEY`) and the request has no `Authorization: Bearer <key>` header with that key.',
  },
  SERVER_INTERNAL: {
    title: 'Internal server error',
    description:
      'A route failed unexpectedly (a bug). The answer names the request id; the stack trace goes to the log only.',
  },
  SERVER_NO_RESPONSE: {
    title: 'The graph finished without a response',
    description:
      'The graph closed its `RESPONSE` stream without emitting a response packet, or emitted a packet that is not one of the graph protocol (docs/architecture.md).',
  },
  SERVER_ROUTE_NOT_FOUND: {
    title: 'Unknown route',
    description: 'No endpoint at this method and path.',
  },
  SERVER_SHUTTING_DOWN: {
    title: 'The server is shutting down',
    description: 'New requests are refused during the SIGTERM grace period.',
  },
  SERVER_DEADLINE_EXCEEDED: {
    title: 'The request took longer than the request deadline',
    description:
      'The graph run did not finish within `request_deadline_ms` (default 600000): it was cancelled and its engine sequences freed. A stream that already started gets an error event, then `[DONE]`.',
  },
  SERVER_WRITE_TIMEOUT: {
    title: 'The client stopped reading',
    description:
      'A response write waited longer than `write_timeout_ms` (default 30000) for the client to read: the run was cancelled, its memory freed and the connection closed. Logged (status 499), never answered: the client is not reading.',
  },
  SERVER_CONFIG_INVALID: {
    title: 'Server config file is invalid',
    description:
      'The `--config` YAML file has unknown keys, wrong types, or unreadable graph paths; every problem is listed with FILE:LINE:COL.',
  },
  SERVER_GRAPH_NOT_SERVABLE: {
    title: 'Graph does not follow the serving contract',
    description:
      'A served graph needs a graph input stream tagged `REQUEST` and an output stream tagged `RESPONSE`, and a model name unique among served graphs.',
  },
});

export type ServerErrorCode = (typeof defined.entries)[number]['code'];

/** Codes by short key: `S.SERVER_INTERNAL === 'WEFT_ERR_SERVER_INTERNAL'`. */
export const S = defined.codes;

export const serverErrorCodes = defined.entries;
