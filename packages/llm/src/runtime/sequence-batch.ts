import * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from './float16.js';
import { emptyKv, gatherKv, type KvArray, type KvRowRef } from './kv-gather.js';
import type { Feeds, ModelSession } from './model-session.js';
import { InvalidGenerateArgumentError } from './runtime-errors.js';
import { fillIds, idArray, idTensor, setId } from './step-inputs.js';
import { checkSequenceLength, checkTokenIds } from './token-limits.js';

/** A row of some batch, used to assemble a new batch (`SequenceBatch.gather`). */
export interface BatchRowRef {
  readonly batch: SequenceBatch;
  readonly row: number;
}

/**
 * Rows that share one session run: one KV tensor per past input with `width` used positions
 * (`capacity` allocated: more than `width` only with share-buffer or appended KV).
 */
interface Block {
  kv: ort.Tensor[];
  lens: number[];
  width: number;
  capacity: number;
}

// Share-buffer and appended KV grow in steps of this many positions: each growth copies the real
// positions; each step pays for the capacity (share-buffer: onnxruntime-node's copy of every
// output; appended: the masked room the attention reads past).
const CAPACITY_STEP = 64;

/**
 * Sequences that run through the model together. The model's `BatchingPlan` decides the layout:
 * - `left` alignment: row i holds `lengths[i]` real tokens at the end of a common width (left
 *   padding, masked out); positions come from each row's own length, so a padded row sees exactly
 *   what it would see alone. Attention ops that read the mask need this.
 * - `right` alignment: row i's KV starts at position 0 and the mask is ones for its own length
 *   only (`seqlens_k` = ones − 1); new tokens go at each row's own position. GroupQueryAttention
 *   needs this; with share-buffer KV the past tensor is also the pre-allocated present output and
 *   the op writes only the new positions.
 * - per-row runs (models whose numerics couple rows): each row is its own block and session run.
 * - appended KV (models whose KV outputs hold the new positions only, left alignment): the past
 *   fed is the block's whole tensor, `capacity` positions of which `[width, capacity)` are masked
 *   room; the new positions come back small and are copied in at `width`. Nothing of the size of
 *   the KV crosses onnxruntime-node's binding, which copies every output.
 *
 * The present KV of one step is fed back as the past of the next without copying; only `gather`
 * (rows joining, leaving, forking) copies, and it squeezes padding out while doing so.
 */
export class SequenceBatch {
  readonly model: ModelSession;
  private blocks: Block[];

  private constructor(model: ModelSession, blocks: Block[]) {
    this.model = model;
    this.blocks = blocks;
  }

  /** A batch of `rows` empty sequences, ready for a (padded) prefill. */
  static empty(model: ModelSession, rows: number): SequenceBatch {
    const sizes = model.batching.perRowRuns ? new Array<number>(rows).fill(1) : rows > 0 ? [rows] : [];
    return new SequenceBatch(
      model,
      sizes.map((n) => emptyBlock(model, n)),
    );
  }

  /**
   * A new batch whose row i continues `rows[i]` (rows may repeat: forks share the source's KV).
   * Returns the source unchanged when `rows` is exactly all of one batch in order.
   */
  static gather(model: ModelSession, rows: readonly BatchRowRef[]): SequenceBatch {
    if (rows.length === 0) return SequenceBatch.empty(model, 0);
    const first = rows[0]!.batch;
    if (rows.length === first.rows && rows.every((r, i) => r.batch === first && r.row === i)) return first;
    const refs = rows.map((r) => r.batch.rowRef(r.row));
    const groups = model.batching.perRowRuns ? refs.map((r) => [r]) : [refs];
    return new SequenceBatch(
      model,
      groups.map((g) => gatherBlock(model, g)),
    );
  }

