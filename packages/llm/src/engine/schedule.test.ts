import { describe, expect, it } from 'vitest';
import { type ScheduledGroup, type SchedulePlan, schedule } from './schedule.js';

const OPTIONS = { maxNumBatchedTokens: 16, readyWaitMs: 20 };

/**
 * A fake engine session around `schedule()`: groups, the running batch and the prefill queue, with
 * the plan applied the way the worker applies it (prefill advances, decode moves groups to waiting)
 * and callers appending tokens in between. No model runs.
 */
class FakeSession {
  readonly groups = new Map<number, ScheduledGroup>();
  members: number[] = [];
  prefillQueue: number[] = [];
  now = 1000;
  lastDecodeMs = 5;

  submit(id: number, promptLength: number): void {
    this.groups.set(id, { id, state: 'prefill', promptLength, prefilled: 0, readyRows: 0, readySince: 0 });
    this.prefillQueue.push(id);
  }

  append(id: number, rows = 1): void {
    const g = this.groups.get(id)!;
    this.groups.set(id, { ...g, state: 'ready', readyRows: rows, readySince: this.now });
  }

  plan(): SchedulePlan {
    const { groups, members, prefillQueue, now, lastDecodeMs } = this;
    return schedule({ groups, members, prefillQueue, now, lastDecodeMs }, OPTIONS);
  }

  /** Plans and applies one iteration, as the worker does. */
  step(): SchedulePlan {
    const plan = this.plan();
    for (const id of plan.decode)
      this.groups.set(id, { ...this.groups.get(id)!, state: 'waiting', readyRows: 0 });
    if (plan.decode.length > 0) this.members = [...plan.decode];
    if (plan.prefill) {
      const whole = plan.prefill.ids.length > 1;
      for (const id of plan.prefill.ids) {
        const g = this.groups.get(id)!;
        const prefilled = whole ? g.promptLength : g.prefilled + plan.prefill.chunk;
        const done = prefilled >= g.promptLength;
        this.groups.set(id, { ...g, prefilled, state: done ? 'waiting' : 'prefill' });
        if (done) this.prefillQueue = this.prefillQueue.filter((q) => q !== id);
      }
    }
    return plan;
  }
}

describe('schedule()', () => {
  it('idle: nothing to run, sleep until a command comes', () => {
    expect(new FakeSession().plan()).toEqual({
      decode: [],
      leftOut: [],
      prefill: undefined,
      sleepMs: Infinity,
    });
  });

  it('prefills several short fresh prompts as one padded run, the longest setting the chunk', () => {
    const s = new FakeSession();
    s.submit(1, 3);
    s.submit(2, 4);
    s.submit(3, 2);
    s.submit(4, 10); // 10 × 4 rows = 40 > 16 tokens: waits for the next run
    expect(s.step()).toEqual({
      decode: [],
      leftOut: [],
      prefill: { ids: [1, 2, 3], chunk: 4 },
      sleepMs: undefined,
    });
    expect(s.step().prefill).toEqual({ ids: [4], chunk: 10 });
  });

  it('does not batch prompts whose padding would waste more than half of the real tokens', () => {
    const s = new FakeSession();
    s.submit(1, 1);
    s.submit(2, 8); // 8 × 2 = 16 > 1.5 × 9
    expect(s.plan().prefill).toEqual({ ids: [1], chunk: 1 });
  });

  it('chunks a long prompt with what the decode step leaves of the token budget', () => {
    const s = new FakeSession();
    s.submit(1, 2);
    s.submit(2, 3);
    s.step(); // both prefilled together
    s.members = [1, 2];
    s.append(1);
    s.append(2);
    s.submit(3, 40);
    expect(s.step()).toEqual({
      decode: [1, 2],
      leftOut: [],
      prefill: { ids: [3], chunk: 14 },
      sleepMs: undefined,
    });
    // Group 3 keeps its place at the head of the queue until its prompt is in.
    s.append(1);
    s.append(2);
    expect(s.step()).toMatchObject({ decode: [1, 2], prefill: { ids: [3], chunk: 14 } });
    expect(s.step()).toMatchObject({ decode: [], prefill: { ids: [3], chunk: 12 } });
    expect(s.groups.get(3)).toMatchObject({ state: 'waiting', prefilled: 40 });
    expect(s.prefillQueue).toEqual([]);
  });

  it('waits for a late member of the running batch, then leaves it out and runs the others', () => {
    const s = new FakeSession();
    for (const id of [1, 2, 3]) s.submit(id, 2);
    s.step();
    s.members = [1, 2, 3];
    s.append(3);
    s.append(1);
    s.now += 4;
    // Group 2 has not appended: wait max(readyWaitMs, last step) = 20 ms from the first ready group.
    expect(s.plan()).toEqual({ decode: [], leftOut: [], prefill: undefined, sleepMs: 16 });
    s.lastDecodeMs = 30; // a slow step waits longer
    expect(s.plan().sleepMs).toBe(26);
    s.now += 26;
    // Members keep their row order; the late group is left out, its KV kept.
    expect(s.step()).toEqual({ decode: [1, 3], leftOut: [2], prefill: undefined, sleepMs: undefined });
    expect(s.members).toEqual([1, 3]);
    // It rejoins after the running members once its token comes (now member 1 is the late one).
    s.append(2);
    s.append(3);
    expect(s.plan()).toMatchObject({ decode: [], sleepMs: 30 });
    s.now += 30;
    expect(s.plan()).toMatchObject({ decode: [3, 2], leftOut: [1] });
  });

  it('a newly prefilled group joins after the running members without waiting for anyone', () => {
    const s = new FakeSession();
    s.submit(1, 2);
    s.step();
    s.members = [1];
    s.append(1);
    s.submit(2, 3);
    s.step(); // decode 1, prefill 2
    s.append(2);
    s.append(1);
    expect(s.plan()).toEqual({ decode: [1, 2], leftOut: [], prefill: undefined, sleepMs: undefined });
  });

  it('counts every row of a multi-row group against the token budget', () => {
    const s = new FakeSession();
    s.submit(1, 2);
    s.step();
    s.members = [1];
    s.append(1, 12); // n = 12 rows decode
    s.submit(2, 30);
    expect(s.plan()).toMatchObject({ decode: [1], prefill: { ids: [2], chunk: 4 } });
  });
});
