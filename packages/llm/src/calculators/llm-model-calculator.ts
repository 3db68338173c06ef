import { isAbsolute, resolve } from 'node:path';
import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { Engine } from '../engine/engine.js';
import { loadModelInfo } from '../model/load-model-info.js';
import type { ModelInfo } from '../model/model-info.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';

/**
 * Opens a model directory once per graph (`scope: 'graph'`) and shares it with every run: the
 * batching `ENGINE` (onnxruntime in a worker thread), the `TOKENIZER` and the `MODEL_INFO`.
 * `model_dir` is resolved against the graph file's directory; the engine is closed when the graph
 * is disposed.
 *
 * Example config:
 * ```yaml
 * - calculator: LlmModelCalculator
 *   output_side_packet: [ENGINE:engine, TOKENIZER:tokenizer, MODEL_INFO:model_info]
 *   options: { model_dir: ../models/tiny-llama, threads: 2, max_num_seqs: 16 }
 * ```
 */
export const LlmModelCalculator = defineCalculator({
  name: 'LlmModelCalculator',
  description: describeCalculator(
    'Loads a model directory (Optimum or onnxruntime-genai layout) once per graph and shares its engine, tokenizer and model info as side packets.',
    `
- calculator: LlmModelCalculator
  output_side_packet: [ENGINE:engine, TOKENIZER:tokenizer, MODEL_INFO:model_info]
  options: { model_dir: ../models/tiny-llama, threads: 2, max_num_seqs: 16 }
`,
  ),
  scope: 'graph',
  outputSidePackets: {
    ENGINE: {
      type: t.named<Engine>('LlmEngine', (v) => v instanceof Engine),
      description: 'the shared batching engine',
    },
    TOKENIZER: {
      type: t.named<Tokenizer>('LlmTokenizer', (v) => v instanceof Tokenizer),
      description: 'the model tokenizer',
    },
    MODEL_INFO: {
      type: t.named<ModelInfo>('LlmModelInfo'),
      description: 'what the model directory declares (context length, vocabulary, EOS ids, chat template)',
    },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['model_dir'],
    properties: {
      model_dir: { type: 'string', minLength: 1, description: 'model directory, relative to the graph file' },
      dtype: {
        type: 'string',
        description: 'ONNX variant (fp32, fp16, q8, q4...); default fp32 when present',
      },
      threads: {
        type: 'integer',
        minimum: 1,
        description: 'onnxruntime intra-op threads (default: all cores)',
      },
      max_num_seqs: { type: 'integer', minimum: 1, default: 16, description: 'live sequences at most' },
      max_num_batched_tokens: {
        type: 'integer',
        minimum: 1,
        default: 512,
        description: 'tokens per engine step at most',
      },
      kv_cache_tokens: {
        type: 'integer',
        minimum: 1,
        description: 'KV budget in tokens (default max_num_seqs × context)',
      },
      max_queued: {
        type: 'integer',
        minimum: 1,
        default: 256,
        description: 'waiting requests before new ones are refused (WEFT_ERR_ENGINE_QUEUE_FULL, a 429)',
      },
      max_restarts: {
        type: 'integer',
        minimum: 0,
        default: 5,
        description:
          'engine worker restarts allowed within restart_window_ms before the engine reports failed',
      },
      restart_window_ms: {
        type: 'integer',
        minimum: 1,
        default: 60000,
        description: 'the window of max_restarts, ms',
      },
      coupled_rows: {
        type: 'string',
        enum: ['per-row', 'batched'],
        default: 'per-row',
        description:
          'models whose numerics couple rows (q8 dynamic quantization): per-row keeps every answer independent of the batch, batched trades that for throughput',
      },
      spinning: {
        type: 'boolean',
        default: false,
        description:
          "onnxruntime's intra-op threads spin-wait between engine steps (off: they leave the cores to the main thread's sampling)",
      },
      share_buffer: {
        type: 'boolean',
        default: true,
        description: 'GroupQueryAttention models: past and present KV as one buffer written in place',
      },
      prefix_caching: {
        type: 'boolean',
        default: true,
        description:
          'automatic prefix caching: a prompt starting with token blocks an earlier prompt computed reuses their KV (inside the KV budget, LRU); always off for models whose numerics couple rows',
      },
      prefix_block_size: {
        type: 'integer',
        minimum: 1,
        default: 16,
        description: 'tokens per prefix-cache block: prefixes are reused in whole blocks',
      },
      prefix_cache_bytes: {
        type: 'integer',
        minimum: 1,
        default: 536870912,
        description:
          'KV bytes the prefix cache keeps at most (default 512 MiB), below what the KV budget leaves it',
      },
    },
  },
  create() {
    let engine: Engine | undefined;
    return {
      async open(ctx) {
        const o = ctx.options;
        const dir = isAbsolute(o.model_dir)
          ? o.model_dir
          : resolve(ctx.graphDir ?? process.cwd(), o.model_dir);
        const info = loadModelInfo(dir, o.dtype === undefined ? {} : { dtype: o.dtype });
        const tokenizer = Tokenizer.load(info.tokenizerFile);
        engine = await Engine.start(dir, {
          ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
          ...(o.threads === undefined ? {} : { threads: o.threads }),
          ...(o.kv_cache_tokens === undefined ? {} : { kvCacheTokens: o.kv_cache_tokens }),
          maxNumSeqs: o.max_num_seqs,
          maxNumBatchedTokens: o.max_num_batched_tokens,
          maxQueued: o.max_queued,
          maxRestarts: o.max_restarts,
          restartWindowMs: o.restart_window_ms,
          coupledRows: o.coupled_rows,
          shareBuffer: o.share_buffer,
          prefixCaching: o.prefix_caching,
          prefixBlockSize: o.prefix_block_size,
          prefixCacheBytes: o.prefix_cache_bytes,
          spinning: o.spinning,
        });
        ctx.setOutputSidePacket('ENGINE', engine);
        ctx.setOutputSidePacket('TOKENIZER', tokenizer);
        ctx.setOutputSidePacket('MODEL_INFO', info);
      },
      async close() {
        await engine?.close();
        engine = undefined;
      },
    };
  },
});
