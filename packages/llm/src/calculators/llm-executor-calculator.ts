import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { Engine } from '../engine/engine.js';
import type { AnySequenceGroup } from '../engine/sequence-group.js';
import { RequestError } from '../errors/llm-errors.js';
import { randomSeed } from '../sampling/rng.js';
import { errorPacket, errorPacketType } from '../serving/graph-protocol.js';
import { type GenerationJob, type GroupLogits, type GroupSampled, llmTypes } from './llm-packets.js';

/**
 * Drives one request on the shared engine. The job (timestamp 0) submits a sequence group with
 * `best_of` rows for the first prompt (several prompts run one after the other); every engine step
 * becomes a LOGITS packet at the step's timestamp (1, 2, ...). The detokenizer answers each step
 * through the FEEDBACK back edge with the tokens to append (rows that finished are left out; an
 * empty list finishes the group). When the last group has finished, LOGITS closes and the loop
 * drains. The run's signal cancels the group, which frees its KV at the engine's next step.
 *
 * `sampling: engine` (the default): a request with one candidate per prompt and no constraint is
 * sampled inside the engine's worker with the request's own parameters, seed and stream, so the
 * model decodes on without waiting for this graph and only tokens cross threads; its LOGITS
 * packets carry the drawn tokens (`GroupSampled`), which the sampler passes through. Beams,
 * `best_of`/`n` > 1 and constrained requests get logits as before. `sampling: graph` always sends
 * logits: the slower path for a graph that processes logits itself between executor and sampler.
 *
 * Example config:
 * ```yaml
 * - calculator: LlmExecutorCalculator
 *   input_stream: [JOB:job, FEEDBACK:feedback]
 *   input_stream_info: [{ tag_index: FEEDBACK, back_edge: true }]
 *   input_side_packet: [ENGINE:engine]
 *   output_stream: [LOGITS:logits, ERROR:engine_error]
 *   options: { sampling: engine }
 * ```
 */
export const LlmExecutorCalculator = defineCalculator({
  name: 'LlmExecutorCalculator',
  description: describeCalculator(
    'Submits a tokenized request to the shared engine and emits one LOGITS packet per step; sampled tokens come back through the FEEDBACK back edge. Engine errors (a full queue, a closed engine...) go to ERROR.',
    `
- calculator: LlmExecutorCalculator
  input_stream: [JOB:job, FEEDBACK:feedback]
  input_stream_info: [{ tag_index: FEEDBACK, back_edge: true }]
  input_side_packet: [ENGINE:engine]
  output_stream: [LOGITS:logits, ERROR:engine_error]
  options: { sampling: engine }
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request (timestamp 0)' },
    FEEDBACK: {
      type: llmTypes.feedback,
      description: 'tokens to append after each step (back edge from the detokenizer)',
    },
  },
  outputs: {
    LOGITS: { type: llmTypes.logits, description: 'one packet per engine step (timestamps 1, 2, ...)' },
    ERROR: {
      type: errorPacketType,
      optional: true,
      description: 'an error packet when the engine refuses or fails (a full queue, the context exceeded...)',
    },
  },
  inputSidePackets: { ENGINE: { type: t.named<Engine>('LlmEngine', (v) => v instanceof Engine) } },
  inputStreamHandler: 'immediate',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sampling: {
        enum: ['engine', 'graph'],
        default: 'engine',
        description:
          'engine: plain one-candidate requests are sampled in the engine worker (tokens cross threads, not logits); graph: every step sends logits to the graph',
      },
    },
  },
  create() {
    // One group at a time: a request with several prompts runs them one after the other, so a
    // running group never waits for a queued sibling (which could wait for its seats forever).
    let job: GenerationJob | undefined;
    let group: AnySequenceGroup | undefined;
    let seed = 0;
    let prompt = -1;
    let slots: readonly number[] = [];
    let vocab = 0;

    return {
      async process(ctx) {
        const jobPacket = ctx.input('JOB');
        const feedback = ctx.input('FEEDBACK')?.value;
        const ts = ctx.inputTimestamp;
        const fail = (error: unknown, at: number) => {
          group?.finish();
          group = undefined;
          // Without an ERROR stream the run itself fails, so the error is never silently lost; an
          // error without a Weft code is a bug and fails the run too.
          const packet = errorPacket(error);
          if (ctx.signal.aborted || ctx.outputCount('ERROR') === 0 || !packet) throw error;
          ctx.output('ERROR').add(packet, at);
          ctx.output('LOGITS').close();
        };
        const submitNext = (): boolean => {
          prompt++;
          if (!job || prompt >= job.promptIds.length) return false;
          const rows = job.options.params.bestOf;
          const engine = ctx.sidePacket('ENGINE');
          if (rows > engine.maxNumSeqs) {
            const param = job.options.params.bestOf > job.options.params.n ? 'best_of' : 'n';
            throw RequestError.invalid(
              param,
              `Invalid value for '${param}': ${rows} sequences per prompt exceed what this model runs at once (max_num_seqs = ${engine.maxNumSeqs}); ask for at most ${engine.maxNumSeqs}.`,
            );
          }
          const p = job.options.params;
          const maxTokens = job.maxTokens[prompt]!;
          const inEngine = (ctx.options.sampling ?? 'engine') === 'engine';
          const engineSamples = inEngine && !p.beam && rows === 1 && !job.options.constraint;
          group = engineSamples
            ? engine.submit(job.promptIds[prompt]!, {
                n: 1,
                signal: ctx.signal,
                maxTokens,
                sampling: { params: { ...p, seed }, eosIds: job.eosIds, maxTokens, stream: prompt },
              })
            : engine.submit(job.promptIds[prompt]!, { n: rows, signal: ctx.signal, maxTokens });
          slots = Array.from({ length: rows }, (_, j) => prompt * rows + j);
          return true;
        };
        const next = jobPacket ? 1 : ts + 1;
        try {
          if (jobPacket) {
            job = jobPacket.value;
            vocab = ctx.sidePacket('ENGINE').vocabSize;
            // One seed for the request, as the sampler draws it, so each prompt's stream is the same.
            seed = job.options.params.seed ?? randomSeed();
            submitNext();
          } else if (feedback && group) {
            const mine = feedback.groups.find((g) => g.prompt === prompt);
            if (mine && mine.tokens.length === 0) {
              group.finish();
              group = undefined;
              if (!submitNext()) {
                ctx.output('LOGITS').close();
                return;
              }
            } else if (mine) {
              // A group the engine samples has already gone on with this token.
              if (!group.sampledByEngine) group.append(mine.tokens, mine.parents);
              slots = mine.slots;
            } else {
              return; // feedback for a prompt already finished: nothing to step
            }
          } else {
            return;
          }
        } catch (error) {
          fail(error, ts);
          return;
        }
        try {
          const step = await group!.next();
          const g: GroupLogits | GroupSampled =
            'sampled' in step
              ? { prompt, sampled: step.sampled, cumLogprob: step.cumLogprob, rows: 1, slots }
              : { prompt, logits: step.logits, rows: step.rows, slots };
          ctx.output('LOGITS').add({ vocab, groups: [g] }, next);
        } catch (error) {
          fail(error, next);
        }
      },
      close() {
        group?.finish();
        group = undefined;
      },
    };
  },
});
