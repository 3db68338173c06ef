import { UnsupportedModelError } from './runtime-errors.js';

/** Element type of `input_ids` / `attention_mask` / `position_ids`. */
export type IdDtype = 'int32' | 'int64';
/** Element type of the KV cache and logits. */
export type FloatDtype = 'float32' | 'float16';

/**
 * One past/present pair. `packed` KV (onnxruntime-genai `past_N`) has shape `[2, batch, heads, seq,
 * head]` (key and value stacked); otherwise `[batch, heads, seq, head]` for one of key or value.
 */
export interface KvBinding {
  readonly input: string;
  readonly output: string;
  readonly layer: number;
  readonly packed: boolean;
}

/** The `num_logits_to_keep` input: its name, element type and shape (`[]` or `[1]`). */
export interface LogitsToKeepInput {
  readonly name: string;
  readonly dtype: IdDtype;
  readonly dims: readonly number[];
}

export type KvOutputs = 'present' | 'new-positions';

/** Suffix of a present output that holds only the new positions (`present.0.key.new_positions`). */
export const NEW_POSITIONS_SUFFIX = '.new_positions';

/** Everything the batched step needs to know about a decoder session, read from its metadata. */
export interface ModelIo {
  readonly inputIds: string;
  readonly attentionMask: string;
  /** Absent when the graph derives positions itself. */
  readonly positionIds: string | undefined;
  /**
   * A merged decoder's boolean switch (Optimum `decoder_model_merged`): false on a run with no
   * past KV (the graph takes its no-past branch), true once there is one.
   */
  readonly useCacheBranch: string | undefined;
  /**
   * How many trailing positions get logits (`num_logits_to_keep`, or `logits_to_keep` in newer
   * exports; 0 = all): a prefill then pays the LM head for the positions it reads only.
   */
  readonly logitsToKeep: LogitsToKeepInput | undefined;
  readonly logits: string;
  readonly idDtype: IdDtype;
  readonly maskDtype: IdDtype;
  readonly positionDtype: IdDtype;
  readonly logitsDtype: FloatDtype;
  readonly kv: readonly KvBinding[];
  /**
   * What the KV outputs hold: `present` = past and new positions (the usual export), or
   * `new-positions` = only the positions of this run (`weft model optimize --append-kv`; the
   * caller keeps the KV and appends them).
   */
  readonly kvOutputs: KvOutputs;
  readonly kvDtype: FloatDtype;
  readonly numLayers: number;
  readonly kvHeads: number;
  readonly headSize: number;
  /** From the logits shape when static, else undefined (the config then decides). */
  readonly vocabSize: number | undefined;
}

/** The part of onnxruntime's `InferenceSession.*Metadata` entries this module reads. */
export interface TensorMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

/** Names a config can impose (genai_config.json); the defaults follow the Optimum layout. */
export interface IoNameHints {
  readonly inputIds?: string;
  readonly attentionMask?: string;
  readonly positionIds?: string;
  readonly logits?: string;
  /** e.g. `past_%d` or `past_key_values.%d.key` (genai style patterns). */
  readonly pastNames?: readonly string[];
  readonly presentNames?: readonly string[];
}

/** Head counts and sizes from the config, used when the metadata leaves them symbolic. */
export interface KvShapeHints {
  readonly kvHeads?: number;
  readonly headSize?: number;
}

const PER_LAYER = /^past_key_values\.(\d+)\.(key|value)$/;
const USE_CACHE_BRANCH = 'use_cache_branch';
/** transformers' name, and the one of exports from transformers 4.50 on. */
const LOGITS_TO_KEEP = ['num_logits_to_keep', 'logits_to_keep'];
const GENERIC_PAST = /^past\D*?(\d+)(?:\D.*)?$/;

function idType(file: string, meta: TensorMetadata | undefined, what: string): IdDtype {
  if (meta?.type === 'int32' || meta?.type === 'int64') return meta.type;
  throw new UnsupportedModelError(file, `${what} has element type "${meta?.type}", expected int32 or int64`);
}

function floatType(file: string, meta: TensorMetadata | undefined, what: string): FloatDtype {
  if (meta?.type === 'float32' || meta?.type === 'float16') return meta.type;
  throw new UnsupportedModelError(
    file,
    `${what} has element type "${meta?.type}", expected float32 or float16`,
  );
}

function patternToRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%d', '(\\d+)');
  return new RegExp(`^${escaped}$`);
}

function presentNameFor(past: string, outputs: ReadonlySet<string>, hints: IoNameHints): string | undefined {
  if (hints.pastNames && hints.presentNames) {
    for (let i = 0; i < hints.pastNames.length; i++) {
      const m = patternToRegex(hints.pastNames[i]!).exec(past);
      const present = hints.presentNames[i];
      if (!m || !present) continue;
      const name = present.replace('%d', m[1]!);
      return outputs.has(`${name}${NEW_POSITIONS_SUFFIX}`) ? `${name}${NEW_POSITIONS_SUFFIX}` : name;
    }
  }
  const candidates = [past.replace(/^past_key_values/, 'present'), past.replace(/^past/, 'present')];
  return candidates.flatMap((c) => [c, `${c}${NEW_POSITIONS_SUFFIX}`]).find((c) => outputs.has(c));
}