  /**
   * A one-row batch over KV the caller built (a cached prefix): `length` real positions from 0 in
   * tensors of `prefixCapacity(model, length)` positions.
   */
  static fromRowKv(model: ModelSession, kv: ort.Tensor[], length: number): SequenceBatch {
    return new SequenceBatch(model, [
      { kv, lens: [length], width: length, capacity: prefixCapacity(model, length) },
    ]);
  }

  get rows(): number {
    let n = 0;
    for (const b of this.blocks) n += b.lens.length;
    return n;
  }

  /** Used KV positions of the widest block (real tokens plus padding). */
  get seqLen(): number {
    return Math.max(0, ...this.blocks.map((b) => b.width));
  }

  /** Real tokens in the KV of each row. */
  get lengths(): readonly number[] {
    return this.blocks.flatMap((b) => b.lens);
  }

  /** Where row `row`'s KV is (for copying it out; the tensors change with the next step). */
  rowRef(row: number): KvRowRef {
    let r = row;
    for (const b of this.blocks) {
      if (r < b.lens.length) return { tensors: b.kv, row: r, length: b.lens[r]!, width: b.width };
      r -= b.lens.length;
    }
    throw new InvalidGenerateArgumentError(`row ${row} is not a row of this batch (${this.rows} rows)`);
  }

  /**
   * Feeds new tokens (one list per row) and returns the logits after each row's last token,
   * `rows × vocab`. Rows may get different token counts only while the batch is empty (a padded
   * prefill); afterwards every row gets the same count.
   */
  async step(tokens: readonly (readonly number[])[]): Promise<Float32Array> {
    const { vocabSize, contextLength } = this.model;
    if (tokens.length !== this.rows) {
      throw new InvalidGenerateArgumentError(
        `step got token lists for ${tokens.length} rows, the batch has ${this.rows}`,
      );
    }
    const empty = this.blocks.every((b) => b.width === 0);
    let chunk = 0;
    for (const t of tokens) chunk = Math.max(chunk, t.length);
    const lens = this.lengths;
    for (let i = 0; i < tokens.length; i++) {
      const row = tokens[i]!;
      if (row.length === 0 || (!empty && row.length !== chunk)) {
        throw new InvalidGenerateArgumentError(
          `row ${i} got ${row.length} tokens; every row needs ${chunk} (uneven counts only on an empty batch)`,
        );
      }
      checkTokenIds(row, vocabSize);
      checkSequenceLength(lens[i]! + row.length, contextLength);
    }
    const out = new Float32Array(tokens.length * vocabSize);
    let first = 0;
    for (const block of this.blocks) {
      const own = tokens.slice(first, first + block.lens.length);
      out.set(await runBlock(this.model, block, own), first * vocabSize);
      first += block.lens.length;
    }
    return out;
  }
}

function emptyBlock(model: ModelSession, rows: number): Block {
  const { io } = model;
  return {
    kv: emptyKv(io.kv, io.kvDtype, rows, io.kvHeads, io.headSize),
    lens: new Array<number>(rows).fill(0),
    width: 0,
    capacity: 0,
  };
}

function gatherBlock(model: ModelSession, refs: readonly KvRowRef[], minCapacity = 0): Block {
  const { io, batching } = model;
  const lens = refs.map((r) => r.length);
  const width = Math.max(0, ...lens);
  // Room for at least the next token, so a gathered batch does not grow on its first step. An
  // empty appended block stays empty: a merged decoder's first run takes its no-past branch.
  const roomy = batching.shareBuffer || (batching.appendKv && width > 0);
  const capacity = roomy ? roomFor(model, Math.max(width + 1, minCapacity)) : width;
  const kv = gatherKv(io.kv, io.kvDtype, refs, capacity, batching.rowAlignment, width);
  return { kv, lens, width, capacity };
}

/** Positions to allocate for a one-row KV of `length` positions (`SequenceBatch.fromRowKv`). */
export function prefixCapacity(model: ModelSession, length: number): number {
  const { shareBuffer, appendKv } = model.batching;
  return shareBuffer || appendKv ? roomFor(model, length + 1) : length;
}

