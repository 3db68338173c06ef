import type { OpCounts } from '../model/onnx-graph-scan.js';
import type { ModelIo } from './model-io.js';

/**
 * Where each row's KV sits in a batch: `left` = right-aligned real tokens after left padding
 * (attention reads the mask), `right` = each row's KV from position 0 with its own length and
 * padding after it (attention reads per-row lengths, `seqlens_k`).
 */
export type RowAlignment = 'left' | 'right';

/**
 * How rows of a model whose numerics couple rows run: `per-row` (default) gives every row its own
 * session run, so a row's answer never depends on the batch; `batched` runs them together (faster,
 * but a row's logits move with its neighbours).
 */
export type CoupledRowsMode = 'per-row' | 'batched';

/** What the engine does with a model, decided from its graph (never from its name). */
export interface BatchingPlan {
  /** Attention operators found, e.g. `Attention`, `com.microsoft::GroupQueryAttention`. */
  readonly attentionOps: readonly string[];
  readonly rowAlignment: RowAlignment;
  /** Operators found whose result for a row depends on the other rows (empty: rows are independent). */
  readonly rowCouplingOps: readonly string[];
  /** One session run per row (coupled model in `per-row` mode). */
  readonly perRowRuns: boolean;
  /** Past and present KV are one preallocated tensor written in place (GroupQueryAttention only). */
  readonly shareBuffer: boolean;
  /**
   * The model returns the KV of new positions only (`weft model optimize --append-kv`): the engine
   * keeps each block's KV in tensors with room to grow and appends them (left alignment only).
   */
  readonly appendKv: boolean;
}

export interface BatchingOptions {
  /** For models whose numerics couple rows (default `per-row`). */
  readonly coupledRows?: CoupledRowsMode;
  /** GroupQueryAttention models: pass past and present as one buffer (default true). */
  readonly shareBuffer?: boolean;
  /**
   * Diagnostics only: force an alignment instead of the one the attention op needs. Forcing `left`
   * on a GroupQueryAttention model reproduces the wrong answers this plan exists to prevent.
   */
  readonly forceRowAlignment?: RowAlignment;
}

const GQA = 'com.microsoft::GroupQueryAttention';

/** Attention ops that read each row's length instead of the mask's layout, so need right alignment. */
const LENGTH_ATTENTION = new Set([GQA, 'com.microsoft::SparseAttention', 'com.microsoft::PagedAttention']);

const ATTENTION = new Set([
  ...LENGTH_ATTENTION,
  'Attention',
  'com.microsoft::Attention',
  'com.microsoft::MultiHeadAttention',
  'com.microsoft::DecoderMaskedMultiHeadAttention',
  'com.microsoft::PackedMultiHeadAttention',
]);

/**
 * Ops that compute one statistic over the whole input tensor, batch included: dynamic
 * quantization picks one activation scale for all rows at once.
 */
const ROW_COUPLING = new Set([
  'DynamicQuantizeLinear',
  'com.microsoft::DynamicQuantizeMatMul',
  'com.microsoft::DynamicQuantizeLSTM',
]);

/** Decides row alignment, per-row runs and share-buffer KV from the graph's operators. */
export function planBatching(ops: OpCounts, io: ModelIo, options: BatchingOptions = {}): BatchingPlan {
  const names = [...ops.keys()].sort();
  const attentionOps = names.filter((op) => ATTENTION.has(op));
  const rowCouplingOps = names.filter((op) => ROW_COUPLING.has(op));
  const needsRight = attentionOps.some((op) => LENGTH_ATTENTION.has(op));
  const rowAlignment = options.forceRowAlignment ?? (needsRight ? 'right' : 'left');
  const perRowRuns = rowCouplingOps.length > 0 && (options.coupledRows ?? 'per-row') === 'per-row';
  // In place writes need one KV tensor per past input; packed past (genai `past_N`) is not used
  // with GroupQueryAttention.
  const shareBuffer =
    (options.shareBuffer ?? true) &&
    rowAlignment === 'right' &&
    ops.has(GQA) &&
    io.kv.every((b) => !b.packed);
  const appendKv = io.kvOutputs === 'new-positions';
  return {
    attentionOps,
    rowAlignment,
    rowCouplingOps,
    perRowRuns,
    shareBuffer,
    appendKv,
  };
}
