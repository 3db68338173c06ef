import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { InputStreamHandlerConfig } from '../calculator/contract.js';
import { V } from '../errors/validation-codes.js';
import type { Problem, SourceLocation } from '../graph/validated-graph.js';
import type { PortText } from './ports.js';
import type { RawGraph, RawHandler } from './raw-graph.js';
import { sanitizeGraph } from './sanitize-graph.js';
import { checkGraphSchema } from './schema-check.js';
import { type YamlPath, YamlSource } from './yaml-source.js';

/** A parsed, schema-checked graph file. */
export interface GraphSource {
  readonly yaml: YamlSource;
  readonly raw: RawGraph;
  /** `name:` or the file name without extension. */
  readonly name: string;
  /** Indexes of nodes with schema problems: checked only for what is certain (calculator, names). */
  readonly tainted: ReadonlySet<number>;
}

/** Default of `maxGraphBytes`: real graphs are a few KB; parsing 256 KiB of YAML takes ~0.1 s. */
export const DEFAULT_MAX_GRAPH_BYTES = 256 * 1024;

/**
 * Parses and schema-checks graph text. `source` is missing after a YAML syntax error or a text over
 * `maxBytes`; with schema problems it holds the graph without the offending fields, so checking can go on.
 */
export async function parseGraphText(
  text: string,
  file: string,
  maxBytes = DEFAULT_MAX_GRAPH_BYTES,
): Promise<{ source?: GraphSource; problems: Problem[] }> {
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    const message = `graph file is ${bytes} bytes; the limit is ${maxBytes} (maxGraphBytes; the server's max_graph_bytes)`;
    return { problems: [{ code: V.GRAPH_TOO_LARGE, message, location: { file, line: 1, col: 1 } }] };
  }
  const parsed = await YamlSource.parseAsync(text, file);
  if (!parsed.source) return { problems: parsed.problems };
  const { problems, paths } = checkGraphSchema(parsed.source);
  const { raw, tainted } =
    problems.length > 0
      ? sanitizeGraph(parsed.source.value, paths)
      : { raw: parsed.source.value as RawGraph, tainted: new Set<number>() };
  const name = raw.name ?? basename(file, extname(file));
  return { source: { yaml: parsed.source, raw, name, tainted }, problems };
}

/**
 * Reads a graph file's text, or returns the problem saying why it cannot be read: `shownAs` is the
 * name quoted in the message, `fix` its closing advice, `location` where the problem is reported.
 */
export async function readGraphText(
  file: string,
  shownAs: string,
  fix: string,
  location: SourceLocation,
): Promise<string | Problem> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e);
    return {
      code: V.FILE_READ,
      message: `cannot read graph file "${shownAs}": ${reason} (${fix})`,
      location,
    };
  }
}

/** Reads and parses a graph file; a missing file is a problem at `from` (where it was referenced). */
export async function readGraphFile(
  file: string,
  from: SourceLocation | undefined,
  maxBytes: number | undefined,
): Promise<{ source?: GraphSource; problems: Problem[] }> {
  const text = await readGraphText(
    file,
    file,
    'check the path; relative paths start from the including file',
    from ?? { file, line: 1, col: 1 },
  );
  if (typeof text !== 'string') return { problems: [text] };
  return parseGraphText(text, file, maxBytes);
}

/** The port strings of a `string | string[]` field with their locations. */
export function portTexts(
  yaml: YamlSource,
  path: YamlPath,
  value: string | string[] | undefined,
): PortText[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [{ text: value, location: yaml.locate(path) }];
  return value.map((text, i) => ({ text, location: yaml.locate([...path, i]) }));
}

/** Normalises a YAML handler setting. */
export function handlerConfig(raw: RawHandler | undefined): InputStreamHandlerConfig | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return { handler: raw };
  return raw.sync_sets ? { handler: raw.handler, sync_sets: raw.sync_sets } : { handler: raw.handler };
}