function roomFor(model: ModelSession, positions: number): number {
  return Math.min(model.contextLength, Math.ceil(positions / CAPACITY_STEP) * CAPACITY_STEP);
}

/** One session run for a block's rows; returns their last-token logits `rows × vocab`. */
async function runBlock(
  model: ModelSession,
  block: Block,
  tokens: readonly (readonly number[])[],
): Promise<Float32Array> {
  const { io, batching, vocabSize } = model;
  const align = batching.rowAlignment;
  const batch = tokens.length;
  let chunk = 0;
  for (const t of tokens) chunk = Math.max(chunk, t.length);
  // Left: every row's KV ends at `width`, so the new tokens extend all rows to width + chunk.
  // Right: each row ends at its own length; the widest decides the mask's width.
  // Appended KV: the whole tensor is fed as past, its unused room masked; new tokens follow it.
  // Room plus chunk may not pass the context length (exports with a fixed-size causal mask
  // table would fail): near the end the block first drops its room.
  if (batching.appendKv && block.capacity + chunk > model.contextLength && block.capacity > block.width) {
    resizeAppended(model, block, block.width);
  }
  const past = batching.appendKv ? block.capacity : block.width;
  let total = past + chunk;
  if (align === 'right') total = Math.max(...block.lens.map((len, i) => len + tokens[i]!.length));
  // A merged decoder's no-past branch computes a present of exactly `total` positions: no in place.
  const inPlace = batching.shareBuffer && !(io.useCacheBranch && block.width === 0);
  if (inPlace && total > block.capacity) {
    const refs = block.lens.map((length, row) => ({ tensors: block.kv, row, length, width: block.width }));
    Object.assign(block, gatherBlock(model, refs, total));
  }
  const ids = idArray(io.idDtype, batch * chunk);
  const positions = idArray(io.positionDtype, batch * chunk);
  const mask = idArray(io.maskDtype, batch * total);
  for (let i = 0; i < batch; i++) {
    const row = tokens[i]!;
    const len = block.lens[i]!;
    const pad = chunk - row.length;
    // Left pads before the tokens, right after; pad ids and positions are never attended.
    const at = align === 'left' ? pad : 0;
    fillIds(ids, model.padTokenId, i * chunk, (i + 1) * chunk);
    for (let j = 0; j < row.length; j++) {
      setId(ids, i * chunk + at + j, row[j]!);
      setId(positions, i * chunk + at + j, len + j);
    }
    const realAfter = len + row.length;
    if (align === 'right') fillIds(mask, 1, i * total, i * total + realAfter);
    else if (past === block.width) fillIds(mask, 1, i * total + (total - realAfter), (i + 1) * total);
    else {
      fillIds(mask, 1, i * total + block.width - len, i * total + block.width);
      fillIds(mask, 1, i * total + past + pad, (i + 1) * total);
    }
  }
  const feeds: Feeds = {
    [io.inputIds]: idTensor(io.idDtype, ids, [batch, chunk]),
    [io.attentionMask]: idTensor(io.maskDtype, mask, [batch, total]),
  };
  if (io.positionIds) feeds[io.positionIds] = idTensor(io.positionDtype, positions, [batch, chunk]);
  if (io.useCacheBranch) {
    feeds[io.useCacheBranch] = new ort.Tensor('bool', Uint8Array.of(block.width > 0 ? 1 : 0), [1]);
  }
  // Each row's last token: at the chunk's end when left-aligned, after its own tokens when right-aligned.
  const lastAt = tokens.map((t) => (align === 'left' ? chunk - 1 : t.length - 1));
  if (io.logitsToKeep) {
    // The trailing positions that hold every row's last token (1 unless right-aligned rows differ).
    const keep = chunk - Math.min(...lastAt);
    const { name, dtype, dims } = io.logitsToKeep;
    const value = idArray(dtype, 1);
    setId(value, 0, keep);
    feeds[name] = idTensor(dtype, value, dims);
  }
  for (let k = 0; k < io.kv.length; k++) feeds[io.kv[k]!.input] = block.kv[k]!;
  let out: Record<string, ort.Tensor>;
  if (inPlace) {
    // The same tensor as past and as the pre-allocated present: the op writes new positions in place.
    const fetches: Record<string, ort.Tensor | null> = { [io.logits]: null };
    for (let k = 0; k < io.kv.length; k++) fetches[io.kv[k]!.output] = block.kv[k]!;
    out = await model.run(feeds, fetches);
  } else if (batching.appendKv) {
    out = await model.run(feeds);
    appendPositions(model, block, out, chunk);
  } else {
    out = await model.run(feeds);
    block.kv = io.kv.map((b) => out[b.output]!);
    block.capacity = total;
  }
  block.width = batching.appendKv ? block.width + chunk : total;
  for (let i = 0; i < batch; i++) block.lens[i]! += tokens[i]!.length;
  return lastPositionLogits(out[io.logits]!, lastAt, chunk, vocabSize);
}

