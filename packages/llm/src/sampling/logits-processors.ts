import type { SamplingParams } from './sampling-params.js';
import type { SequenceState } from './sequence-state.js';

/** Changes one row of logits in place, knowing the sequence so far. */
export type LogitsProcessor = (logits: Float32Array, seq: SequenceState) => void;

/** Adds `logit_bias` to the named tokens. */
export const logitBias =
  (bias: ReadonlyMap<number, number>): LogitsProcessor =>
  (logits) => {
    for (const [id, b] of bias) if (id < logits.length) logits[id] = logits[id]! + b;
  };

/** Makes the stop tokens impossible until `minTokens` tokens were generated. */
export const suppressEosBelow =
  (minTokens: number, eosIds: readonly number[]): LogitsProcessor =>
  (logits, seq) => {
    if (seq.generated >= minTokens) return;
    for (const id of eosIds) if (id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
  };

/** CTRL-style: logits of seen tokens (prompt and output) divided (if > 0) or multiplied by `penalty`. */
export const repetitionPenalty =
  (penalty: number): LogitsProcessor =>
  (logits, seq) => {
    for (const id of seq.seen) {
      const v = logits[id];
      if (v !== undefined) logits[id] = v > 0 ? v / penalty : v * penalty;
    }
  };

/** OpenAI's: logit -= presence * [count > 0] + frequency * count, over generated tokens only. */
export const presenceFrequencyPenalty =
  (presence: number, frequency: number): LogitsProcessor =>
  (logits, seq) => {
    for (const [id, count] of seq.outputCounts) {
      if (id < logits.length) logits[id] = logits[id]! - presence - frequency * count;
    }
  };

/**
 * The ordered processor list for a request, holding only the active ones so an unpenalised
 * request pays nothing: logit_bias → min_tokens → repetition → presence/frequency.
 */
export function buildLogitsProcessors(params: SamplingParams, eosIds: readonly number[]): LogitsProcessor[] {
  const list: LogitsProcessor[] = [];
  if (params.logitBias.size > 0) list.push(logitBias(params.logitBias));
  if (params.minTokens > 0 && eosIds.length > 0) list.push(suppressEosBelow(params.minTokens, eosIds));
  if (params.repetitionPenalty !== 1) list.push(repetitionPenalty(params.repetitionPenalty));
  if (params.presencePenalty !== 0 || params.frequencyPenalty !== 0) {
    list.push(presenceFrequencyPenalty(params.presencePenalty, params.frequencyPenalty));
  }
  return list;
}
