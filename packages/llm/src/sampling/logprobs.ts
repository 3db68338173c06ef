import { selectTopK } from './select-top.js';

/** log Σ exp(row) computed stably. */
export function logSumExp(row: Float32Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return max + Math.log(sum);
}

export interface RawLogprobs {
  readonly logprob: number;
  /** Best first; `k` entries. */
  readonly top: readonly { token: number; logprob: number }[];
}

/**
 * Log-probabilities from the model's raw distribution (log-softmax of the logits before any
 * penalty, bias, temperature or truncation — vLLM's `raw_logprobs`), for the chosen token and the
 * `k` most likely tokens.
 */
export function rawLogprobs(row: Float32Array, token: number, k: number, scratch?: Int32Array): RawLogprobs {
  const lse = logSumExp(row);
  const logprob = row[token]! - lse;
  if (k <= 0) return { logprob, top: [] };
  const ids = scratch && scratch.length >= k ? scratch : new Int32Array(k);
  const count = selectTopK(row, k, ids);
  const top: { token: number; logprob: number }[] = [];
  for (let i = 0; i < count; i++) top.push({ token: ids[i]!, logprob: row[ids[i]!]! - lse });
  return { logprob, top };
}
