import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { checkOnnxHeader, onnxLoadError } from '../model/onnx-files.js';
import { scanOnnxOps } from '../model/onnx-graph-scan.js';
import { type BatchingOptions, type BatchingPlan, planBatching } from './batching-plan.js';
import { describeModelIo, type ModelIo } from './model-io.js';
import { type ModelRef, type ModelSource, resolveModelSource } from './model-source.js';
import { UnsupportedModelError } from './runtime-errors.js';

export interface ModelSessionOptions {
  /** onnxruntime intra-op threads (default: all cores). Inter-op is always 1: decoders are sequential graphs. */
  readonly threads?: number;
  /** ONNX dtype variant when `source` is a directory (`fp32` = `model.onnx`, `fp16`, `quantized`, `q4`...). */
  readonly dtype?: string;
  /** Row-coupled models, share-buffer KV (see `BatchingPlan`). */
  readonly batching?: BatchingOptions;
  /**
   * Whether onnxruntime's intra-op threads spin-wait for work after a run (onnxruntime's default,
   * true). Off suits a session whose caller hands the cores to another thread between runs (the
   * engine's worker while the main thread samples): spinning threads would compete with it.
   */
  readonly spinning?: boolean;
}

export type Feeds = Record<string, ort.Tensor>;
export type Fetches = Record<string, ort.Tensor>;
/** Outputs to compute: `null` = allocate, a tensor = write into it (pre-allocated). */
export type FetchRequest = Record<string, ort.Tensor | null>;

/**
 * An onnxruntime-node session on a KV-cache decoder plus everything read from its metadata and
 * config: tensor names, id/KV dtypes, KV layout, vocab size and context length.
 *
 * ```ts
 * const model = await ModelSession.open('models/tiny-llama', { threads: 2 });
 * model.io.kvHeads; model.vocabSize; model.contextLength;
 * ```
 */
export class ModelSession {
  readonly io: ModelIo;
  /** Row alignment, per-row runs and share-buffer KV, decided from the graph's operators. */
  readonly batching: BatchingPlan;
  readonly source: ModelSource;
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly eosTokenIds: readonly number[];
  /** Token used for left padding (its value never matters: padded positions are masked). */
  readonly padTokenId: number;
  readonly threads: number;
  readonly session: ort.InferenceSession;

  private constructor(
    session: ort.InferenceSession,
    source: ModelSource,
    io: ModelIo,
    batching: BatchingPlan,
    threads: number,
  ) {
    this.session = session;
    this.source = source;
    this.io = io;
    this.batching = batching;
    this.threads = threads;
    // A config that disagrees with the weights would load and then refuse every prompt (ids checked
    // against one size, logits shaped by the other): refuse it here, with both numbers.
    if (io.vocabSize !== undefined && source.vocabSize !== undefined && io.vocabSize !== source.vocabSize) {
      throw new UnsupportedModelError(
        source.onnxPath,
        `the config says vocab_size ${source.vocabSize} but the ONNX logits have ${io.vocabSize} entries; fix vocab_size in config.json (or genai_config.json)`,
      );
    }
    const vocab = io.vocabSize ?? source.vocabSize;
    if (vocab === undefined) {
      throw new UnsupportedModelError(
        source.onnxPath,
        'vocab size is neither in the logits shape nor the config',
      );
    }
    this.vocabSize = vocab;
    this.contextLength = source.contextLength;
    this.eosTokenIds = source.eosTokenIds;
    this.padTokenId = source.padTokenId ?? source.eosTokenIds[0] ?? 0;
  }

  /** Opens a model directory (Optimum or genai layout), a `ModelInfo`, or an explicit `ModelSource`. */
  static async open(source: ModelRef, options: ModelSessionOptions = {}): Promise<ModelSession> {
    const resolved = resolveModelSource(source, { dtype: options.dtype });
    const file = resolved.onnxPath;
    checkOnnxHeader(file);
    const threads = options.threads ?? availableParallelism();
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        executionProviders: ['cpu'],
        ...(options.spinning === false && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
      });
    } catch (err) {
      throw onnxLoadError(file, new Error(firstLine((err as Error).message)));
    }
    try {
      const io = describeModelIo(
        file,
        session.inputMetadata as never,
        session.outputMetadata as never,
        resolved.names,
        resolved.shapes,
      );
      // After onnxruntime accepted the file, so a broken file is reported in onnxruntime's words.
      const plan = planBatching(scanOnnxOps(file), io, options.batching);
      if (plan.appendKv && plan.rowAlignment !== 'left') {
        throw new UnsupportedModelError(
          file,
          `its KV outputs hold new positions only, which the engine appends after left-aligned rows, but ${plan.attentionOps.join(', ') || 'the model'} needs right-aligned rows`,
        );
      }
      return new ModelSession(session, resolved, io, plan, threads);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  /**
   * One forward pass. Outputs are fresh buffers owned by the caller; with `fetches`, only those
   * outputs, pre-allocated ones written in place (onnxruntime-node still returns a copy).
   */
  run(feeds: Feeds, fetches?: FetchRequest): Promise<Fetches> {
    return (
      fetches ? this.session.run(feeds, fetches as never) : this.session.run(feeds)
    ) as Promise<Fetches>;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
