import { OnnxError } from '../errors.js';
import type { OnnxValueInfo } from './worker-protocol.js';

/** How runs of one session may be stacked into a batch (decided once, when the session opens). */
export interface BatchLayout {
  readonly maxBatchSize: number;
  readonly axis: number;
  /** Padding value of each input that may be padded on its symbolic (non-batch) axes. */
  readonly padValues: ReadonlyMap<string, number>;
  /** Symbolic dim names every input carrying them may pad (their outputs are un-padded by name). */
  readonly paddedDims: ReadonlySet<string>;
}

export interface BatchOptions {
  readonly maxBatchSize: number;
  readonly axis: number;
  readonly padValues: Readonly<Record<string, number>>;
}

const symbolic = (d: number | string | undefined): d is string => typeof d === 'string' && d !== '';

/**
 * Checks that the model allows the requested batching and derives the layout: with
 * `maxBatchSize` > 1 every input and output must have a symbolic size on `axis`, `padValues` may
 * only name inputs, and every symbolic axis of an output must be either the batch axis, a padded
 * dim (un-padded after the run by its name), or a dim no padded input shares.
 */
export function batchLayout(
  inputs: readonly OnnxValueInfo[],
  outputs: readonly OnnxValueInfo[],
  options: BatchOptions,
): BatchLayout {
  const problems: string[] = [];
  const inputNames = inputs.map((i) => i.name);
  for (const name of Object.keys(options.padValues)) {
    if (!inputNames.includes(name)) {
      problems.push(
        `pad_values names "${name}", which is not a model input (inputs: ${inputNames.join(', ')})`,
      );
    }
  }
  const paddable = new Set<string>();
  const blocked = new Set<string>();
  if (options.maxBatchSize > 1) {
    for (const v of [...inputs, ...outputs]) {
      const kind = inputNames.includes(v.name) ? 'input' : 'output';
      if (!symbolic(v.dims[options.axis])) {
        problems.push(
          `${kind} "${v.name}" has dims [${v.dims.join(', ')}]: axis ${options.axis} is not a symbolic batch dimension, so runs cannot be batched (set max_batch_size: 1)`,
        );
      }
    }
    for (const input of inputs) {
      for (const [axis, dim] of input.dims.entries()) {
        if (axis === options.axis || !symbolic(dim)) continue;
        if (input.name in options.padValues) paddable.add(dim);
        else blocked.add(dim);
      }
    }
    for (const dim of blocked) paddable.delete(dim);
    const inputDims = new Set(inputs.flatMap((i) => i.dims.filter(symbolic)));
    for (const output of outputs) {
      for (const [axis, dim] of output.dims.entries()) {
        if (paddable.size > 0 && axis !== options.axis && symbolic(dim) && !inputDims.has(dim)) {
          problems.push(
            `output "${output.name}" axis ${axis} is "${dim}", a dimension no input has, so padding could not be removed from it; rename it after an input dimension or set max_batch_size: 1`,
          );
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new OnnxError('WEFT_ERR_ONNX_BATCH_CONFIG', `cannot batch this model:\n  ${problems.join('\n  ')}`);
  }
  return {
    maxBatchSize: options.maxBatchSize,
    axis: options.axis,
    padValues: new Map(Object.entries(options.padValues)),
    paddedDims: paddable,
  };
}
