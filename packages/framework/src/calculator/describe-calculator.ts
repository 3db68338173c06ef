/**
 * A contract description: the one-line summary, then the Example config block (the same YAML as in
 * the calculator's doc comment, so editor hover and generated docs show it; the calculators' docs
 * tests keep both equal). Every package's calculators describe themselves with it.
 */
export function describeCalculator(summary: string, exampleYaml: string): string {
  return `${summary}\n\nExample config:\n\`\`\`yaml\n${exampleYaml.trim()}\n\`\`\``;
}
