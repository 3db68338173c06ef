import { describe, expect, test } from 'vitest';
import { exampleOfDescription, readDocComment, summaryOfDescription } from './doc-comment.js';

const source = `import x from 'y';

/**
 * Does a thing.
 *
 * Second paragraph.
 *
 * Example config:
 * \`\`\`yaml
 * - calculator: ThingCalculator
 *   input_stream: [a]
 * \`\`\`
 */
export const ThingCalculator = defineCalculator({
`;

describe('readDocComment', () => {
  test('splits prose and example', () => {
    expect(readDocComment(source, 'ThingCalculator')).toEqual({
      prose: 'Does a thing.\n\nSecond paragraph.',
      example: '- calculator: ThingCalculator\n  input_stream: [a]',
    });
  });

  test('is undefined for another export or a comment not directly above', () => {
    expect(readDocComment(source, 'OtherCalculator')).toBeUndefined();
    const detached = source.replace('*/\nexport', '*/\nconst gap = 1;\nexport');
    expect(readDocComment(detached, 'ThingCalculator')).toBeUndefined();
  });
});

describe('description helpers', () => {
  const description = 'One line.\n\nExample config:\n```yaml\n- calculator: X\n```';
  test('summary and example', () => {
    expect(summaryOfDescription(description)).toBe('One line.');
    expect(exampleOfDescription(description)).toBe('- calculator: X');
    expect(exampleOfDescription('One line.')).toBeUndefined();
  });
});
