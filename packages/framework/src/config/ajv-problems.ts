import type { ErrorObject } from 'ajv';
import { suggest } from '../errors/did-you-mean.js';
import type { Problem } from '../graph/validated-graph.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/** Splits an ajv instancePath / JSON pointer (`/nodes/0/options`) into a path (`['nodes', 0, 'options']`). */
export function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const quote = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Dotted field name for messages: `nodes[0].options.limit` (`''` for the root). */
export function fieldPath(path: YamlPath): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v: unknown = root;
  for (const s of path) v = v === null || typeof v !== 'object' ? undefined : (v as any)[s];
  return v;
}

export interface AjvProblemOptions {
  readonly source: YamlSource;
  /** Where the validated value sits in the YAML file. */
  readonly base: YamlPath;
  readonly code: string;
  /** Prefix of every message, e.g. `options of node "gate": `. */
  readonly prefix?: string;
  /** The value that was validated (to quote it). */
  readonly value: unknown;
  /** Code for unknown keys; defaults to `code`. */
  readonly unknownKeyCode?: string;
  /** Receives the YAML path of each offending value (for an unknown key, the key's path). */
  readonly paths?: YamlPath[];
}

/**
 * Turns ajv errors (compiled with `verbose: true`) into problems: one per error, anyOf branches
 * collapsed, each placed at its value in the YAML file (an unknown key at the key) and quoting the
 * value and the rule, with a did-you-mean for unknown keys and enum values. The one formatter for
 * every YAML file Weft validates with a JSON Schema (graphs, node options, the server config).
 */
export function ajvProblems(errors: readonly ErrorObject[], o: AjvProblemOptions): Problem[] {
  const kept = collapseAlternatives(errors, o.value);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const rel = pointerToPath(e.instancePath);
    const path = [...o.base, ...rel];
    const field = fieldPath(path) || 'the document';
    const bad = valueAt(o.value, rel);
    let message: string;
    let code = o.code;
    let location = o.source.locate(path);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
        code = o.unknownKeyCode ?? o.code;
        location = o.source.locate([...path, key], { key: true });
        o.paths?.push([...path, key]);
        message =
          allowed.length === 0
            ? `unknown key "${key}" in ${field}: no keys are allowed here (remove it)`
            : `unknown key "${key}" in ${field}${suggest(key, allowed)}`;
        break;
      }
      case 'required':
        message = `${field} is missing required key "${e.params.missingProperty}" (add it)`;
        break;
      case 'type':
        message = `${field} is ${quote(bad)} but must be ${String(e.params.type).replace(',', ' or ')}`;
        break;
      case 'enum':
        message = `${field} is ${quote(bad)} but must be one of ${(e.params.allowedValues as unknown[]).map(quote).join(', ')}${typeof bad === 'string' ? suggest(bad, (e.params.allowedValues as unknown[]).map(String)).replace(/ \(expected.*$/, '') : ''}`;
        break;
      case 'anyOf':
      case 'oneOf':
        message = `${field} is ${quote(bad)}, which matches none of the allowed forms${describeForms(e.parentSchema)}`;
        break;
      default:
        message = `${field} is ${quote(bad)} but ${e.message ?? 'is invalid'}`;
    }
    if (e.keyword !== 'additionalProperties') o.paths?.push(path);
    const full = `${o.prefix ?? ''}${message}`;
    const key = `${location.line}:${location.col}:${full}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ code, message: full, location });
  }
  return problems;
}

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/**
 * For an `anyOf`/`oneOf` failure, keeps the errors of the one branch whose `type` fits the value
 * (a string checked against the handler names, an object against its keys); otherwise keeps a single
 * error for the whole alternative.
 */
function collapseAlternatives(errors: readonly ErrorObject[], root: unknown): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  let kept = [...errors];
  for (const alt of alternatives) {
    const branches = ((alt.parentSchema as Record<string, unknown> | undefined)?.[alt.keyword] ?? []) as {
      type?: string | string[];
    }[];
    const type = jsonType(valueAt(root, pointerToPath(alt.instancePath)));
    const fits = branches
      .map((b, k) => ({ k, types: b.type === undefined ? [] : [b.type].flat() }))
      .filter(({ types }) => types.includes(type) || (type === 'integer' && types.includes('number')));
    const inside = (e: ErrorObject, k?: number) =>
      e.schemaPath.startsWith(k === undefined ? `${alt.schemaPath}/` : `${alt.schemaPath}/${k}/`);
    if (fits.length === 1) {
      const k = fits[0]!.k;
      kept = kept.filter((e) => e !== alt && (!inside(e) || inside(e, k)));
    } else {
      kept = kept.filter((e) => !inside(e));
    }
  }
  return kept;
}

function describeForms(schema: unknown): string {
  const desc = (schema as { description?: unknown } | undefined)?.description;
  return typeof desc === 'string' ? ` (${desc})` : '';
}
