/** The parts of a calculator's doc comment that the generated reference uses. */
export interface CalculatorDocComment {
  /** The text before "Example config:", comment markers removed, paragraphs kept. */
  readonly prose: string;
  /** The YAML of the "Example config" block, when there is one. */
  readonly example: string | undefined;
}

/**
 * Finds the doc comment right above `export const <name> = defineCalculator(` in a source file and
 * splits it into prose and example. Returns undefined when there is no such comment.
 */
export function readDocComment(source: string, exportName: string): CalculatorDocComment | undefined {
  const anchor = source.indexOf(`export const ${exportName} = defineCalculator`);
  if (anchor < 0) return undefined;
  const end = source.lastIndexOf('*/', anchor);
  const start = source.lastIndexOf('/**', end);
  if (start < 0 || end < 0 || source.slice(end + 2, anchor).trim() !== '') return undefined;
  const lines = source
    .slice(start + 3, end)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd());
  const text = lines.join('\n').trim();
  return { prose: summaryOfDescription(text), example: exampleOfDescription(text) };
}

/** The YAML of the "Example config" block of a contract description, if any. */
export function exampleOfDescription(description: string): string | undefined {
  const marker = description.indexOf('Example config:');
  if (marker < 0) return undefined;
  return /```yaml\n([\s\S]*?)```/.exec(description.slice(marker))?.[1]?.trim();
}

/** The description without its Example config block: the one-line summary. */
export function summaryOfDescription(description: string): string {
  const marker = description.indexOf('Example config:');
  return (marker < 0 ? description : description.slice(0, marker)).trim();
}
