import { defineErrorCodes, WeftError } from '@weft/framework';

/**
 * Error codes of `@weft/onnx`, by short key (the code is `WEFT_ERR_` + key). docs/errors.md lists
 * each entry and a test keeps the two in step; the HTTP status is decided by the server.
 */
const defined = defineErrorCodes({
  ONNX_LOAD_FAILED: {
    title: 'ONNX model did not load',
    description:
      "OnnxSessionCalculator could not open `model_path` (missing file, not an ONNX model, an operator onnxruntime does not know). The message carries onnxruntime's reason.",
  },
  ONNX_BATCH_CONFIG: {
    title: 'Batching the model cannot do',
    description:
      'OnnxSessionCalculator was asked to batch (`max_batch_size` > 1) but an input or output has a fixed size on `batch_axis`, `pad_values` names no input of the model, or an output axis that would need un-padding matches no padded input axis by its symbolic name. Fix the options or set `max_batch_size: 1`.',
  },
  ONNX_PORT_MAPPING: {
    title: 'Streams and model tensors do not match',
    description:
      "An OnnxInferenceCalculator node maps a tag to a tensor name the model does not have (with a did-you-mean), leaves a model input without a stream, or connects a stream the options do not map. The message lists the model's inputs and outputs.",
  },
  ONNX_INPUT_MISMATCH: {
    title: 'Input tensor of the wrong dtype or shape',
    description:
      'A tensor given to OnnxInferenceCalculator does not fit the model input it feeds: another dtype, another rank, a size that differs from a fixed dimension, or inputs of one run disagreeing on a shared symbolic dimension. The message names the tag, the model input, and expected vs actual.',
  },
  ONNX_INPUT_MISSING: {
    title: 'An input tensor is missing at a timestamp',
    description:
      'OnnxInferenceCalculator got a packet on some input streams but not on all of them at one timestamp; the model needs every input. Send every mapped input at each timestamp.',
  },
  ONNX_QUEUE_FULL: {
    title: 'Inference queue full',
    description:
      'More than `max_queued` runs were waiting for the shared ONNX session. Raise `max_queued` or send fewer concurrent requests.',
  },
  ONNX_RUN_FAILED: {
    title: 'onnxruntime failed a run',
    description:
      "session.run threw in the worker (a shape the model's operators refuse, out of memory); the message carries onnxruntime's reason. Every run in the failed batch gets the error.",
  },
  ONNX_SESSION_CLOSED: {
    title: 'ONNX session closed',
    description:
      'A run was submitted to, or was waiting on, a session whose graph was disposed (hot reload, shutdown) or whose worker died.',
  },
});

export type OnnxErrorCode = (typeof defined.entries)[number]['code'];

/** Every error code of `@weft/onnx`. */
export const onnxErrorCodes = defined.entries;

/** Codes by short key: `O.ONNX_QUEUE_FULL === 'WEFT_ERR_ONNX_QUEUE_FULL'`. */
export const O = defined.codes;

/** Raised by the ONNX calculators and session; the runtime adds the node name and calculator. */
export class OnnxError extends WeftError<OnnxErrorCode> {}
