import { defineErrorCodes } from '@weft/framework';

/**
 * Every error code of `@weft/llm`, by short key (the code is `WEFT_ERR_` + key). docs/errors.md lists
 * each entry and a test keeps them in sync. Add new codes here (keep codes stable once released); the
 * HTTP status a client sees for each is decided by the server (`@weft/server` `httpShapes`).
 */
const defined = defineErrorCodes({
  MODEL_DIR: {
    title: 'Model directory cannot be served',
    description:
      'The model directory is missing, or lacks a file every served model needs (`config.json` or `genai_config.json`, `tokenizer.json`, an ONNX file). The message names the directory and the missing file; export the model again or point at the right folder.',
  },
  MODEL_CONFIG: {
    title: 'Model configuration is invalid',
    description:
      'A JSON file of the model directory is unreadable, not JSON, or lacks a key needed to run the model (layers, heads, vocabulary size...). The message names the file, the key and the keys that were accepted.',
  },
  MODEL_DTYPE: {
    title: 'Requested ONNX variant is missing',
    description:
      'The `dtype` option asked for an ONNX file (for example `onnx/model_q4.onnx`) that the directory does not contain. The message lists the variants found.',
  },
  MODEL_ONNX: {
    title: 'ONNX file cannot be loaded',
    description:
      'The ONNX file is not a valid model (truncated, corrupt, or not ONNX at all) or its external data file is missing. The message names the file; re-export or re-download it.',
  },
  TOKENIZER_LOAD: {
    title: 'Tokenizer cannot be loaded',
    description:
      '`tokenizer.json` is missing or is not a tokenizer the `tokenizers` library can read, or `tokenizer_config.json` is not valid JSON. The message names the file.',
  },
  CHAT_TEMPLATE: {
    title: 'Chat template failed',
    description:
      'The model has no chat template, the template does not parse, or it raised an error for these messages (for example a role it does not accept). The message quotes the template error.',
  },
  MODEL_BUILD: {
    title: 'Tiny model cannot be built',
    description:
      '`weft model create` (or `createTinyModel`) was given an unknown architecture or preset, a bad seed, or a target folder that already holds something other than a built model.',
  },
  MODEL_OPTIMIZE: {
    title: 'Model cannot be optimized',
    description:
      "`weft model optimize` found no LM head to slice (the logits are not computed position by position from the hidden states through MatMul, Gemm, MatMulNBits or MatMulInteger), the model already has `num_logits_to_keep`, or the rewritten model's logits differ from the original's. The message names the file and the operator in the way; the model is left as it was.",
  },
  // The KV-cache runtime (runtime/).
  UNSUPPORTED_MODEL: {
    title: 'Not a KV-cache decoder',
    description:
      "The ONNX session's inputs/outputs lack input_ids, attention_mask, logits or a matching past/present KV pair. Export the model with past key values (Optimum `--task text-generation-with-past`).",
  },
  TOKEN_ID_OUT_OF_RANGE: {
    title: 'Token id outside the vocabulary',
    description:
      "A prompt or appended token id is negative or reaches the model's vocab size (the tokenizer may know more tokens than the model). Send ids below the vocab size.",
  },
  CONTEXT_LENGTH_EXCEEDED: {
    title: 'Context length exceeded',
    description:
      "The prompt, or prompt plus generated tokens, needs positions at or beyond the model's context length. Shorten the prompt or lower max_tokens.",
  },
  INVALID_GENERATE_ARGUMENT: {
    title: 'Invalid generate argument',
    description:
      'generate() or the batch API got an empty prompt, a wrong number of tokens for the rows, or an out-of-range option. The message names the argument.',
  },
  // The batching engine (engine/).
  ENGINE_QUEUE_FULL: {
    title: 'Engine queue full',
    description:
      'More requests are waiting for a seat in the running batch than `maxQueued` allows. Retry later, or raise maxQueued / maxNumSeqs / kvCacheTokens.',
  },
  ENGINE_CLOSED: {
    title: 'Engine closed',
    description:
      'A request reached an engine after `close()` (e.g. during a graph reload). Retry; a new engine serves it.',
  },
  ENGINE_WORKER: {
    title: 'Engine worker failed',
    description:
      "The engine's worker thread could not open the model or stopped unexpectedly (crash, out of memory). The message carries the worker's error; requests running on it fail with it, queued ones wait for the restarted worker.",
  },
  ENGINE_UNAVAILABLE: {
    title: 'Engine unavailable',
    description:
      "The engine's worker died more often than its restart budget allows (`maxRestarts` within `restartWindowMs`), or a restarted worker could not load the model. Readiness reports not-ready and `/v1/config` shows the last error; reload the graph once the cause is fixed.",
  },
  SEQUENCE_GROUP_STATE: {
    title: 'Sequence group used out of order',
    description:
      'A caller broke the next() → append() → next() rhythm of a sequence group, used it after finish(), or appended a wrong number of tokens or parents. A bug in the caller (e.g. the LLM executor), not in the request.',
  },
  // OpenAI requests refused by the LLM graph (openai/, calculators/).
  REQUEST_INVALID_VALUE: {
    title: 'Request parameter has an invalid value',
    description:
      'A parameter of an OpenAI request is out of range, empty, or breaks a rule across fields (`best_of` below `n`, a stop list too long, a token id outside the vocabulary...). `param` names it and the message quotes the value and the rule.',
  },
  REQUEST_INVALID_TYPE: {
    title: 'Request parameter has the wrong type',
    description:
      'A parameter of an OpenAI request (or the body itself) has the wrong JSON type, e.g. `"temperature": "hot"`. JSON bodies are never coerced.',
  },
  REQUEST_MISSING_PARAMETER: {
    title: 'Required request parameter missing',
    description: 'A parameter the endpoint requires (`prompt`, `messages`, a message `role`...) is absent.',
  },
  REQUEST_UNKNOWN_PARAMETER: {
    title: 'Unknown request parameter',
    description: 'The body has a field that the endpoint does not define (usually a typo).',
  },
  REQUEST_UNSUPPORTED_PARAMETER: {
    title: 'Unsupported request parameter',
    description:
      'The body has an OpenAI field that this server does not implement; the message says why. Remove it from the request.',
  },
  REQUEST_INVALID_SCHEMA: {
    title: 'JSON schema cannot be enforced',
    description:
      "A `response_format` JSON schema or a tool's `parameters` uses a keyword structured output cannot enforce (`uniqueItems`, `patternProperties`, `not`, ...), is malformed (an unknown `type`, a bad `pattern`, a `$ref` to nothing), or exceeds the limits on size, depth and repetition; or its grammar could not be built. `param` names the schema and the message the keyword and its place (`#/properties/tags`).",
  },
  PREVIOUS_RESPONSE_NOT_FOUND: {
    title: 'Previous response not found',
    description:
      "A Responses request's `previous_response_id` names no response in the graph's response store: unknown, deleted, created with `store: false`, or evicted (the store keeps `max_responses` responses for `ttl_seconds`; ResponseStoreCalculator). `param` is `previous_response_id`.",
  },
  ITEM_NOT_FOUND: {
    title: 'Referenced item not found',
    description:
      'An `item_reference` input item names no item of a stored response (an output message or function call, or an input item sent with an id); it may have been evicted or deleted. `param` is `input[i].id`.',
  },
  REQUEST_UNKNOWN_ENDPOINT: {
    title: 'Endpoint not served by this graph',
    description:
      'The request reached an LLM graph for an endpoint its request calculator does not serve (it serves `completions` and `chat/completions`).',
  },
});

export type LlmErrorCode = (typeof defined.entries)[number]['code'];

/** Codes by short key: `L.ENGINE_QUEUE_FULL === 'WEFT_ERR_ENGINE_QUEUE_FULL'`. */
export const L = defined.codes;

/** The documented entries of every llm code. */
export const llmErrorCodes = defined.entries;

const known: ReadonlySet<string> = new Set(llmErrorCodes.map((e) => e.code));

/** True when `code` is one of this package's codes (e.g. one a worker thread sent back as a string). */
export function isLlmErrorCode(code: unknown): code is LlmErrorCode {
  return typeof code === 'string' && known.has(code);
}
