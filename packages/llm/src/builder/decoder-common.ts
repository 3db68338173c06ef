import type { ModelKind } from './model-kind.js';
import { attr, type OnnxGraphBuilder } from './onnx-graph-builder.js';
import type { TinyShape } from './presets.js';
import { linear } from './quantized-linear.js';
import { SeededRandom } from './seeded-random.js';

/** The scalar int64 input of exports that compute logits for the last positions only (transformers' name). */
export const LOGITS_TO_KEEP_INPUT = 'num_logits_to_keep';

/** Everything a decoder graph writer needs. */
export interface DecoderSpec {
  shape: TinyShape;
  vocabSize: number;
  /** Ids the tokenizer knows; `vocabSize` may pad beyond them (those head columns are zero). */
  tokenizerVocab: number;
  /** Ids the output head should rarely pick (special tokens), so greedy text keeps going. */
  quietIds: readonly number[];
  seed: number;
  kind: ModelKind;
}

/** Per-tensor random streams: a tensor's values depend on the seed and its name only. */
export function weights(spec: DecoderSpec, name: string, count: number, std: number, mean = 0): Float32Array {
  return new SeededRandom(spec.seed, name).fill(count, std, mean);
}

/** Past KV names a decoder body reads (empty strings: no past, as in a merged decoder's first step). */
export interface PastNames {
  key: string;
  value: string;
}

/** Names a decoder body writes its results to (an empty present name: not written). */
export interface BodyOutputs {
  logits: string;
  presentKey: string[];
  presentValue: string[];
  /** Set: the final normed hidden states go here instead of through the LM head (feature extraction). */
  lastHiddenState?: string;
}

/** The decoder's graph outputs under their Optimum names, with a prefix for the branches of an `If`. */
export function bodyOutputs(layers: number, prefix = ''): BodyOutputs {
  return {
    logits: `${prefix}logits`,
    presentKey: Array.from({ length: layers }, (_, i) => `${prefix}present.${i}.key`),
    presentValue: Array.from({ length: layers }, (_, i) => `${prefix}present.${i}.value`),
  };
}

/** Declares `names` as outputs of `g` (a model or an `If` branch) with the decoder's shapes. */
export function declareBodyOutputs(
  g: OnnxGraphBuilder,
  spec: DecoderSpec,
  kvHeads: number,
  names: BodyOutputs,
): void {
  const positions = spec.kind.logitsToKeep ? 'logits_length' : 'sequence_length';
  g.output(names.logits, 'float32', ['batch_size', positions, spec.vocabSize]);
  const dims = ['batch_size', kvHeads, 'total_sequence_length', spec.shape.headDim];
  for (let i = 0; i < spec.shape.layers; i++) {
    g.output(names.presentKey[i]!, 'float32', dims);
    g.output(names.presentValue[i]!, 'float32', dims);
  }
}

/**
 * Graph inputs of the Optimum decoder layout (position ids only when the graph reads them), with
 * the per-layer past names returned.
 */
export function declareDecoderInputs(
  g: OnnxGraphBuilder,
  spec: DecoderSpec,
  kvHeads: number,
  positionIds: boolean,
): PastNames[] {
  const { layers, headDim } = spec.shape;
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  if (positionIds) g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  if (spec.kind.logitsToKeep) g.input(LOGITS_TO_KEEP_INPUT, 'int64', []);
  const past: PastNames[] = [];
  for (let i = 0; i < layers; i++) {
    const dims = ['batch_size', kvHeads, 'past_sequence_length', headDim];
    past.push({
      key: g.input(`past_key_values.${i}.key`, 'float32', dims),
      value: g.input(`past_key_values.${i}.value`, 'float32', dims),
    });
  }
  return past;
}

/**
 * The boolean attention mask `[batch, 1, seq, total]`: a query at padded index `q` sees key `k`
 * when `k <= q` and the key is not padding. Each query also sees itself, so rows of pad tokens
 * never softmax over nothing (a NaN there would leak into real rows through 0 * NaN).
 */
