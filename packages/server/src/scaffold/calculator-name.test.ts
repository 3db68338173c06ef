import { describe, expect, it } from 'vitest';
import { calculatorNameProblem, calculatorNames } from './calculator-name.js';

describe('calculatorNameProblem', () => {
  it('accepts PascalCase names with digits', () => {
    expect(calculatorNameProblem('Scale')).toBeUndefined();
    expect(calculatorNameProblem('RedactWords2Calculator')).toBeUndefined();
  });

  it('accepts snake_case, kebab-case and camelCase', () => {
    for (const name of ['shout_text', 'shout-text', 'shoutText', 'x2'])
      expect(calculatorNameProblem(name)).toBeUndefined();
  });

  it('quotes the bad name, states the rule and gives examples', () => {
    expect(calculatorNameProblem('my calc')).toBe(
      'invalid calculator name "my calc": a calculator name is letters and digits starting with a letter, in PascalCase, snake_case or kebab-case (examples: "Scale", "shout_text", "redact-words"); it becomes PascalCase ending in "Calculator"',
    );
    expect(calculatorNameProblem('2Fast')).toMatch(/^invalid calculator name "2Fast": /);
    expect(calculatorNameProblem('a__b')).toMatch(/^invalid calculator name "a__b": /);
    expect(calculatorNameProblem('trailing_')).toMatch(/^invalid calculator name "trailing_": /);
    expect(calculatorNameProblem('')).toMatch(/^invalid calculator name "": /);
    expect(calculatorNameProblem('Calculator')).toMatch(/it needs a word before "Calculator"/);
    expect(calculatorNameProblem('calculator')).toMatch(/it needs a word before "Calculator"/);
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
    expect(calculatorNames('shout_text')).toEqual({
      calculator: 'ShoutTextCalculator',
      fileStem: 'shout-text-calculator',
      graphName: 'shout_text_calculator_example',
    });
    expect(calculatorNames('redact-words-calculator').calculator).toBe('RedactWordsCalculator');
  });

  it('keeps acronyms and digits inside one word', () => {
    expect(calculatorNames('HTTPRequest2').fileStem).toBe('http-request2-calculator');
    expect(calculatorNames('JSONToText').fileStem).toBe('json-to-text-calculator');
  });
});
