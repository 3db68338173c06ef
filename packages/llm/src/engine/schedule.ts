/**
 * The engine's scheduling policy as a pure function: the worker describes its groups
 * (`ScheduleView`), `schedule()` returns what to run next (`SchedulePlan`), and the worker only
 * executes plans. Unit tests drive it with hand-made views (schedule.test.ts), the way vLLM's
 * scheduler is tested without a model.
 *
 * The policy, per iteration:
 * - decode: every group whose tokens have arrived, in one step. Groups of the running batch keep
 *   their row order, newcomers follow. A running group whose tokens have not arrived yet is waited
 *   for up to `max(readyWaitMs, last decode duration)`; after that it is left out of the step (its
 *   KV is kept) and rejoins when its tokens come — leaving a group out costs it a whole step and two
 *   KV copies, so waiting less than a step is the cheaper side.
 * - prefill, within what the decode leaves of `maxNumBatchedTokens`: the next chunk of the oldest
 *   unprefilled prompt, or several whole fresh prompts (FIFO) as one padded run when padding wastes
 *   little (at most 1.5× the real tokens).
 * Nothing is preempted: admission (main thread) reserves each group's KV before it reaches here.
 */

/** A group as the scheduler sees it. */
export interface ScheduledGroup {
  readonly id: number;
  /** prefill: prompt not fully fed; waiting: logits sent, no tokens yet; ready: tokens to feed. */
  readonly state: 'prefill' | 'waiting' | 'ready';
  readonly promptLength: number;
  /** Prompt tokens already fed. */
  readonly prefilled: number;
  /** Rows the next decode step feeds (tokens appended), for `ready` groups. */
  readonly readyRows: number;
  /** When its tokens arrived (ms, `performance.now()`), for `ready` groups. */
  readonly readySince: number;
}

export interface ScheduleView {
  /** Live groups, by id. */
  readonly groups: ReadonlyMap<number, ScheduledGroup>;
  /** Ids of the groups whose rows are the running batch, in row order. */
  readonly members: readonly number[];
  /** Ids of the groups still to prefill, oldest first. */
  readonly prefillQueue: readonly number[];
  readonly now: number;
  /** Duration of the last decode step, ms. */
  readonly lastDecodeMs: number;
}

export interface ScheduleOptions {
  readonly maxNumBatchedTokens: number;
  readonly readyWaitMs: number;
  /**
   * Row-coupled models (per-row runs): a prompt's chunks must not depend on how many rows decoded
   * alongside, so prefill always gets the whole budget.
   */
  readonly perRowRuns?: boolean;
}

export interface SchedulePlan {
  /** Groups to decode in this step, in row order (empty: no decode). */
  readonly decode: readonly number[];
  /** Running groups not in this step because their tokens are late (their KV stays). */
  readonly leftOut: readonly number[];
  /**
   * Groups to prefill: one id with the chunk length for a chunk of one prompt, or several fresh
   * prompts prefilled whole in one padded run (`chunk` is then the longest of them).
   */
  readonly prefill: { readonly ids: readonly number[]; readonly chunk: number } | undefined;
  /** Nothing to run: how long the worker may sleep (ms) before something could become due. */
  readonly sleepMs: number | undefined;
}

export function schedule(view: ScheduleView, options: ScheduleOptions): SchedulePlan {
  const ready = [...view.groups.values()].filter((g) => g.state === 'ready');
  let decode: number[] = [];
  let leftOut: number[] = [];
  let sleep = Number.POSITIVE_INFINITY;
  if (ready.length > 0) {
    const laggards = view.members.filter((id) => view.groups.get(id)?.state === 'waiting');
    const waited = view.now - Math.min(...ready.map((g) => g.readySince));
    const limit = Math.max(options.readyWaitMs, view.lastDecodeMs);
    if (laggards.length === 0 || waited >= limit) {
      const readyIds = new Set(ready.map((g) => g.id));
      const members = view.members.filter((id) => readyIds.has(id));
      const joined = new Set(members);
      decode = [...members, ...ready.map((g) => g.id).filter((id) => !joined.has(id))];
      leftOut = laggards;
    } else sleep = limit - waited;
  }
  const decodedRows = decode.reduce((n, id) => n + view.groups.get(id)!.readyRows, 0);
  const prefill =
    view.prefillQueue.length > 0
      ? pickPrefill(
          view,
          options.perRowRuns
            ? options.maxNumBatchedTokens
            : Math.max(1, options.maxNumBatchedTokens - decodedRows),
        )
      : undefined;
  const idle = decode.length === 0 && prefill === undefined;
  return { decode, leftOut, prefill, sleepMs: idle ? sleep : undefined };
}

function pickPrefill(view: ScheduleView, budget: number): SchedulePlan['prefill'] {
  const group = (id: number) => view.groups.get(id)!;
  const head = group(view.prefillQueue[0]!);
  if (head.prefilled > 0 || head.promptLength >= budget) {
    return { ids: [head.id], chunk: Math.min(budget, head.promptLength - head.prefilled) };
  }
  const ids = [head.id];
  let real = head.promptLength;
  let longest = real;
  for (let i = 1; i < view.prefillQueue.length; i++) {
    const g = group(view.prefillQueue[i]!);
    const width = Math.max(longest, g.promptLength);
    const padded = width * (ids.length + 1);
    if (g.prefilled > 0 || padded > budget || padded > 1.5 * (real + g.promptLength)) break;
    ids.push(g.id);
    real += g.promptLength;
    longest = width;
  }
  return { ids, chunk: longest };
}