/**
 * Copies a run's new KV positions (`[batch, heads, chunk, head]` per output) into the block's
 * tensors at `width`, first moving the block to bigger tensors when they lack the room.
 */
function appendPositions(model: ModelSession, block: Block, out: Record<string, ort.Tensor>, chunk: number) {
  const { io } = model;
  const needed = block.width + chunk;
  if (needed > block.capacity) {
    // Room for the next token too, so a decode step right after a prefill does not grow again,
    // but leaving that next token inside the context (see runBlock).
    resizeAppended(
      model,
      block,
      Math.max(needed, Math.min(roomFor(model, needed + 1), model.contextLength - 1)),
    );
  }
  const rows = block.lens.length;
  const span = chunk * io.headSize;
  for (let k = 0; k < io.kv.length; k++) {
    const src = out[io.kv[k]!.output]!.data as KvArray;
    const dst = block.kv[k]!.data as KvArray;
    for (let rh = 0; rh < rows * io.kvHeads; rh++) {
      dst.set(src.subarray(rh * span, (rh + 1) * span), (rh * block.capacity + block.width) * io.headSize);
    }
  }
}

/** Moves an appended block's used positions to tensors of `capacity` positions. */
function resizeAppended(model: ModelSession, block: Block, capacity: number): void {
  const refs = block.lens.map((length, row) => ({ tensors: block.kv, row, length, width: block.width }));
  block.kv = gatherKv(model.io.kv, model.io.kvDtype, refs, capacity, 'left', block.width);
  block.capacity = capacity;
}

/**
 * `[batch, kept, vocab]` logits of the last `kept` of `chunk` positions (all of them unless the
 * model has `num_logits_to_keep`) → row i's position `lastAt[i]` as float32 `[batch, vocab]`.
 */
function lastPositionLogits(
  tensor: ort.Tensor,
  lastAt: readonly number[],
  chunk: number,
  vocab: number,
): Float32Array {
  const data = tensor.data as Float32Array | Uint16Array;
  const kept = tensor.dims[1] ?? chunk;
  const width = (tensor.dims[2] as number | undefined) ?? vocab;
  if (kept === 1 && width === vocab) {
    return data instanceof Float32Array ? data : float16ToFloat32(data);
  }
  const batch = lastAt.length;
  const first = chunk - kept;
  const out = new Float32Array(batch * vocab);
  for (let i = 0; i < batch; i++) {
    const from = (i * kept + lastAt[i]! - first) * width;
    const slice = data.subarray(from, from + vocab);
    if (slice instanceof Float32Array) out.set(slice, i * vocab);
    else float16ToFloat32(slice, out.subarray(i * vocab, (i + 1) * vocab));
  }
  return out;
}
