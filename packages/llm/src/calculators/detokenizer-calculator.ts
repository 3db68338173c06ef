import { defineCalculator, describeCalculator, t } from '@weft/framework';
import type { FinishReason, LogprobEntry } from '../openai/response-types.js';
import { ChoiceDecoder } from './choice-decoder.js';
import {
  type ChoiceDelta,
  type FinishedBeam,
  type GenerationJob,
  llmTypes,
  type SampledRow,
  type StepFeedback,
  type StepSamples,
} from './llm-packets.js';
import { type TextDecoderSource, TokenTexts } from './token-text.js';

interface SlotState {
  readonly decoder: ChoiceDecoder;
  done: boolean;
  /** Tokens generated since this choice's last delta (text held back is sent later). */
  tokens: number;
  // best_of > n keeps whole candidates until they can be ranked.
  text: string;
  logprobs: LogprobEntry[];
  finish: FinishReason | undefined;
  cum: number;
}

/**
 * Turns sampled tokens into text, one choice at a time: UTF-8 safe incremental decoding, special
 * tokens dropped with `skip_special_tokens`, stop strings held back and cut (or kept with
 * `include_stop_str_in_output`), EOS never shown. It decides when each candidate is finished
 * (EOS or max tokens from the sampler, or a stop string here) and tells the executor through
 * FEEDBACK which tokens to append next step. With `best_of > n` it keeps the candidates until all
 * are done and passes on the `n` with the highest cumulative logprob.
 *
 * Example config:
 * ```yaml
 * - calculator: DetokenizerCalculator
 *   input_stream: [JOB:job, SAMPLES:samples]
 *   input_side_packet: [TOKENIZER:tokenizer]
 *   output_stream: [FEEDBACK:feedback, DELTAS:deltas]
 * ```
 */
