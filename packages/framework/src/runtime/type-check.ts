import { Ajv, type ValidateFunction } from 'ajv';
import type { PortType } from '../calculator/port-type.js';

// Values are checked, never changed: no defaults, no coercion.
const ajv = new Ajv({
  allErrors: false,
  strict: false,
  coerceTypes: false,
  useDefaults: false,
  addUsedSchema: false,
});
const compiled = new WeakMap<object, ValidateFunction | Error>();

function schemaCheck(schema: object, value: unknown): string | undefined {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      validate = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(schema, validate);
  }
  if (validate instanceof Error) return undefined; // a broken schema is a contract bug the validator reports
  if (validate(value)) return undefined;
  const e = validate.errors?.[0];
  return e === undefined
    ? 'does not match its schema'
    : `${e.instancePath || 'value'} ${e.message ?? 'is invalid'}`;
}

/**
 * Explains why `value` is not of `type`, or returns undefined when it is: the type's own check, then
 * its JSON Schema (for `t.json(...)` ports) with ajv. Used for side packets always, and for every
 * packet when a run is started with `checkTypes`.
 */
export function checkValue(type: PortType, value: unknown): string | undefined {
  const why = type.check(value);
  if (why !== undefined) return why;
  return type.schema !== undefined && typeof type.schema === 'object'
    ? schemaCheck(type.schema, value)
    : undefined;
}
