import { Timestamp } from '../timestamp/timestamp.js';

/**
 * The JSON lines `weft graph run` reads (packets, bound-only updates and closes, in order) and writes
 * (output packets and, with `--bounds`, output bounds), in one format so an output can be replayed.
 */

/** One line of a `weft graph run` input file, in the order written. */
export type ScriptLine = { readonly stream: string; readonly line: number } & (
  | { readonly kind: 'packet'; readonly timestamp: Timestamp; readonly value: unknown }
  | { readonly kind: 'bound'; readonly bound: Timestamp }
  | { readonly kind: 'close' }
);

/** Special timestamps written by name (`"Max"` or `"Timestamp.Max"`); packets may carry the first four. */
const PACKET_NAMES = ['PreStream', 'Min', 'Max', 'PostStream'] as const;
const BOUND_NAMES = [...PACKET_NAMES, 'OneOverPostStream', 'Done'] as const;

const EXAMPLES =
  '{"stream": "in", "timestamp": 0, "value": ...}, {"stream": "in", "bound": 10} or {"stream": "in", "close": true}';

/**
 * A timestamp as written: a safe integer, or a special value by name. Returns the timestamp or why
 * not. `names` are the special values allowed here.
 */
function readTimestamp(raw: unknown, names: readonly string[]): Timestamp | string {
  if (typeof raw === 'string') {
    const name = raw.replace(/^Timestamp\./, '');
    if (names.includes(name)) return Timestamp[name as (typeof BOUND_NAMES)[number]];
    return `${JSON.stringify(raw)} is not a timestamp name; use an integer or one of ${names.join(', ')}`;
  }
  if (typeof raw === 'number' && Timestamp.isRangeValue(raw)) return raw;
  return `must be an integer in [Timestamp.Min, Timestamp.Max] or one of ${names.join(', ')}, got ${JSON.stringify(raw)}`;
}

/** A timestamp for output lines: integers as numbers, special values by name (as input accepts). */
export function writeTimestamp(ts: Timestamp): number | string {
  if (Timestamp.isRangeValue(ts) && ts !== Timestamp.Min && ts !== Timestamp.Max) return ts;
  return Timestamp.format(ts).replace(/^Timestamp\./, '');
}

/**
 * Parses JSON lines of packets, bound-only updates and closes, in order (blank lines skipped):
 * `{"stream", "timestamp", "value"}`, `{"stream", "bound"}`, `{"stream", "close": true}`.
 * With `stream` (an `--input STREAM=FILE` file) lines may leave `"stream"` out. Returns the lines,
 * or a message naming `file:line`, what is wrong and an example.
 */
export function parseInputScript(text: string, file: string, stream?: string): ScriptLine[] | string {
  const out: ScriptLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const at = `${file}:${i + 1}`;
    const line = parseLine(raw, stream, i + 1);
    if (typeof line === 'string') return `${at}: ${line}; expected ${EXAMPLES}`;
    out.push(line);
  }
  return out;
}

function parseLine(raw: string, defaultStream: string | undefined, line: number): ScriptLine | string {
  let item: unknown;
  try {
    item = JSON.parse(raw);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return `${raw.slice(0, 60)} is not an object`;
  }
  const fields = item as Record<string, unknown>;
  const stream = fields.stream ?? defaultStream;
  if (typeof stream !== 'string' || stream === '') {
    return `"stream" must name a graph input stream, got ${JSON.stringify(fields.stream)}`;
  }
  if (defaultStream !== undefined && stream !== defaultStream) {
    return `"stream" is "${stream}" in a file given for input "${defaultStream}"; leave "stream" out or use --script`;
  }
  const kinds = (['timestamp', 'bound', 'close'] as const).filter((k) => k in fields);
  if (kinds.length !== 1) {
    return kinds.length === 0
      ? 'a line needs one of "timestamp" (a packet), "bound" or "close"'
      : `a line is a packet, a bound or a close, not ${kinds.map((k) => `"${k}"`).join(' and ')}`;
  }
  const allowed: readonly string[] = kinds[0] === 'timestamp' ? ['value'] : [];
  const extra = Object.keys(fields).filter((k) => k !== 'stream' && k !== kinds[0] && !allowed.includes(k));
  if (extra.length > 0) return `unknown key "${extra[0]}"`;
  if (kinds[0] === 'close') {
    return fields.close === true ? { kind: 'close', stream, line } : '"close" must be true';
  }
  if (kinds[0] === 'bound') {
    const bound = readTimestamp(fields.bound, BOUND_NAMES);
    if (typeof bound === 'string') return `"bound" ${bound}`;
    return bound === Timestamp.Done
      ? { kind: 'close', stream, line }
      : { kind: 'bound', stream, bound, line };
  }
  const timestamp = readTimestamp(fields.timestamp, PACKET_NAMES);
  if (typeof timestamp === 'string') return `"timestamp" ${timestamp}`;
  if (!('value' in fields)) return '"value" is missing';
  return { kind: 'packet', stream, timestamp, value: fields.value, line };
}

/** A line that the run refused (a timestamp going back, a closed stream...): `file:line` and the cause. */
export class InputLineError extends Error {
  override readonly name = 'InputLineError';
  constructor(
    readonly code: string | undefined,
    message: string,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The part of a run that input lines drive. */
interface InputSide {
  addPacket(stream: string, value: unknown, timestamp: Timestamp): Promise<void>;
  setInputBound(stream: string, bound: Timestamp): void;
  closeInput(stream: string): void;
}

/** Applies `lines` to the run one after the other (a packet waits while its queue is full). */
export async function feedLines(run: InputSide, file: string, lines: readonly ScriptLine[]): Promise<void> {
  for (const line of lines) {
    try {
      if (line.kind === 'packet') await run.addPacket(line.stream, line.value, line.timestamp);
      else if (line.kind === 'bound') run.setInputBound(line.stream, line.bound);
      else run.closeInput(line.stream);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new InputLineError(
        typeof code === 'string' ? code : undefined,
        `${file}:${line.line}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}

/** The JSON line printed for an output packet. */
export function packetLine(stream: string, timestamp: Timestamp, value: unknown): string {
  return `${JSON.stringify({ stream, timestamp: writeTimestamp(timestamp), value: value ?? null })}\n`;
}

/** The JSON line printed when an output's bound moves without a packet (`--bounds`): a bound, or a close at Done. */
export function boundLine(stream: string, bound: Timestamp): string {
  return bound === Timestamp.Done
    ? `${JSON.stringify({ stream, close: true })}\n`
    : `${JSON.stringify({ stream, bound: writeTimestamp(bound) })}\n`;
}
