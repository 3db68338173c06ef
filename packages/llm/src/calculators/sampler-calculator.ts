import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import { BeamSearch } from '../sampling/beam-search.js';
import { RequestSampler } from '../sampling/request-sampler.js';
import { TokenSampler } from '../sampling/token-sampler.js';
import { ChoiceDecoder } from './choice-decoder.js';
import {
  type FinishedBeam,
  type GenerationJob,
  llmTypes,
  type SampledRow,
  type StepSamples,
} from './llm-packets.js';
import type { TextDecoderSource } from './token-text.js';

/**
 * Turns each step's logits into tokens. With a MASK input (a constraint node), each candidate's
 * disallowed tokens are removed before anything else. Sampling mode: one token per live row from that
 * candidate's own seeded RNG (processors → temperature → top_k → top_p → min_p, or argmax at
 * temperature 0), with raw-distribution logprobs when asked, and `finish` set on EOS (unless
 * `ignore_eos`) or at max tokens. Groups the engine already sampled (the executor's
 * `sampling: engine`, the default for requests without beams, best_of or a constraint) pass through
 * as they are: their tokens were drawn by the same code with the same seed and stream. Beam mode (`use_beam_search`): a beam search per prompt,
 * returning the next beams with their parent rows, and the best `n` beams when a search ends.
 *
 * Example config:
 * ```yaml
 * - calculator: SamplerCalculator
 *   input_stream: [JOB:job, LOGITS:logits]
 *   input_side_packet: [TOKENIZER:tokenizer]
 *   output_stream: [SAMPLES:samples]
 * ```
 */
export const SamplerCalculator = defineCalculator({
  name: 'SamplerCalculator',
  description: describeCalculator(
    'Samples the next token of every candidate sequence from the step logits (greedy, temperature, top_k/top_p/min_p, penalties, logit_bias, seeds, n/best_of, beam search, logprobs).',
    `
- calculator: SamplerCalculator
  input_stream: [JOB:job, LOGITS:logits]
  input_side_packet: [TOKENIZER:tokenizer]
  output_stream: [SAMPLES:samples]
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request (timestamp 0)' },
    LOGITS: { type: llmTypes.logits, description: 'one packet per engine step' },
    MASK: {
      type: llmTypes.masks,
      optional: true,
      description: 'allowed next tokens per candidate (from a constraint node), applied before sampling',
    },
  },
  outputs: {
    SAMPLES: { type: llmTypes.samples, description: 'sampled tokens, same timestamp as the logits' },
  },
  inputSidePackets: {
    TOKENIZER: {
      type: t.named<TextDecoderSource>('LlmTokenizer'),
      optional: true,
      description:
        'lets beam search end beams on stop strings (without it, stop strings only cut the final text)',
    },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let job: GenerationJob | undefined;
    let sampler: RequestSampler | undefined;
    let beams: BeamSearch[] = [];

    const start = (j: GenerationJob, tokenizer: TextDecoderSource | undefined) => {
      job = j;
      const p = j.options.params;
      if (p.beam) {
        // A beam's text is decoded whole for each check: beams fork, incremental decoders do not.
        const stopped =
          tokenizer && p.stop.length > 0
            ? (tokens: readonly number[]) => {
                const d = new ChoiceDecoder(
                  tokenizer.createStreamDecoder({ skipSpecialTokens: p.skipSpecialTokens }),
                  p.stop,
                  false,
                );
                for (const token of tokens) {
                  d.push(token);
                  if (d.stopped) return true;
                }
                return false;
              }
            : undefined;
        const tokenSampler = new TokenSampler(p, j.eosIds);
        beams = j.promptIds.map(
          (ids, i) =>
            new BeamSearch(
              {
                width: p.bestOf,
                lengthPenalty: p.lengthPenalty,
                maxTokens: j.maxTokens[i]!,
                eosIds: j.eosIds,
                ignoreEos: p.ignoreEos,
                logprobs: p.logprobs,
                ...(stopped ? { stopped } : {}),
              },
              tokenSampler,
              ids,
            ),
        );
        return;
      }
      sampler = new RequestSampler(p, j.eosIds);
      j.promptIds.forEach((ids, i) => {
        for (let k = 0; k < p.bestOf; k++) sampler!.addSlot(ids, j.maxTokens[i]!);
      });
    };

    return {
      process(ctx) {
        const jobPacket = ctx.input('JOB');
        if (jobPacket) {
          if (jobPacket.value.options.constraint && ctx.inputCount('MASK') === 0) {
            // Ignoring response_format or tools silently would hand the client unconstrained text.
            const param = jobPacket.value.options.tools ? 'tools' : 'response_format';
            throw new RequestError(
              L.REQUEST_UNSUPPORTED_PARAMETER,
              param,
              `Unsupported parameter: '${param}' needs a constraint node in this graph (none feeds the sampler its MASK input); remove it or serve the request with a graph that has one.`,
            );
          }
          start(jobPacket.value, ctx.hasSidePacket('TOKENIZER') ? ctx.sidePacket('TOKENIZER') : undefined);
        }
        const masks = ctx.inputCount('MASK') > 0 ? ctx.input('MASK')?.value.masks : undefined;
        const step = ctx.input('LOGITS')?.value;
        if (!step || !job) return;
        const V = step.vocab;
        const rows: SampledRow[] = [];
        const next: StepSamples['beams'][number][] = [];
        const results: FinishedBeam[] = [];
        const done: number[] = [];
        if (sampler) {
          for (const g of step.groups) {
            if ('sampled' in g) {
              // The engine drew this token with the same parameters, seed and stream as `sampler` would.
              rows.push({
                prompt: g.prompt,
                row: 0,
                slot: g.slots[0]!,
                ...g.sampled,
                cumLogprob: g.cumLogprob,
              });
              continue;
            }
            for (let r = 0; r < g.rows; r++) {
              const slot = g.slots[r]!;
              const s = sampler.sample(slot, g.logits.subarray(r * V, (r + 1) * V), masks?.get(slot));
              rows.push({
                prompt: g.prompt,
                row: r,
                slot,
                ...s,
                cumLogprob: sampler.cumulativeLogprob(slot),
              });
            }
          }
        } else {
          const n = job.options.params.n;
          for (const g of step.groups) {
            if ('sampled' in g)
              throw new Error('beam search needs logits; the executor sampled in the engine');
            const search = beams[g.prompt]!;
            const r = search.step(g.logits, V);
            if (r) {
              next.push({ prompt: g.prompt, ...r });
              continue;
            }
            done.push(g.prompt);
            search.results(n).forEach((h, i) => {
              results.push({
                index: g.prompt * n + i,
                tokens: h.tokens,
                logprobs: h.logprobs,
                finish: h.finishReason,
              });
            });
          }
        }
        ctx.output('SAMPLES').add({ rows, beams: next, beamResults: results, beamPromptsDone: done });
      },
    };
  },
});
