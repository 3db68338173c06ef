import { formatDims, type Tensor } from '@weft/framework';
import { OnnxError } from '../errors.js';
import type { OnnxValueInfo } from './worker-protocol.js';

/** Describes a model input in errors; the calculator adds the stream tag that fed it. */
export type FeedLabel = (inputName: string) => string;

const plain: FeedLabel = (name) => `model input "${name}"`;

/**
 * Checks one run's tensors against the model's input metadata: every input given, nothing else,
 * each with the declared dtype and rank, fixed dims equal, and inputs sharing a symbolic dim
 * (`sequence_length`) agreeing on its size. Returns the size of every symbolic dim.
 */
export function checkFeeds(
  feeds: Readonly<Record<string, Tensor>>,
  inputs: readonly OnnxValueInfo[],
  label: FeedLabel = plain,
): Map<string, number> {
  const names = inputs.map((i) => i.name);
  for (const name of Object.keys(feeds)) {
    if (!names.includes(name)) {
      throw new OnnxError(
        'WEFT_ERR_ONNX_PORT_MAPPING',
        `the model has no input "${name}"; its inputs are ${names.map((n) => `"${n}"`).join(', ')}`,
      );
    }
  }
  const sizes = new Map<string, number>();
  const firstSeen = new Map<string, string>();
  for (const input of inputs) {
    const t = feeds[input.name];
    if (t === undefined) {
      throw new OnnxError(
        'WEFT_ERR_ONNX_INPUT_MISSING',
        `${label(input.name)} got no tensor; every model input needs one`,
      );
    }
    const expected = `${input.dtype} ${formatDims(input.dims)}`;
    if (t.dtype !== input.dtype || t.dims.length !== input.dims.length) {
      throw new OnnxError(
        'WEFT_ERR_ONNX_INPUT_MISMATCH',
        `${label(input.name)} expects ${expected}, got ${t.dtype} ${formatDims(t.dims)}`,
      );
    }
    for (const [axis, dim] of input.dims.entries()) {
      const size = t.dims[axis]!;
      if (typeof dim === 'number' && dim >= 0 && dim !== size) {
        throw new OnnxError(
          'WEFT_ERR_ONNX_INPUT_MISMATCH',
          `${label(input.name)} expects ${expected}, got ${t.dtype} ${formatDims(t.dims)}: axis ${axis} must be ${dim}`,
        );
      }
      if (typeof dim !== 'string' || dim === '') continue;
      const seen = sizes.get(dim);
      if (seen !== undefined && seen !== size) {
        throw new OnnxError(
          'WEFT_ERR_ONNX_INPUT_MISMATCH',
          `${label(input.name)} has ${dim} = ${size} (axis ${axis}) but ${firstSeen.get(dim)} has ${dim} = ${seen}; inputs sharing a dimension must agree`,
        );
      }
      sizes.set(dim, size);
      firstSeen.set(dim, label(input.name));
    }
  }
  return sizes;
}
