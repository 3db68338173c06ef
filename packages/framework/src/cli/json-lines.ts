import { Timestamp } from '../timestamp/timestamp.js';

/** One line of a `weft graph run --input` file. */
export interface InputLine {
  readonly timestamp: Timestamp;
  readonly value: unknown;
}

/**
 * Parses `{"timestamp": N, "value": ANY}` lines (blank lines skipped). Returns the lines, or a
 * message naming `file:line`, what is wrong and an example of a good line.
 */
export function parseJsonLines(text: string, file: string): InputLine[] | string {
  const out: InputLine[] = [];
  const lines = text.split('\n');
  const example = 'expected {"timestamp": 0, "value": ...}';
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(raw);
    } catch (error) {
      return `${file}:${i + 1}: not JSON (${(error as Error).message}); ${example}`;
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return `${file}:${i + 1}: ${raw.slice(0, 60)} is not an object; ${example}`;
    }
    const { timestamp, value } = item as { timestamp?: unknown; value?: unknown };
    if (typeof timestamp !== 'number' || !Timestamp.isRangeValue(timestamp)) {
      return `${file}:${i + 1}: "timestamp" must be an integer, got ${JSON.stringify(timestamp)}; ${example}`;
    }
    if (!('value' in item)) return `${file}:${i + 1}: "value" is missing; ${example}`;
    const extra = Object.keys(item).filter((k) => k !== 'timestamp' && k !== 'value');
    if (extra.length > 0) return `${file}:${i + 1}: unknown key "${extra[0]}"; ${example}`;
    out.push({ timestamp, value });
  }
  return out;
}
