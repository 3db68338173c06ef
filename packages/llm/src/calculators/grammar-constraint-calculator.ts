import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import { type GrammarEngine, grammarEngineFor, type TokenMatcher } from '../grammar/grammar-engine.js';
import type { ModelInfo } from '../model/model-info.js';
import type { TokenBitmask } from '../sampling/token-mask.js';
import { errorPacketType } from '../serving/graph-protocol.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { FORMAT_TEXT } from '../tools/tool-formats.js';
import { type GenerationJob, llmTypes, type StepSamples } from './llm-packets.js';
import { runRequestStage } from './request-stage.js';

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Grammar-constrained decoding (XGrammar), as a node between the tokenizer and the sampler. A job
 * with a constraint (`response_format`, tools) has its grammar compiled (cached per model) before
 * it is passed on, so a grammar that cannot be built is refused before any generation; each candidate
 * then gets a matcher, and MASK carries the allowed next tokens of every candidate for each step.
 * The mask for step t+1 depends only on the token sampled at t, so it is computed as soon as SAMPLES
 * of step t arrive, while the engine runs step t+1. A job without a constraint passes straight
 * through and MASK closes. Any calculator with these ports can take its place.
 *
 * Example config:
 * ```yaml
 * - calculator: GrammarConstraintCalculator
 *   input_stream: [JOB:tokenized, SAMPLES:samples]
 *   input_stream_info: [{ tag_index: SAMPLES, back_edge: true }]
 *   input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info]
 *   output_stream: [JOB:job, MASK:mask, ERROR:constraint_error]
 * ```
 */
export const GrammarConstraintCalculator = defineCalculator({
  name: 'GrammarConstraintCalculator',
  description: describeCalculator(
    'Compiles the request constraint (response_format, tools) with XGrammar and emits the allowed next tokens of each candidate per step, computed while the engine runs the step.',
    `
- calculator: GrammarConstraintCalculator
  input_stream: [JOB:tokenized, SAMPLES:samples]
  input_stream_info: [{ tag_index: SAMPLES, back_edge: true }]
  input_side_packet: [TOKENIZER:tokenizer, MODEL_INFO:model_info]
  output_stream: [JOB:job, MASK:mask, ERROR:constraint_error]
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request (timestamp 0)' },
    SAMPLES: { type: llmTypes.samples, description: 'sampled tokens per step (back edge from the sampler)' },
  },
  outputs: {
    JOB: { type: llmTypes.job, description: 'the same job, once its grammar is ready' },
    MASK: { type: llmTypes.masks, description: 'allowed tokens for step t+1, stamped t+1' },
    ERROR: {
      type: errorPacketType,
      optional: true,
      description: 'an error packet when the grammar cannot be built',
    },
  },
  inputSidePackets: {
    TOKENIZER: { type: t.named<Tokenizer>('LlmTokenizer') },
    MODEL_INFO: { type: t.named<ModelInfo>('LlmModelInfo') },
  },
  inputStreamHandler: 'immediate',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_whitespace: {
        type: 'integer',
        minimum: 0,
        maximum: 64,
        default: 2,
        description: 'whitespace characters allowed between JSON elements (bounds the output)',
      },
      cache_size: {
        type: 'integer',
        minimum: 1,
        default: 64,
        description: 'compiled grammars kept per model',
      },
      compile_timeout_ms: {
        type: 'integer',
        minimum: 10,
        default: 2000,
        description:
          'each new grammar is compiled first in a worker; past this deadline the request is refused',
      },
    },
  },
  create() {
    const matchers = new Map<number, TokenMatcher>();
    const masks = new Map<number, TokenBitmask>();

    const open = async (job: GenerationJob, engine: GrammarEngine) => {
      const spec = job.options.constraint!;
      const slots = job.promptIds.length * job.options.params.bestOf;
      try {
        for (let slot = 0; slot < slots; slot++) matchers.set(slot, await engine.matcher(spec));
      } catch (error) {
        const param = job.options.tools ? 'tools' : job.responses ? 'text.format' : 'response_format';
        throw RequestError.invalid(
          param,
          `Invalid value for '${param}': the grammar could not be built (${(error as Error).message}).`,
          L.REQUEST_INVALID_SCHEMA,
        );
      }
      const first = await matchers.get(0)!.nextMask();
      for (let slot = 0; slot < slots; slot++) masks.set(slot, first);
    };

    return {
      async process(ctx) {
        const jobPacket = ctx.input('JOB');
        if (jobPacket) {
          const job = jobPacket.value;
          if (!job.options.constraint) {
            ctx.output('JOB').add(job);
            ctx.output('JOB').close();
            ctx.output('MASK').close();
            ctx.outputCount('ERROR') > 0 && ctx.output('ERROR').close();
            return;
          }
          const tokenizer = ctx.sidePacket('TOKENIZER');
          const info = ctx.sidePacket('MODEL_INFO');
          let ok = false;
          await runRequestStage(
            {
              result: ctx.output('JOB'),
              error: ctx.outputCount('ERROR') > 0 ? ctx.output('ERROR') : undefined,
            },
            async () => {
              const engine = await grammarEngineFor(tokenizer, {
                vocabSize: info.vocabSize,
                stopIds: job.eosIds,
                keepSpecial: job.options.tools ? FORMAT_TEXT[job.options.tools.format].markers : [],
                maxWhitespace: ctx.options.max_whitespace,
                cacheSize: ctx.options.cache_size,
                compileTimeoutMs: ctx.options.compile_timeout_ms,
              });
              await open(job, engine);
              ok = true;
              return job;
            },
          );
          if (ok) ctx.output('MASK').add({ masks: new Map(masks) }, 1);
          else ctx.output('MASK').close();
          return;
        }
        const samples: StepSamples | undefined = ctx.input('SAMPLES')?.value;
        if (!samples || matchers.size === 0) return;
        // Let the detokenizer hand the tokens to the engine first: this work overlaps the next step.
        await nextTick();
        for (const row of samples.rows) {
          const m = matchers.get(row.slot);
          if (!m) continue;
          if (row.finish) {
            m.dispose();
            matchers.delete(row.slot);
            masks.delete(row.slot);
            continue;
          }
          if (!m.accept(row.token)) {
            throw new Error(
              `token ${row.token} of candidate ${row.slot} is not allowed by the grammar (the sampler ignored MASK)`,
            );
          }
          masks.set(row.slot, await m.nextMask());
        }
        ctx.output('MASK').add({ masks: new Map(masks) }, ctx.inputTimestamp + 1);
      },
      close() {
        for (const m of matchers.values()) m.dispose();
        matchers.clear();
      },
    };
  },
});
