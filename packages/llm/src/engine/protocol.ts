import type { BatchingOptions, BatchingPlan } from '../runtime/batching-plan.js';
import type { ModelSource } from '../runtime/model-source.js';
import type { SampledToken } from '../sampling/request-sampler.js';
import type { SamplingParams } from '../sampling/sampling-params.js';
import type { PrefixPlan } from './prefix-cache.js';

/** Commands main → worker, sent in arrays on a dedicated port and read synchronously between steps. */
export type EngineCommand =
  | {
      readonly type: 'submit';
      readonly id: number;
      readonly prompt: readonly number[];
      readonly n: number;
      /** Cached blocks to start from and blocks to keep (prefix caching on). */
      readonly prefix: PrefixPlan | undefined;
      /** Set: the worker samples this one-row group itself and sends tokens, not logits. */
      readonly sampling?: EngineSampling | undefined;
    }
  | {
      readonly type: 'append';
      readonly id: number;
      readonly tokens: readonly number[];
      readonly parents: readonly number[] | undefined;
    }
  | {
      readonly type: 'finish';
      readonly id: number;
      /** Blocks of the finished sequence (prompt and fed tokens) to keep in the prefix cache. */
      readonly keep: PrefixPlan['store'];
    }
  /** Drop these prefix-cache blocks (evicted, or their prompt ended before its prefill was done). */
  | { readonly type: 'forget'; readonly blocks: readonly number[] }
  | { readonly type: 'close' }
  /**
   * Fault injection (`Engine.killWorker`): the worker exits with code 1 where it reads this, between
   * steps, as a crash would end it. (Terminating the thread from outside while onnxruntime runs can
   * abort the whole process in the native binding.)
   */
  | { readonly type: 'crash' };

/**
 * How the worker picks a one-row group's tokens (`SubmitOptions.sampling`): the request's sampling
 * parameters with the seed resolved, the ids that end it (EOS and stop token ids), its max new
 * tokens, and which RNG stream of the seed it draws from (its slot in the request).
 */
export interface EngineSampling {
  readonly params: SamplingParams & { readonly seed: number };
  readonly eosIds: readonly number[];
  readonly maxTokens: number;
  readonly stream: number;
}

/** What the model looks like, sent once the worker's session is open. */
export interface EngineModelInfo {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
  readonly numLayers: number;
  readonly kvHeads: number;
  readonly headSize: number;
  readonly kvDtype: string;
  /** KV bytes per token, every layer's key and value. */
  readonly kvBytesPerToken: number;
  /** Row alignment, per-row runs, share-buffer KV: what the engine does with this model. */
  readonly batching: BatchingPlan;
}

/**
 * One step's logits for several groups in one transferred buffer: group `ids[i]` owns rows
 * `[offsets[i], offsets[i] + rows[i])` of a `rows × vocab` float32 matrix.
 */
export interface LogitsEvent {
  readonly type: 'logits';
  readonly buffer: ArrayBuffer;
  readonly ids: readonly number[];
  readonly offsets: readonly number[];
  readonly rows: readonly number[];
  /** Prompt tokens whose prefill completed in this event (for the promptTokens counter), per id. */
  readonly prefilled: readonly number[];
}

/**
 * One step's tokens for the groups the worker samples: group `ids[i]` drew `sampled[i]` (with
 * `finish` set, the worker runs it no more and waits for its `finish` command).
 */
export interface TokensEvent {
  readonly type: 'tokens';
  readonly ids: number[];
  readonly sampled: SampledToken[];
  /** Cumulative raw logprob of each group's tokens so far (tracked only when logprobs are asked). */
  readonly cumLogprobs: number[];
  /** Prompt tokens whose prefill completed in this event, per id. */
  readonly prefilled: number[];
}

/** Events worker → main. */
export type EngineEvent =
  | { readonly type: 'ready'; readonly model: EngineModelInfo }
  | LogitsEvent
  | TokensEvent
  | {
      readonly type: 'error';
      readonly id: number;
      readonly name: string;
      readonly code: string | undefined;
      readonly message: string;
    }
  | {
      readonly type: 'fatal';
      readonly name: string;
      readonly code: string | undefined;
      readonly message: string;
    }
  | { readonly type: 'closed' };

/** Everything the worker needs at start. */
export interface EngineWorkerData {
  readonly source: ModelSource;
  readonly threads: number | undefined;
  readonly maxNumBatchedTokens: number;
  readonly readyWaitMs: number;
  readonly batching: BatchingOptions;
  /** Tokens per prefix-cache block; undefined: prefix caching off. */
  readonly prefixBlockSize: number | undefined;
  /** onnxruntime's intra-op spin-wait (see `ModelSessionOptions.spinning`). */
  readonly spinning: boolean;
  /** Int32 counter main bumps (and notifies) after each command, so the worker can sleep on it. */
  readonly wake: SharedArrayBuffer;
}
