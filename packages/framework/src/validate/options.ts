import { Ajv, type ValidateFunction } from 'ajv';
import type { AnyCalculatorDefinition } from '../calculator/contract.js';
import { ajvProblems } from '../config/ajv-problems.js';
import type { YamlPath, YamlSource } from '../config/yaml-source.js';
import { V } from '../errors/validation-codes.js';
import type { Problem } from '../graph/validated-graph.js';

// One ajv for all calculators: options schemas are compiled once per definition and reused.
const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  useDefaults: true,
  coerceTypes: false,
  strict: false,
  addUsedSchema: false,
});
const compiled = new WeakMap<AnyCalculatorDefinition, ValidateFunction | Error>();

const NO_OPTIONS = { type: 'object', additionalProperties: false } as const;

/**
 * The schema actually enforced: the calculator's options schema, with unknown top-level keys rejected
 * when the schema lists its properties and says nothing about others (the contract promises it).
 */
export function effectiveOptionsSchema(def: AnyCalculatorDefinition): Record<string, unknown> {
  const schema = (def.options ?? NO_OPTIONS) as Record<string, unknown>;
  if (typeof schema !== 'object' || schema === null) return schema;
  const open =
    schema.additionalProperties === undefined &&
    schema.unevaluatedProperties === undefined &&
    schema.patternProperties === undefined &&
    !('allOf' in schema || 'anyOf' in schema || 'oneOf' in schema || '$ref' in schema);
  return open ? { ...schema, additionalProperties: false } : schema;
}

function validatorFor(def: AnyCalculatorDefinition): ValidateFunction | Error {
  let v = compiled.get(def);
  if (!v) {
    try {
      v = ajv.compile(effectiveOptionsSchema(def));
    } catch (e) {
      v = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(def, v);
  }
  return v;
}

/** Validates a node's options (a copy; defaults applied). Returns the options to run with. */
export function validateOptions(
  def: AnyCalculatorDefinition,
  raw: unknown,
  nodeName: string,
  where: { source: YamlSource; path: YamlPath },
  problems: Problem[],
): Record<string, unknown> {
  const options = structuredClone(raw ?? {}) as Record<string, unknown>;
  const validate = validatorFor(def);
  if (validate instanceof Error) {
    problems.push({
      code: V.INVALID_OPTIONS,
      message: `calculator "${def.name}" has an options schema that does not compile (${validate.message}); fix the calculator's \`options\` schema`,
      location: where.source.locate(where.path),
    });
    return options;
  }
  if (!validate(options)) {
    problems.push(
      ...ajvProblems(validate.errors ?? [], {
        source: where.source,
        base: where.path,
        code: V.INVALID_OPTIONS,
        prefix: `options of node "${nodeName}" (${def.name}): `,
        value: options,
      }),
    );
  }
  return options;
}
