import type { Tensor } from '@weft/framework';
import type { BatchLayout } from './batch-layout.js';
import { cut, filled, paste } from './tensor-block.js';
import type { OnnxValueInfo } from './worker-protocol.js';

/** One run waiting for the session: its tensors and the symbolic dim sizes `checkFeeds` found. */
export interface BatchItem {
  readonly feeds: Readonly<Record<string, Tensor>>;
  readonly fetches: readonly string[];
  readonly sizes: ReadonlyMap<string, number>;
  /** Its size along the batch axis. */
  readonly rows: number;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Whether `item` can join a batch led by `lead`: the same outputs wanted, and every symbolic dim
 * that cannot be padded of the same size (fixed dims are equal already: both passed checkFeeds).
 */
export function canJoin(
  lead: BatchItem,
  item: BatchItem,
  layout: BatchLayout,
  batchDim: string | undefined,
): boolean {
  if (!sameList(lead.fetches, item.fetches)) return false;
  for (const [dim, size] of lead.sizes) {
    if (dim === batchDim || layout.paddedDims.has(dim)) continue;
    if (item.sizes.get(dim) !== size) return false;
  }
  return true;
}

/**
 * Picks the next batch from the queue (FIFO): the head, then every later item that can join it,
 * while the rows fit in `maxBatchSize`. Returns the indexes taken.
 */
export function planBatch(
  queue: readonly BatchItem[],
  layout: BatchLayout,
  batchDim: string | undefined,
): number[] {
  const head = queue[0];
  if (head === undefined) return [];
  const taken = [0];
  let rows = head.rows;
  for (let i = 1; i < queue.length && rows < layout.maxBatchSize; i++) {
    const item = queue[i]!;
    if (rows + item.rows <= layout.maxBatchSize && canJoin(head, item, layout, batchDim)) {
      taken.push(i);
      rows += item.rows;
    }
  }
  return taken;
}

/** Stacks the items' tensors along the batch axis, padding padded dims to the longest item. */
export function mergeFeeds(
  items: readonly BatchItem[],
  inputs: readonly OnnxValueInfo[],
  layout: BatchLayout,
): Record<string, Tensor> {
  if (items.length === 1) return { ...items[0]!.feeds };
  const axis = layout.axis;
  const merged: Record<string, Tensor> = {};
  for (const input of inputs) {
    const parts = items.map((item) => item.feeds[input.name]!);
    const dims = [...parts[0]!.dims];
    dims[axis] = parts.reduce((n, p) => n + p.dims[axis]!, 0);
    for (let a = 0; a < dims.length; a++) {
      if (a !== axis) dims[a] = Math.max(...parts.map((p) => p.dims[a]!));
    }
    const batch = filled(parts[0]!.dtype, dims, layout.padValues.get(input.name) ?? 0);
    let offset = 0;
    for (const part of parts) {
      const at = dims.map(() => 0);
      at[axis] = offset;
      paste(batch, part, at);
      offset += part.dims[axis]!;
    }
    merged[input.name] = batch;
  }
  return merged;
}

/** Gives each item its rows of every output, cut back to its own size on padded dims. */
export function splitOutputs(
  outputs: Readonly<Record<string, Tensor>>,
  items: readonly BatchItem[],
  info: readonly OnnxValueInfo[],
  layout: BatchLayout,
): Record<string, Tensor>[] {
  if (items.length === 1) return [{ ...outputs }];
  const axis = layout.axis;
  const results = items.map(() => ({}) as Record<string, Tensor>);
  let offset = 0;
  for (const [i, item] of items.entries()) {
    for (const name of item.fetches) {
      const out = outputs[name]!;
      const declared = info.find((o) => o.name === name)?.dims ?? [];
      const dims = out.dims.map((size, a) => {
        if (a === axis) return item.rows;
        const dim = declared[a];
        return typeof dim === 'string' && layout.paddedDims.has(dim) ? (item.sizes.get(dim) ?? size) : size;
      });
      const at = dims.map(() => 0);
      at[axis] = offset;
      results[i]![name] = cut(out, at, dims);
    }
    offset += item.rows;
  }
  return results;
}
