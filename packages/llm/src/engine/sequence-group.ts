import { checkSequenceLength, checkTokenIds } from '../runtime/token-limits.js';
import type { SampledToken } from '../sampling/request-sampler.js';
import { SequenceGroupStateError } from './engine-errors.js';
import type { EngineSampling } from './protocol.js';

/** One step of a group: the logits after each live row's last token. */
export interface EngineStep {
  /**
   * `rows × vocab` float32, row-major; a fresh buffer every step, never reused by the engine. It may
   * be a view into one transferred buffer shared with the other groups of the same step: copy it
   * (`slice()`) before transferring it to another thread.
   */
  readonly logits: Float32Array;
  readonly rows: number;
}

/** One step of a group the engine samples (`SubmitOptions.sampling`): the token its worker drew. */
export interface SampledStep {
  readonly rows: 1;
  /** The token, its logprobs when asked, and `finish` when it ended the sequence. */
  readonly sampled: SampledToken;
  /** Cumulative raw logprob of the tokens so far (tracked when logprobs are asked). */
  readonly cumLogprob: number;
}

/** The engine side of a group (implemented by `Engine`). */
export interface GroupHost {
  readonly vocabSize: number;
  readonly contextLength: number;
  sendAppend(
    group: AnySequenceGroup,
    tokens: readonly number[],
    parents: readonly number[] | undefined,
  ): void;
  release(group: AnySequenceGroup): void;
}

interface Waiter<Step> {
  resolve(step: Step): void;
  reject(err: unknown): void;
}

/**
 * `n` sequences sharing one prompt, driven step by step: `next()` gives the logits of every live row,
 * `append(tokens, parents?)` feeds one token per new row, `finish()` frees the KV at the next step.
 *
 * ```ts
 * const group = engine.submit(promptIds, { n: 2 });
 * for (;;) {
 *   const { logits, rows } = await group.next();
 *   const tokens = pick(logits, rows);          // one token per row
 *   if (done(tokens)) break;
 *   group.append(tokens);                       // or append(tokens, parents) to fork / reorder rows
 * }
 * group.finish();
 * ```
 * Row i of a new step continues row `parents[i]` of the previous one (default: row i), so beams can
 * be reordered and rows forked or dropped; at most `n` rows live at once. Every row starts as a
 * copy of the prompt, so the first step has `n` identical rows.
 *
 * A one-row group submitted with `sampling` is a `SequenceGroup<SampledStep>`: the engine's worker
 * picks each token and goes on without waiting, so `next()` gives tokens (queued when the caller is
 * slower than the model) and there is nothing to `append`; the step whose token has `finish` set is
 * the last. `finish()` ends it earlier (a stop string).
 */
export class SequenceGroup<Step extends EngineStep | SampledStep = EngineStep> {
  readonly id: number;
  readonly n: number;
  readonly promptIds: readonly number[];
  /** KV tokens the admission reserved for this group (prompt + n × max new tokens, clamped). */
  readonly reservation: number;
  readonly submittedAt = performance.now();
  state: 'queued' | 'running' | 'finished' = 'queued';
  lastDeliveryAt = 0;
  private rowLengths: number[];
  private delivered = 0;
  private appended = 0;
  private readonly inbox: Step[] = [];
  /** A sampled group received its last token. */
  private ended = false;
  private failure: unknown;
  private waiter: Waiter<Step> | undefined;

  constructor(
    private readonly host: GroupHost,
    id: number,
    promptIds: readonly number[],
    n: number,
    reservation: number,
    /** Set: the engine samples this group (`SubmitOptions.sampling`). */
    readonly sampling: EngineSampling | undefined = undefined,
  ) {
    this.id = id;
    this.n = n;
    this.promptIds = promptIds;
    this.reservation = reservation;
    this.rowLengths = new Array<number>(n).fill(promptIds.length);
  }

  /** The engine's worker picks this group's tokens; the caller only reads them. */
  get sampledByEngine(): boolean {
    return this.sampling !== undefined;
  }

  /** Live rows (= `n` until `append` drops some). */
  get rows(): number {
    return this.rowLengths.length;
  }

  get finished(): boolean {
    return this.state === 'finished';
  }

