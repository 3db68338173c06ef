import type { AnyCalculatorDefinition } from '@weft/framework';
import type { CalculatorDocComment } from './doc-comment.js';
import { summaryOfDescription } from './doc-comment.js';
import { renderCalculatorSection } from './render-reference.js';

const INTRO = `# Built-in calculators

<!-- Generated from the calculator contracts and doc comments in packages/calculators/src.
     Do not edit by hand: change the source, then run \`pnpm run docs\` -->

The general-purpose calculators of \`@weft/calculators\`, registered by \`registerBuiltinCalculators\`
(and by \`registerAllBuiltins\` from \`@weft/server\`, which the \`weft\` CLI uses). They follow the
semantics of MediaPipe's calculators of the same name. The LLM calculators are described in
[llm-calculators.md](llm-calculators.md); how to write your own is in
[calculator-api.md](calculator-api.md).

How to read a section: **Port** is the tag as written in YAML (\`TAG:name\`); \`TAG:i\` ×n means
the tag takes any number of indexed streams (\`TAG:0:a\`, \`TAG:1:b\`); "(untagged) ×n" means plain
stream names, matched by position (input i → output i). **Type** is the port type checked on every
edge (\`any\` connects to everything). Options are validated against the schema before the run:
unknown keys are errors, defaults are applied. Timestamps and bounds are explained in
[calculator-api.md](calculator-api.md#timestamps-and-bounds).
`;

const MAP_FUNCTIONS = `## Map functions

\`MapCalculator\` applies a function chosen by name, so graph files never contain code. Register your
own in a module the graph loads with \`calculators:\`:

\`\`\`ts
import { registerMapFunction } from '@weft/calculators';

registerMapFunction('celsius_to_fahrenheit', (c: number) => (c * 9) / 5 + 32);
// async functions work too; returning undefined emits nothing at that timestamp
registerMapFunction('only_long', (s: string, { args }) => (s.length >= (args as number) ? s : undefined));
\`\`\`

A function receives the packet value and \`{ timestamp, args, nodeName, signal }\` (\`args\` is the
node's \`args\` option). Names are global per process; registering a different function under a
taken name fails with \`WEFT_ERR_DUPLICATE_MAP_FUNCTION\`.
`;

export interface CalculatorPageEntry {
  readonly definition: AnyCalculatorDefinition;
  readonly doc?: CalculatorDocComment;
}

/** docs/calculators.md: intro, index, one section per calculator, then map functions. */
export function renderCalculatorsPage(entries: readonly CalculatorPageEntry[]): string {
  const index = entries.map(
    ({ definition }) =>
      `| [${definition.name}](#${definition.name.toLowerCase()}) | ${summaryOfDescription(definition.description).replace(/\|/g, '\\|')} |`,
  );
  return [
    INTRO,
    '| Calculator | What it does |',
    '| --- | --- |',
    ...index,
    '',
    ...entries.map((e) => renderCalculatorSection(e.definition, e.doc)),
    MAP_FUNCTIONS,
  ].join('\n');
}
