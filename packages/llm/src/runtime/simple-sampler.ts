/**
 * The sampler `generate()` uses: greedy at temperature 0, otherwise temperature + top-k + top-p with
 * a seeded RNG. The full OpenAI sampler (penalties, min-p, logprobs, beams) lives in `sampling/`.
 */
export interface SimpleSamplingOptions {
  /** 0 (default) = greedy. */
  readonly temperature?: number;
  /** Keep the k most likely tokens (0 or absent = all). */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or absent = all). */
  readonly topP?: number;
  readonly seed?: number;
}

/** Index of the largest value (first on ties, like argmax in PyTorch and transformers.js). */
export function argmax(logits: Float32Array, start = 0, length = logits.length - start): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    const v = logits[start + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** mulberry32: small, fast, good enough for sampling, and reproducible from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one token from one row of logits. `random` must come from `seededRandom` for reproducibility. */
export function sampleToken(
  logits: Float32Array,
  start: number,
  vocab: number,
  options: SimpleSamplingOptions,
  random: () => number,
): number {
  const temperature = options.temperature ?? 0;
  if (temperature <= 0) return argmax(logits, start, vocab);
  const order = Array.from({ length: vocab }, (_, i) => i).sort(
    (a, b) => logits[start + b]! - logits[start + a]!,
  );
  const k = options.topK && options.topK > 0 ? Math.min(options.topK, vocab) : vocab;
  const max = logits[start + order[0]!]!;
  const probs: number[] = [];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[start + order[i]!]! - max) / temperature);
    probs.push(p);
    sum += p;
  }
  const topP = options.topP ?? 1;
  let kept = probs.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < probs.length; i++) {
      cumulative += probs[i]! / sum;
      if (cumulative >= topP) {
        kept = i + 1;
        break;
      }
    }
  }
  let keptSum = 0;
  for (let i = 0; i < kept; i++) keptSum += probs[i]!;
  let r = random() * keptSum;
  for (let i = 0; i < kept; i++) {
    r -= probs[i]!;
    if (r <= 0) return order[i]!;
  }
  return order[kept - 1]!;
}
