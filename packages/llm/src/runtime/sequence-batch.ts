import type * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from './float16.js';
import { emptyKv, gatherKv, type KvRowRef } from './kv-gather.js';
import type { Feeds, ModelSession } from './model-session.js';
import {
  ContextLengthExceededError,
  InvalidGenerateArgumentError,
  TokenIdOutOfRangeError,
} from './runtime-errors.js';
import { fillIds, idArray, idTensor, setId } from './step-inputs.js';

/** A row of some batch, used to assemble a new batch (`SequenceBatch.gather`). */
export interface BatchRowRef {
  readonly batch: SequenceBatch;
  readonly row: number;
}

/**
 * Sequences that run through the model together: a KV cache of `rows × seqLen` positions where row i
 * holds `lengths[i]` real tokens right-aligned (left padding, masked out). Positions come from the
 * mask (cumsum − 1), so a padded row sees exactly what it would see alone.
 *
 * The present KV of one step is fed back as the past of the next without copying; only `gather`
 * (rows joining, leaving, forking) copies, and it squeezes padding out while doing so.
 */
export class SequenceBatch {
  readonly model: ModelSession;
  private kv: ort.Tensor[];
  private lens: number[];
  private width: number;

  private constructor(model: ModelSession, kv: ort.Tensor[], lengths: number[], seqLen: number) {
    this.model = model;
    this.kv = kv;
    this.lens = lengths;
    this.width = seqLen;
  }

  /** A batch of `rows` empty sequences, ready for a (left-padded) prefill. */
  static empty(model: ModelSession, rows: number): SequenceBatch {
    const { io } = model;
    const kv = emptyKv(io.kv, io.kvDtype, rows, io.kvHeads, io.headSize);
    return new SequenceBatch(model, kv, new Array<number>(rows).fill(0), 0);
  }

  /**
   * A new batch whose row i continues `rows[i]` (rows may repeat: forks share the source's KV).
   * Returns the source unchanged when `rows` is exactly all of one batch in order.
   */
  static gather(model: ModelSession, rows: readonly BatchRowRef[]): SequenceBatch {
    if (rows.length === 0) return SequenceBatch.empty(model, 0);
    const first = rows[0]!.batch;
    if (rows.length === first.rows && rows.every((r, i) => r.batch === first && r.row === i)) return first;
    const refs: KvRowRef[] = rows.map((r) => ({
      tensors: r.batch.kv,
      row: r.row,
      length: r.batch.lens[r.row]!,
    }));
    const lengths = refs.map((r) => r.length);
    const seqLen = Math.max(0, ...lengths);
    const kv = gatherKv(model.io.kv, model.io.kvDtype, refs, seqLen);
    return new SequenceBatch(model, kv, lengths, seqLen);
  }

  get rows(): number {
    return this.lens.length;
  }

  /** Common KV length (real tokens plus left padding). */
  get seqLen(): number {
    return this.width;
  }

  /** Real tokens in the KV of each row. */
  get lengths(): readonly number[] {
    return this.lens;
  }

  /**
   * Feeds new tokens (one list per row) and returns the logits after each row's last token,
   * `rows × vocab`. Rows may get different token counts only while the batch is empty (a left-padded
   * prefill); afterwards every row gets the same count.
   */
  async step(tokens: readonly (readonly number[])[]): Promise<Float32Array> {
    const { io, vocabSize, contextLength } = this.model;
    const batch = this.rows;
    if (tokens.length !== batch) {
      throw new InvalidGenerateArgumentError(
        `step got token lists for ${tokens.length} rows, the batch has ${batch}`,
      );
    }
    let chunk = 0;
    for (const t of tokens) chunk = Math.max(chunk, t.length);
    for (let i = 0; i < batch; i++) {
      const row = tokens[i]!;
      if (row.length === 0 || (this.width > 0 && row.length !== chunk)) {
        throw new InvalidGenerateArgumentError(
          `row ${i} got ${row.length} tokens; every row needs ${chunk} (uneven counts only on an empty batch)`,
        );
      }
      for (let j = 0; j < row.length; j++) {
        const id = row[j]!;
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
          throw new TokenIdOutOfRangeError(id, j, vocabSize);
      }
      const total = this.lens[i]! + row.length;
      if (total > contextLength) throw new ContextLengthExceededError(total, contextLength);
    }
    const total = this.width + chunk;
    const ids = idArray(io.idDtype, batch * chunk);
    const positions = idArray(io.positionDtype, batch * chunk);
    const mask = idArray(io.maskDtype, batch * total);
    for (let i = 0; i < batch; i++) {
      const row = tokens[i]!;
      const pad = chunk - row.length;
      const realAfter = this.lens[i]! + row.length;
      fillIds(ids, this.model.padTokenId, i * chunk, i * chunk + pad);
      for (let j = 0; j < row.length; j++) {
        setId(ids, i * chunk + pad + j, row[j]!);
        setId(positions, i * chunk + pad + j, this.lens[i]! + j);
      }
      fillIds(mask, 1, i * total + (total - realAfter), (i + 1) * total);
    }
    const feeds: Feeds = {
      [io.inputIds]: idTensor(io.idDtype, ids, [batch, chunk]),
      [io.attentionMask]: idTensor(io.maskDtype, mask, [batch, total]),
    };
    if (io.positionIds) feeds[io.positionIds] = idTensor(io.positionDtype, positions, [batch, chunk]);
    for (let k = 0; k < io.kv.length; k++) feeds[io.kv[k]!.input] = this.kv[k]!;
    const out = await this.model.run(feeds);
    this.kv = io.kv.map((b) => out[b.output]!);
    this.width = total;
    for (let i = 0; i < batch; i++) this.lens[i]! += tokens[i]!.length;
    return lastPositionLogits(out[io.logits]!, batch, chunk, vocabSize);
  }
}

/** `[batch, chunk, vocab]` logits → the last position of each row as float32 `[batch, vocab]`. */
function lastPositionLogits(tensor: ort.Tensor, batch: number, chunk: number, vocab: number): Float32Array {
  const data = tensor.data as Float32Array | Uint16Array;
  const width = (tensor.dims[2] as number | undefined) ?? vocab;
  if (chunk === 1 && width === vocab) {
    return data instanceof Float32Array ? data : float16ToFloat32(data);
  }
  const out = new Float32Array(batch * vocab);
  for (let i = 0; i < batch; i++) {
    const from = (i * chunk + chunk - 1) * width;
    const slice = data.subarray(from, from + vocab);
    if (slice instanceof Float32Array) out.set(slice, i * vocab);
    else float16ToFloat32(slice, out.subarray(i * vocab, (i + 1) * vocab));
  }
  return out;
}
