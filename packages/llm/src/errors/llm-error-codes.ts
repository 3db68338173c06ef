import type { ErrorCodeEntry } from '@weft/framework';
import { engineErrorCodes } from '../engine/engine-errors.js';
import { runtimeErrorCodes } from '../runtime/runtime-errors.js';

/**
 * Every error code of `@weft/llm`. docs/errors.md lists each entry and a test keeps them in sync.
 * Engineers of other llm areas append their entries here (keep codes stable once released).
 */
export const llmErrorCodes: readonly ErrorCodeEntry[] = [
  {
    code: 'WEFT_ERR_MODEL_DIR',
    status: 500,
    title: 'Model directory cannot be served',
    description:
      'The model directory is missing, or lacks a file every served model needs (`config.json` or `genai_config.json`, `tokenizer.json`, an ONNX file). The message names the directory and the missing file; export the model again or point at the right folder.',
  },
  {
    code: 'WEFT_ERR_MODEL_CONFIG',
    status: 500,
    title: 'Model configuration is invalid',
    description:
      'A JSON file of the model directory is unreadable, not JSON, or lacks a key needed to run the model (layers, heads, vocabulary size...). The message names the file, the key and the keys that were accepted.',
  },
  {
    code: 'WEFT_ERR_MODEL_DTYPE',
    status: 500,
    title: 'Requested ONNX variant is missing',
    description:
      'The `dtype` option asked for an ONNX file (for example `onnx/model_q4.onnx`) that the directory does not contain. The message lists the variants found.',
  },
  {
    code: 'WEFT_ERR_MODEL_ONNX',
    status: 500,
    title: 'ONNX file cannot be loaded',
    description:
      'The ONNX file is not a valid model (truncated, corrupt, or not ONNX at all) or its external data file is missing. The message names the file; re-export or re-download it.',
  },
  {
    code: 'WEFT_ERR_TOKENIZER_LOAD',
    status: 500,
    title: 'Tokenizer cannot be loaded',
    description:
      '`tokenizer.json` is missing or is not a tokenizer the `tokenizers` library can read, or `tokenizer_config.json` is not valid JSON. The message names the file.',
  },
  {
    code: 'WEFT_ERR_CHAT_TEMPLATE',
    status: 400,
    title: 'Chat template failed',
    description:
      'The model has no chat template, the template does not parse, or it raised an error for these messages (for example a role it does not accept). The message quotes the template error.',
  },
  {
    code: 'WEFT_ERR_MODEL_BUILD',
    title: 'Tiny model cannot be built',
    description:
      '`weft model create` (or `createTinyModel`) was given an unknown architecture or preset, a bad seed, or a target folder that already holds something other than a built model.',
  },
  {
    code: 'WEFT_ERR_LLM_REQUEST',
    status: 400,
    title: 'LLM request refused',
    description:
      'An LLM graph refused a request (a parameter of the wrong type or out of range, an unsupported field, a prompt longer than the context) and the graph has no ERROR stream wired to its response node, so the run fails instead of answering with an OpenAI error body. The message is the one the client would have received; connect the ERROR outputs (see graphs/tiny-llama.yaml).',
  },
  // The KV-cache runtime and the batching engine (runtime/, engine/).
  ...runtimeErrorCodes,
  ...engineErrorCodes,
];