  /** Logical KV tokens: the shared prompt once, plus each row's own tokens. */
  get kvTokens(): number {
    const prompt = this.promptIds.length;
    let total = prompt;
    for (const len of this.rowLengths) total += len - prompt;
    return total;
  }

  /** The next step. Rejects with the abort reason on cancellation, or the step's error. */
  next(): Promise<Step> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const queued = this.inbox.shift();
    if (queued) {
      this.delivered++;
      return Promise.resolve(queued);
    }
    if (this.state === 'finished' || this.ended) {
      return Promise.reject(
        new SequenceGroupStateError(`group ${this.id} is finished; next() has nothing to give`),
      );
    }
    if (this.sampledByEngine && this.waiter) {
      return Promise.reject(
        new SequenceGroupStateError(`group ${this.id}: next() called again while one is pending`),
      );
    }
    if (!this.sampledByEngine && (this.waiter || this.delivered > this.appended)) {
      return Promise.reject(
        new SequenceGroupStateError(
          `group ${this.id}: next() called again before append(); append one token per row`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Feeds one token per new row; `parents[i]` is the row token i continues (default: row i). */
  append(tokens: readonly number[], parents?: readonly number[]): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.state === 'finished')
      throw new SequenceGroupStateError(`group ${this.id} is finished; cannot append`);
    if (this.sampledByEngine) {
      throw new SequenceGroupStateError(
        `group ${this.id} is sampled by the engine (SubmitOptions.sampling): it appends its own tokens; call next() for each`,
      );
    }
    if (this.delivered !== this.appended + 1) {
      throw new SequenceGroupStateError(
        `group ${this.id}: append() must follow a resolved next() (${this.delivered} steps received, ${this.appended} appended)`,
      );
    }
    const rows = this.rowLengths.length;
    if (parents === undefined && tokens.length !== rows) {
      throw new SequenceGroupStateError(
        `group ${this.id}: got ${tokens.length} tokens for ${rows} rows; give one per row or pass parents`,
      );
    }
    if (parents !== undefined && parents.length !== tokens.length) {
      throw new SequenceGroupStateError(
        `group ${this.id}: ${tokens.length} tokens but ${parents.length} parents; give one parent per token`,
      );
    }
    if (tokens.length === 0 || tokens.length > this.n) {
      throw new SequenceGroupStateError(
        `group ${this.id}: ${tokens.length} rows; a group of n=${this.n} has 1..${this.n} rows`,
      );
    }
    checkTokenIds(tokens, this.host.vocabSize);
    const next: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const p = parents ? parents[i]! : i;
      if (!Number.isInteger(p) || p < 0 || p >= rows) {
        throw new SequenceGroupStateError(
          `group ${this.id}: parent ${p} of row ${i} is not a row (0..${rows - 1})`,
        );
      }
      const len = this.rowLengths[p]! + 1;
      checkSequenceLength(len, this.host.contextLength);
      next.push(len);
    }
    this.rowLengths = next;
    this.appended++;
    this.host.sendAppend(this, tokens, parents);
  }

  /** Ends the group; its KV is freed at the next step. Idempotent. */
  finish(): void {
    if (this.state === 'finished') return;
    this.close(new SequenceGroupStateError(`group ${this.id} finished while next() was pending`));
  }

  /** Called by the engine: a step arrived. */
  receive(step: Step): void {
    if (this.state === 'finished') return;
    if ('sampled' in step) {
      // The worker fed the previous token before it drew this one.
      if (this.delivered + this.inbox.length > 0) this.rowLengths[0]!++;
      if (step.sampled.finish) this.ended = true;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.delivered++;
      w.resolve(step);
    } else this.inbox.push(step);
  }

  /** Called by the engine: ends the group with `reason` for a pending or later `next()`. */
  fail(reason: unknown): void {
    if (this.state === 'finished') return;
    this.failure = reason;
    this.close(reason);
  }

  private close(reason: unknown): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    this.inbox.length = 0;
    this.host.release(this);
    this.state = 'finished';
    waiter?.reject(reason);
  }
}

/** A group of either kind, as the engine keeps them. */
export type AnySequenceGroup = SequenceGroup<EngineStep | SampledStep>;
