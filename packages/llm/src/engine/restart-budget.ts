/**
 * How often a dead engine worker may be restarted: at most `maxRestarts` within any `windowMs`.
 * A worker that keeps dying (a model that crashes onnxruntime on every step, memory that runs out
 * at load) would otherwise be restarted forever while every request fails; past the budget the
 * engine gives up and reports itself failed, so readiness turns false and an operator sees why.
 */
export class RestartBudget {
  private readonly times: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records a restart if the budget allows one; false when the last `maxRestarts` all fall inside the window. */
  take(): boolean {
    const now = this.now();
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    if (this.times.length >= this.maxRestarts) return false;
    this.times.push(now);
    return true;
  }
}
