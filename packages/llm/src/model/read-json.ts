import { readFileSync } from 'node:fs';
import { ModelConfigError } from '../errors/llm-errors.js';

/** Reads a JSON object file; a missing optional file gives `undefined`. */
export function readJsonObject(file: string, optional: true): Record<string, unknown> | undefined;
export function readJsonObject(file: string, optional?: false): Record<string, unknown>;
export function readJsonObject(file: string, optional = false): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelConfigError(`cannot read ${file}: ${(err as Error).message}`, file, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ModelConfigError(
      `${file} is not valid JSON (${(err as Error).message}); re-export the model or fix the file`,
      file,
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelConfigError(`${file} must hold a JSON object, found ${describe(value)}`, file);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