export function buildAttentionMask(g: OnnxGraphBuilder): string {
  const zero = g.int64('const_zero', [], [0]);
  const one = g.int64('const_one', [], [1]);
  const axis0 = g.int64('const_axes_0', [1], [0]);
  const axis1 = g.int64('const_axes_1', [1], [1]);
  const axes12 = g.int64('const_axes_1_2', [2], [1, 2]);
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), one], { axis: attr.int(0) });
  const totalLen = g.op('Gather', [g.op('Shape', ['attention_mask']), one], { axis: attr.int(0) });
  const queryIdx = g.op('Range', [g.op('Sub', [totalLen, seqLen]), totalLen, one]);
  const keyIdx = g.op('Range', [zero, totalLen, one]);
  const queryCol = g.op('Unsqueeze', [queryIdx, axis1]);
  const keyRow = g.op('Unsqueeze', [keyIdx, axis0]);
  const causal = g.op('LessOrEqual', [keyRow, queryCol]);
  const self = g.op('Equal', [keyRow, queryCol]);
  const notPad = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: attr.int(9) }), axes12]);
  return g.op('Or', [g.op('And', [causal, notPad]), self]);
}

/**
 * Output head `[hidden, vocab]` whose column for token `v` is the embedding of a random other
 * token scaled down: a random model then tends to continue with a prompt-dependent "successor"
 * token instead of repeating one token forever, while attention still shifts the choice.
 */
export function successorHead(spec: DecoderSpec, embedding: Float32Array, scale: number): Float32Array {
  const { hiddenSize } = spec.shape;
  const vocab = spec.vocabSize;
  // Drawn over the tokenizer's ids only, so a padded model is the same model over those ids; the
  // padding columns stay zero (logit 0, below a real successor's).
  const real = spec.tokenizerVocab;
  // Only the first 64 hidden dimensions carry the successor signal and the noise shrinks with
  // width, so wider presets keep the tiny preset's balance between "last token" and "context".
  const signalDims = Math.min(hiddenSize, 64);
  const perm = new SeededRandom(spec.seed, 'lm_head.permutation').permutation(real);
  const noise = weights(
    spec,
    'lm_head.noise',
    hiddenSize * real,
    scale * 0.5 * Math.sqrt(signalDims / hiddenSize),
  );
  const quiet = new Set(spec.quietIds);
  const head = new Float32Array(hiddenSize * vocab);
  for (let v = 0; v < real; v++) {
    const src = perm[v]!;
    const gain = quiet.has(v) ? 0 : scale;
    for (let h = 0; h < hiddenSize; h++) {
      const signal = h < signalDims ? gain * embedding[src * hiddenSize + h]! : 0;
      head[h * vocab + v] = signal + noise[h * real + v]!;
    }
  }
  return head;
}

/**
 * The LM head on the final hidden states, writing `out.logits`. With `logitsToKeep` it reads
 * `hidden[:, -num_logits_to_keep:, :]` (0 keeps every position, as in transformers), so a prefill
 * pays for the positions whose logits are used only.
 */
export function lmHead(
  g: OnnxGraphBuilder,
  spec: DecoderSpec,
  hidden: string,
  head: Float32Array,
  out: BodyOutputs,
): void {
  let input = hidden;
  if (spec.kind.logitsToKeep) {
    const negated = g.op('Sub', [g.int64('const_zero', [], [0]), LOGITS_TO_KEEP_INPUT]);
    const start = g.op('Unsqueeze', [negated, g.int64('const_axes_0', [1], [0])]);
    // Slice clamps the end to the axis length; the largest exact double is as good as INT64_MAX.
    const end = g.int64('const_slice_end', [1], [Number.MAX_SAFE_INTEGER]);
    input = g.op('Slice', [hidden, start, end, g.int64('const_axes_1', [1], [1])]);
  }
  const { hiddenSize } = spec.shape;
  const logits = linear(g, input, 'lm_head.weight', head, hiddenSize, spec.vocabSize, spec.kind.quant);
  g.op('Identity', [logits], {}, out.logits);
}
