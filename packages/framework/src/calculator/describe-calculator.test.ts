import { describe, expect, it } from 'vitest';
import { describeCalculator } from './describe-calculator.js';

describe('describeCalculator', () => {
  it('appends the example block to the summary', () => {
    expect(describeCalculator('Sum.', '\n- calculator: X\n')).toBe(
      'Sum.\n\nExample config:\n```yaml\n- calculator: X\n```',
    );
  });
});
