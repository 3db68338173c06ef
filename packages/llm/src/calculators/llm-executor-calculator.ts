import { defineCalculator, t } from '@weft/framework';
import { Engine } from '../engine/engine.js';
import type { SequenceGroup } from '../engine/sequence-group.js';
import { engineErrorResponse } from './engine-error-response.js';
import { type GenerationJob, type GroupLogits, llmTypes } from './llm-packets.js';

/**
 * Drives one request's sequence groups on the shared engine. The job (timestamp 0) submits one
 * group per prompt with `best_of` rows; every engine step becomes a LOGITS packet at the step's
 * timestamp (1, 2, ...). The detokenizer answers each step through the FEEDBACK back edge with
 * the tokens to append (rows that finished are left out; an empty list finishes the group). When
 * every group has finished, LOGITS closes and the loop drains. The run's signal cancels the groups,
 * which frees their KV at the engine's next step.
 *
 * Example config:
 * ```yaml
 * - calculator: LlmExecutorCalculator
 *   input_stream: [JOB:job, FEEDBACK:feedback]
 *   input_stream_info: [{ tag_index: FEEDBACK, back_edge: true }]
 *   input_side_packet: [ENGINE:engine]
 *   output_stream: [LOGITS:logits, ERROR:engine_error]
 * ```
 */
export const LlmExecutorCalculator = defineCalculator({
  name: 'LlmExecutorCalculator',
  description:
    'Submits a tokenized request to the shared engine and emits one LOGITS packet per step; sampled tokens come back through the FEEDBACK back edge. Engine errors (429 for a full queue) go to ERROR.',
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
      type: llmTypes.response,
      optional: true,
      description: 'an error response when the engine refuses or fails',
    },
  },
  inputSidePackets: { ENGINE: { type: t.named<Engine>('LlmEngine', (v) => v instanceof Engine) } },
  inputStreamHandler: 'immediate',
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let groups: (SequenceGroup | undefined)[] = [];
    let slots: (readonly number[])[] = [];
    let vocab = 0;

    const finishAll = () => {
      for (const g of groups) g?.finish();
      groups = [];
    };

    return {
      async process(ctx) {
        const job = ctx.input('JOB')?.value as GenerationJob | undefined;
        const feedback = ctx.input('FEEDBACK')?.value;
        const ts = ctx.inputTimestamp;
        const fail = (error: unknown, at: number) => {
          finishAll();
          if (ctx.signal.aborted) throw error;
          if (ctx.outputCount('ERROR') > 0) ctx.output('ERROR').add(engineErrorResponse(error), at);
          ctx.output('LOGITS').close();
        };
        if (job) {
          const engine = ctx.sidePacket('ENGINE');
          vocab = engine.vocabSize;
          const rows = job.options.params.bestOf;
          try {
            for (let p = 0; p < job.promptIds.length; p++) {
              groups.push(
                engine.submit(job.promptIds[p]!, {
                  n: rows,
                  signal: ctx.signal,
                  maxTokens: job.maxTokens[p],
                }),
              );
              slots.push(Array.from({ length: rows }, (_, j) => p * rows + j));
            }
          } catch (error) {
            fail(error, ts);
            return;
          }
        } else if (feedback) {
          for (const g of feedback.groups) {
            const group = groups[g.prompt];
            if (!group) continue;
            if (g.tokens.length === 0) {
              group.finish();
              groups[g.prompt] = undefined;
            } else {
              group.append(g.tokens, g.parents);
              slots[g.prompt] = g.slots;
            }
          }
        } else {
          return;
        }
        const live = groups.flatMap((g, prompt) => (g ? [{ g, prompt }] : []));
        if (live.length === 0) {
          ctx.output('LOGITS').close();
          return;
        }
        const next = job ? 1 : ts + 1;
        try {
          const steps = await Promise.all(live.map(({ g }) => g.next()));
          const out: GroupLogits[] = steps.map((s, i) => ({
            prompt: live[i]!.prompt,
            logits: s.logits,
            rows: s.rows,
            slots: slots[live[i]!.prompt]!,
          }));
          ctx.output('LOGITS').add({ vocab, groups: out }, next);
        } catch (error) {
          fail(error, next);
        }
      },
      close() {
        finishAll();
        slots = [];
      },
    };
  },
});
