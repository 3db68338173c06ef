/** One step of a README section, in document order. */
export type ReadmeStep =
  | { readonly kind: 'command'; readonly line: string; readonly shownOutput?: string }
  | { readonly kind: 'file'; readonly path: string; readonly content: string };

/** The text of `## heading` up to the next `## `. */
export function readmeSection(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/**
 * The steps a reader follows: each command of a ```sh block (`\` continuations joined; a sh block
 * of one command followed by a plain ``` block carries that block as its shown output), and each
 * code block whose first line is a comment naming a file (`// graphs/x.ts`, `# graphs/x.yaml: ...`).
 */
export function readmeSteps(section: string): ReadmeStep[] {
  const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
  const steps: ReadmeStep[] = [];
  blocks.forEach((block, i) => {
    if (block.lang === 'sh') {
      const lines = block.body
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      const next = blocks[i + 1];
      const shown = lines.length === 1 && next?.lang === '' ? next.body : undefined;
      for (const line of lines)
        steps.push({ kind: 'command', line, ...(shown !== undefined && { shownOutput: shown }) });
      return;
    }
    const named = /^(?:\/\/|#) ([\w./-]+\.\w+)(?::|$)/m.exec(block.body.split('\n')[0] ?? '');
    if (named !== null && block.lang !== '')
      steps.push({ kind: 'file', path: named[1]!, content: block.body });
  });
  return steps;
}
