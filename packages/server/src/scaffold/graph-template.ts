import type { CalculatorNames } from './calculator-name.js';

/** Values of the sample input file; the generated test and the CLI hint rely on them. */
export const SAMPLE_INPUT = [1, 2, 5] as const;

/** A one-node graph that loads the scaffolded module through `calculators:` and runs it with factor 3. */
export function graphTemplate(n: CalculatorNames, schema: string | undefined): string {
  const modeline = schema === undefined ? '' : `# yaml-language-server: $schema=${schema}\n`;
  return `${modeline}# Example graph for ${n.calculator}, made by \`weft calculator new\`.
# Run it from this folder:
#   npx weft graph run ${n.fileStem}.graph.yaml --input in=${n.fileStem}.input.jsonl
name: ${n.graphName}
calculators:
  # Relative to this file; every calculator the module exports is registered for this graph.
  - ./${n.fileStem}.ts
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: ${n.calculator}
    input_stream: IN:in
    output_stream: OUT:out
    options:
      factor: 3
`;
}

/** Packets for the graph's `in` stream, one JSON line each (the `weft graph run --input` format). */
export function inputTemplate(): string {
  return SAMPLE_INPUT.map((value, timestamp) => `${JSON.stringify({ timestamp, value })}\n`).join('');
}
