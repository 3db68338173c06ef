import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { appendOnlyKv } from '../builder/append-kv-rewrite.js';
import { addLogitsToKeep, type LogitsToKeepRewrite } from '../builder/logits-to-keep-rewrite.js';
import { ModelOptimizeError } from '../errors/llm-errors.js';
import { ModelSession } from '../runtime/model-session.js';
import { modelSourceFromInfo } from '../runtime/model-source.js';
import { SequenceBatch } from '../runtime/sequence-batch.js';
import { argmax } from '../sampling/select-top.js';
import { type LoadModelInfoOptions, loadModelInfo } from './load-model-info.js';

export interface OptimizeOptions extends LoadModelInfoOptions {
  /** Where to write the rewritten model (default: over the chosen ONNX file, once verified). */
  output?: string;
  /**
   * Also make the KV outputs return the new positions only (`appendOnlyKv`): the engine then
   * appends them to KV it keeps, instead of receiving the whole KV back on every step. The result
   * runs in Weft only (other runtimes expect full present outputs).
   */
  appendKv?: boolean;
}

export interface OptimizeReport {
  /** The ONNX file that was read. */
  file: string;
  /** The file written; undefined when the model already had what was asked (nothing written). */
  output: string | undefined;
  /** The input the model now has, e.g. `num_logits_to_keep`. */
  input: string;
  /** Per graph (`main`, or the `If` branches of a merged decoder): the LM head and the value sliced. */
  heads: LogitsToKeepRewrite['heads'];
  /** Largest difference between the original's and the rewritten model's logits on the probe. */
  maxLogitDifference: number;
  /** KV outputs that now return new positions only (`appendKv`); empty when none were rewritten. */
  appendedKv: string[];
}

/** Largest logit difference accepted; models quantizing the head dynamically get the looser one. */
const EXACT = 1e-4;
const DYNAMIC_QUANT = 0.05;

/**
 * `weft model optimize`: gives a decoder a `num_logits_to_keep` input (see `addLogitsToKeep`), so
 * the engine's prefill runs the LM head on the last position only, and with `appendKv` KV outputs
 * of the new positions only (see `appendOnlyKv`). The rewritten model is checked
 * before it replaces anything: both are opened with onnxruntime and run on a probe batch (two
 * prompts of different lengths, then a decode step), and their last-position logits must agree.
 * Weights in external data stay where they are (the new file goes in the same folder).
 */
export async function optimizeModel(dir: string, options: OptimizeOptions = {}): Promise<OptimizeReport> {
  const info = loadModelInfo(dir, options);
  const file = info.onnxFile;
  const output = options.output === undefined ? file : resolve(options.output);
  if (info.externalDataFiles.length > 0 && dirname(output) !== dirname(file)) {
    throw new ModelOptimizeError(
      `${file} keeps its weights in ${info.externalDataFiles.map((f) => basename(f)).join(', ')}, found by a path relative to the model; write the optimized model into ${dirname(file)}, not ${dirname(output)}`,
    );
  }
  const source = modelSourceFromInfo(info);
  const original = await ModelSession.open(source, { threads: 1 });
  try {
    const { io } = original;
    const addKeep = io.logitsToKeep === undefined;
    const append = options.appendKv === true && io.kvOutputs === 'present';
    if (!addKeep && !append) {
      return {
        file,
        output: undefined,
        input: io.logitsToKeep!.name,
        heads: [],
        maxLogitDifference: 0,
        appendedKv: [],
      };
    }
    let model: Uint8Array = readFileSync(file);
    let heads: LogitsToKeepRewrite['heads'] = [];
    let appendedKv: string[] = [];
    if (addKeep) ({ model, heads } = addLogitsToKeep(model, file, io.logits));
    if (append) {
      ({ model, outputs: appendedKv } = appendOnlyKv(
        model,
        file,
        io.inputIds,
        io.kv.map((b) => b.output),
      ));
    }
    const tmp = join(dirname(output), `.${basename(output)}.weft-optimize-${process.pid}.tmp`);
    writeFileSync(tmp, model);
    try {
      const rewritten = await ModelSession.open({ ...source, onnxPath: tmp }, { threads: 1 });
      let diff: number;
      try {
        if (!rewritten.io.logitsToKeep || (append && !rewritten.batching.appendKv)) {
          throw new ModelOptimizeError(`internal: ${tmp} lacks what the rewrite added`);
        }
        diff = await probeDifference(original, rewritten);
      } finally {
        await rewritten.close();
      }
      const dynamic = heads.some((h) => h.ops.includes('DynamicQuantizeLinear'));
      const limit = dynamic ? DYNAMIC_QUANT : EXACT;
      if (!(diff <= limit)) {
        throw new ModelOptimizeError(
          `the rewritten ${file} gives logits up to ${diff} away from the original's (more than ${limit}); the model is left as it was`,
        );
      }
      renameSync(tmp, output);
      return {
        file,
        output,
        input: rewritten.io.logitsToKeep.name,
        heads,
        maxLogitDifference: diff,
        appendedKv,
      };
    } finally {
      rmSync(tmp, { force: true });
    }
  } finally {
    await original.close();
  }
}

/**
 * Prefill two prompts of different lengths in one batch, then four decode steps (tokens chosen
 * greedily by the original); the largest logit gap.
 */
async function probeDifference(a: ModelSession, b: ModelSession): Promise<number> {
  const vocab = a.vocabSize;
  const prompts = [
    Array.from({ length: 9 }, (_, i) => (i * 37 + 3) % vocab),
    Array.from({ length: 4 }, (_, i) => (i * 53 + 11) % vocab),
  ];
  let worst = 0;
  const batches = [SequenceBatch.empty(a, 2), SequenceBatch.empty(b, 2)] as const;
  let tokens: number[][] = prompts;
  for (let step = 0; step < 5; step++) {
    const [x, y] = [await batches[0].step(tokens), await batches[1].step(tokens)];
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    const next = [0, 1].map((r) => argmax(x.subarray(r * vocab, (r + 1) * vocab)));
    tokens = next.map((t) => [t]);
  }
  return worst;
}