export const DetokenizerCalculator = defineCalculator({
  name: 'DetokenizerCalculator',
  description: describeCalculator(
    'Incremental, UTF-8 safe detokenization with stop strings held back; finishes candidates on EOS, max tokens or a stop string and feeds the next tokens back to the executor.',
    `
- calculator: DetokenizerCalculator
  input_stream: [JOB:job, SAMPLES:samples]
  input_side_packet: [TOKENIZER:tokenizer]
  output_stream: [FEEDBACK:feedback, DELTAS:deltas]
`,
  ),
  inputs: {
    JOB: { type: llmTypes.job, description: 'the tokenized request (timestamp 0)' },
    SAMPLES: { type: llmTypes.samples, description: 'sampled tokens per step' },
  },
  outputs: {
    FEEDBACK: {
      type: llmTypes.feedback,
      description: 'tokens to append, per step (to the executor, as a back edge)',
    },
    DELTAS: {
      type: llmTypes.deltas,
      description: 'new text per choice; the last packet carries completionTokens',
    },
  },
  inputSidePackets: { TOKENIZER: { type: t.named<TextDecoderSource>('LlmTokenizer') } },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let job: GenerationJob | undefined;
    let texts: TokenTexts | undefined;
    let tokenizer: TextDecoderSource | undefined;
    let slots: SlotState[] = [];
    let open = 0;
    let completionTokens = 0;

    const decoder = () =>
      new ChoiceDecoder(
        tokenizer!.createStreamDecoder({ skipSpecialTokens: job!.options.params.skipSpecialTokens }),
        job!.options.params.stop,
        job!.options.params.includeStopStrInOutput,
      );

    const onRow = (
      row: SampledRow,
      deltas: ChoiceDelta[],
      fb: Map<number, StepFeedback['groups'][number]>,
    ) => {
      const p = job!.options.params;
      const s = slots[row.slot]!;
      if (s.done) return;
      completionTokens++;
      s.tokens++;
      let finish = row.finish;
      let text: string;
      if (finish === 'stop') {
        text = s.decoder.end(); // EOS: its own text never shows
      } else {
        text = s.decoder.push(row.token);
        if (s.decoder.stopped) finish = 'stop';
        else if (finish === 'length') text += s.decoder.end();
      }
      const logprobs = row.logprobs ? [texts!.entry(row.token, row.logprobs)] : [];
      const g = fb.get(row.prompt) ?? { prompt: row.prompt, tokens: [], parents: [], slots: [] };
      fb.set(row.prompt, g);
      if (finish) {
        s.done = true;
        open--;
      } else {
        (g.tokens as number[]).push(row.token);
        (g.parents as number[]).push(row.row);
        (g.slots as number[]).push(row.slot);
      }
      if (p.bestOf === p.n) {
        // A step whose text is all held back (half a character, a possible stop string) sends nothing.
        if (text !== '' || logprobs.length > 0 || finish) {
          deltas.push({ index: row.slot, tokens: s.tokens, text, logprobs, finishReason: finish });
          s.tokens = 0;
        }
        return;
      }
      s.text += text;
      s.logprobs.push(...logprobs);
      s.finish = finish;
      s.cum = row.cumLogprob;
      const group = slots.slice(row.prompt * p.bestOf, (row.prompt + 1) * p.bestOf);
      if (!finish || group.some((c) => !c.done)) return;
      const best = group.map((c, i) => ({ c, i })).sort((a, b) => b.c.cum - a.c.cum || a.i - b.i);
      best.slice(0, p.n).forEach(({ c }, rank) => {
        deltas.push({
          index: row.prompt * p.n + rank,
          tokens: c.tokens,
          text: c.text,
          logprobs: c.logprobs,
          finishReason: c.finish,
        });
      });
    };

    const onBeam = (beam: FinishedBeam, deltas: ChoiceDelta[]) => {
      const d = decoder();
      const eos = new Set(job!.eosIds);
      let text = '';
      let finish = beam.finish;
      completionTokens += beam.tokens.length;
      for (let i = 0; i < beam.tokens.length; i++) {
        const token = beam.tokens[i]!;
        if (i === beam.tokens.length - 1 && finish === 'stop' && eos.has(token)) break;
        text += d.push(token);
        if (d.stopped) break;
      }
      if (d.stopped) finish = 'stop';
      else text += d.end();
      const logprobs = beam.logprobs ? beam.logprobs.map((raw, i) => texts!.entry(beam.tokens[i]!, raw)) : [];
      deltas.push({ index: beam.index, tokens: beam.tokens.length, text, logprobs, finishReason: finish });
    };

    return {
      process(ctx) {
        const jobPacket = ctx.input('JOB');
        if (jobPacket) {
          job = jobPacket.value;
          tokenizer = ctx.sidePacket('TOKENIZER');
          texts = TokenTexts.for(tokenizer);
          const p = job.options.params;
          const candidates = job.promptIds.length * (p.beam ? p.n : p.bestOf);
          slots = p.beam
            ? []
            : Array.from({ length: candidates }, () => ({
                decoder: decoder(),
                done: false,
                tokens: 0,
                text: '',
                logprobs: [],
                finish: undefined,
                cum: 0,
              }));
          open = candidates;
        }
        const samples: StepSamples | undefined = ctx.input('SAMPLES')?.value;
        if (!samples || !job) return;
        const deltas: ChoiceDelta[] = [];
        const fb = new Map<number, StepFeedback['groups'][number]>();
        for (const row of samples.rows) onRow(row, deltas, fb);
        for (const b of samples.beams)
          fb.set(b.prompt, {
            prompt: b.prompt,
            tokens: b.tokens,
            parents: b.parents,
            slots: b.tokens.map((_, i) => i),
          });
        for (const prompt of samples.beamPromptsDone)
          fb.set(prompt, { prompt, tokens: [], parents: [], slots: [] });
        for (const beam of samples.beamResults) onBeam(beam, deltas);
        // A finished search accounts for all its n choices, even if it found fewer beams.
        open -= samples.beamPromptsDone.length * job.options.params.n;
        ctx.output('FEEDBACK').add({ groups: [...fb.values()] });
        const last = open === 0;
        if (deltas.length > 0 || last)
          ctx.output('DELTAS').add({ deltas, completionTokens: last ? completionTokens : undefined });
      },
    };
  },
});