/** Reads the decoder's I/O contract from session metadata; throws `UnsupportedModelError` naming `file`. */
export function describeModelIo(
  file: string,
  inputs: readonly TensorMetadata[],
  outputs: readonly TensorMetadata[],
  names: IoNameHints = {},
  shapes: KvShapeHints = {},
): ModelIo {
  const byName = new Map(inputs.map((m) => [m.name, m]));
  const outByName = new Map(outputs.map((m) => [m.name, m]));
  const inputIds = names.inputIds ?? 'input_ids';
  const attentionMask = names.attentionMask ?? 'attention_mask';
  const positionIds = names.positionIds ?? 'position_ids';
  const logits = names.logits ?? 'logits';
  for (const [n, what] of [
    [inputIds, 'input'],
    [attentionMask, 'input'],
  ] as const) {
    if (!byName.has(n)) throw new UnsupportedModelError(file, `no ${what} named "${n}"`);
  }
  if (!outByName.has(logits)) throw new UnsupportedModelError(file, `no output named "${logits}"`);

  const pastPatterns = (names.pastNames ?? []).map(patternToRegex);
  const outputSet = new Set(outByName.keys());
  const kv: KvBinding[] = [];
  const unknown: string[] = [];
  for (const meta of inputs) {
    if (meta.name === inputIds || meta.name === attentionMask || meta.name === positionIds) continue;
    if (meta.name === USE_CACHE_BRANCH) {
      if (meta.type !== 'bool') {
        throw new UnsupportedModelError(
          file,
          `input "${meta.name}" has element type "${meta.type}", expected bool`,
        );
      }
      continue;
    }
    if (LOGITS_TO_KEEP.includes(meta.name)) continue;
    const layerMatch =
      pastPatterns.map((p) => p.exec(meta.name)).find((m) => m !== null) ??
      PER_LAYER.exec(meta.name) ??
      GENERIC_PAST.exec(meta.name);
    if (!layerMatch) {
      unknown.push(meta.name);
      continue;
    }
    const output = presentNameFor(meta.name, outputSet, names);
    if (!output)
      throw new UnsupportedModelError(file, `KV input "${meta.name}" has no matching present output`);
    const rank = meta.shape?.length ?? 0;
    if (rank !== 4 && rank !== 5) {
      throw new UnsupportedModelError(file, `KV input "${meta.name}" has rank ${rank}, expected 4 or 5`);
    }
    kv.push({ input: meta.name, output, layer: Number(layerMatch[1]), packed: rank === 5 });
  }
  if (unknown.length > 0) {
    throw new UnsupportedModelError(file, `unexpected inputs ${unknown.map((u) => `"${u}"`).join(', ')}`);
  }
  if (kv.length === 0) throw new UnsupportedModelError(file, 'no past KV inputs');
  const appended = kv.filter((b) => b.output.endsWith(NEW_POSITIONS_SUFFIX));
  if (appended.length > 0 && (appended.length < kv.length || kv.some((b) => b.packed))) {
    throw new UnsupportedModelError(
      file,
      `${appended.length} of ${kv.length} KV outputs hold new positions only (${NEW_POSITIONS_SUFFIX}); all or none must, and not with packed KV`,
    );
  }

  const first = byName.get(kv[0]!.input)!;
  const dims = first.shape ?? [];
  const offset = kv[0]!.packed ? 1 : 0;
  const staticDim = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : undefined);
  const kvHeads = staticDim(dims[offset + 1]) ?? shapes.kvHeads;
  const headSize = staticDim(dims[offset + 3]) ?? shapes.headSize;
  if (kvHeads === undefined || headSize === undefined) {
    throw new UnsupportedModelError(file, `KV shape [${dims.join(', ')}] leaves heads or head size unknown`);
  }
  const kvDtype = floatType(file, first, `KV input "${first.name}"`);
  const logitsMeta = outByName.get(logits)!;
  const keepMeta = inputs.find((m) => LOGITS_TO_KEEP.includes(m.name));
  const vocab = logitsMeta.shape?.[2];
  return {
    inputIds,
    attentionMask,
    positionIds: byName.has(positionIds) ? positionIds : undefined,
    useCacheBranch: byName.has(USE_CACHE_BRANCH) ? USE_CACHE_BRANCH : undefined,
    logitsToKeep: keepMeta && logitsToKeepInput(file, keepMeta),
    logits,
    idDtype: idType(file, byName.get(inputIds), `input "${inputIds}"`),
    maskDtype: idType(file, byName.get(attentionMask), `input "${attentionMask}"`),
    positionDtype: byName.has(positionIds)
      ? idType(file, byName.get(positionIds), `input "${positionIds}"`)
      : 'int64',
    logitsDtype: floatType(file, logitsMeta, `output "${logits}"`),
    kv,
    kvOutputs: appended.length > 0 ? 'new-positions' : 'present',
    kvDtype,
    numLayers: new Set(kv.map((b) => b.layer)).size,
    kvHeads,
    headSize,
    vocabSize: typeof vocab === 'number' && vocab > 0 ? vocab : undefined,
  };
}

function logitsToKeepInput(file: string, meta: TensorMetadata): LogitsToKeepInput {
  const rank = meta.shape?.length ?? 0;
  if (rank > 1 || (rank === 1 && meta.shape![0] !== 1 && typeof meta.shape![0] === 'number')) {
    throw new UnsupportedModelError(
      file,
      `input "${meta.name}" has shape [${meta.shape!.join(', ')}], expected a scalar or [1]`,
    );
  }
  return {
    name: meta.name,
    dtype: idType(file, meta, `input "${meta.name}"`),
    dims: rank === 0 ? [] : [1],
  };
}
