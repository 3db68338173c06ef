/**
 * What the logits processors need to know about one sequence: the tokens seen so far. Kept
 * incrementally (counts of generated tokens, a mask of prompt+generated tokens) so a penalty costs
 * O(distinct tokens), not O(length), per step.
 */
export class SequenceState {
  /** Generated token id → how many times. */
  readonly outputCounts = new Map<number, number>();
  /** Distinct ids of prompt and generated tokens (for repetition_penalty). */
  readonly seen: Set<number>;
  generated = 0;

  constructor(promptIds: readonly number[] | Set<number>) {
    this.seen = promptIds instanceof Set ? new Set(promptIds) : new Set(promptIds);
  }

  add(token: number): void {
    this.generated++;
    this.outputCounts.set(token, (this.outputCounts.get(token) ?? 0) + 1);
    this.seen.add(token);
  }

  /** A copy for a forked beam. */
  fork(): SequenceState {
    const copy = new SequenceState(this.seen);
    for (const [k, v] of this.outputCounts) copy.outputCounts.set(k, v);
    copy.generated = this.generated;
    return copy;
  }
}
