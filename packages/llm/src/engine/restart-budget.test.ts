import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  it('allows maxRestarts inside the window, then refuses until the oldest leaves it', () => {
    let now = 0;
    const budget = new RestartBudget(2, 1000, () => now);
    expect(budget.take()).toBe(true);
    now = 400;
    expect(budget.take()).toBe(true);
    now = 999;
    expect(budget.take()).toBe(false);
    now = 1000; // the restart at 0 has left the window
    expect(budget.take()).toBe(true);
    now = 1399;
    expect(budget.take()).toBe(false);
  });

  it('maxRestarts 0 never restarts', () => {
    expect(new RestartBudget(0, 60_000, () => 0).take()).toBe(false);
  });
});
