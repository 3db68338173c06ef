/**
 * A contract description: the one-line summary, then the "Example config" block (the same YAML as
 * in the calculator's doc comment), so editor hover and `weft` docs show how to wire the node.
 */
export function withExample(summary: string, exampleYaml: string): string {
  return `${summary}\n\nExample config:\n\`\`\`yaml\n${exampleYaml.trim()}\n\`\`\``;
}
