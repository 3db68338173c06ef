import type { CalculatorRegistry } from '../calculator/registry.js';
import { effectiveOptionsSchema } from '../validate/options.js';
import { graphSchema, nodeSchema } from './graph-schema.js';

type Json = Record<string, unknown>;

/** Drops keys that would clash when a calculator's schema is embedded in another document. */
function embeddable(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

const firstParagraph = (text: string): string =>
  text
    .trim()
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ');

/**
 * The graph JSON Schema for editors (docs/schema/graph.schema.json): the validator's schema, with
 * `calculator:` completing registered names and `options:` validated per calculator
 * (`if calculator = X then options = X's options schema`). Deterministic: calculators in name order.
 */
export function buildEditorSchema(registry: CalculatorRegistry): Json {
  const defs = registry.definitions();
  const node: Json = {
    ...nodeSchema,
    properties: {
      ...nodeSchema.properties,
      calculator: {
        description: nodeSchema.properties.calculator.description,
        anyOf: [
          {
            enum: defs.map((d) => d.name),
            // Shown next to each name by editors that support it (VS Code, yaml-language-server).
            enumDescriptions: defs.map((d) => firstParagraph(d.description)),
            description: 'A registered calculator.',
          },
          { type: 'string', description: 'A subgraph name or a subgraph file path.' },
        ],
      },
    },
    allOf: defs.map((d) => ({
      if: { properties: { calculator: { const: d.name } }, required: ['calculator'] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise.
      then: {
        properties: {
          options: {
            ...embeddable(effectiveOptionsSchema(d)),
            description: `Options of ${d.name}: ${firstParagraph(d.description)}`,
          },
        },
      },
    })),
  };
  return {
    ...graphSchema,
    properties: { ...graphSchema.properties, nodes: { ...graphSchema.properties.nodes, items: node } },
  };
}
