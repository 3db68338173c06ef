import { describe, expect, it } from 'vitest';
import { calculatorNameProblem, calculatorNames } from './calculator-name.js';

describe('calculatorNameProblem', () => {
  it('accepts PascalCase names with digits', () => {
    expect(calculatorNameProblem('Scale')).toBeUndefined();
    expect(calculatorNameProblem('RedactWords2Calculator')).toBeUndefined();
  });

  it('quotes the bad name, states the rule and gives examples', () => {
    expect(calculatorNameProblem('my-calc')).toBe(
      'invalid calculator name "my-calc": a calculator name is PascalCase: an uppercase letter, then letters and digits (examples: "Scale", "RedactWordsCalculator"); "Calculator" is appended when missing',
    );
    expect(calculatorNameProblem('scale')).toMatch(/^invalid calculator name "scale": /);
    expect(calculatorNameProblem('2Fast')).toMatch(/^invalid calculator name "2Fast": /);
    expect(calculatorNameProblem('')).toMatch(/^invalid calculator name "": /);
    expect(calculatorNameProblem('Calculator')).toMatch(/it needs a word before "Calculator"/);
  });
});

describe('calculatorNames', () => {
  it('appends Calculator once and derives kebab and snake names', () => {
    expect(calculatorNames('Scale')).toEqual({
      calculator: 'ScaleCalculator',
      fileStem: 'scale-calculator',
      graphName: 'scale_calculator_example',
    });
    expect(calculatorNames('ScaleCalculator').calculator).toBe('ScaleCalculator');
  });

  it('keeps acronyms and digits inside one word', () => {
    expect(calculatorNames('HTTPRequest2').fileStem).toBe('http-request2-calculator');
    expect(calculatorNames('JSONToText').fileStem).toBe('json-to-text-calculator');
  });
});
