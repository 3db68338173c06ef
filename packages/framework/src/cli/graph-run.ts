import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { suggest } from '../errors/did-you-mean.js';
import type { CliIo } from '../graph/graph-api.js';
import { formatProblem, GraphValidationError } from '../graph/validated-graph.js';
import type { Graph } from '../runtime/graph.js';
import { loadGraph } from '../runtime/load-graph.js';
import { GraphCancelledError, RunError } from '../runtime/run-errors.js';
import { writeChromeTrace } from '../trace/chrome-trace.js';
import { parseCommandArgs } from './command-args.js';
import { type InputLine, parseJsonLines } from './json-lines.js';

const RUN = {
  command: 'weft graph run',
  usage: `usage: weft graph run FILE [--side NAME=JSON]... [--input STREAM=FILE.jsonl]... [--trace FILE]
  --side    a graph input side packet, its value as JSON (e.g. --side 'scale=2')
  --input   feeds a graph input stream from JSON lines {"timestamp": N, "value": ANY}, in file order
  --trace   writes a Chrome trace (open it in https://ui.perfetto.dev)
Prints one JSON line {"stream", "timestamp", "value"} per packet of every graph output stream.`,
  options: {
    side: { type: 'string', multiple: true },
    input: { type: 'string', multiple: true },
    trace: { type: 'string' },
  },
  positionals: { name: 'FILE', min: 1, max: 1 },
} as const;

interface RunArgs {
  readonly file: string;
  readonly sides: [string, string][];
  readonly inputs: [string, string][];
  readonly trace: string | undefined;
}

/** `NAME=VALUE` split at the first `=`, or undefined when there is no name before one. */
function splitPair(text: string): [string, string] | undefined {
  const at = text.indexOf('=');
  return at <= 0 ? undefined : [text.slice(0, at), text.slice(at + 1)];
}

/** The parsed arguments, or the exit code once `--help` or a usage error has been answered. */
function parseRunArgs(args: readonly string[], io: CliIo): RunArgs | number {
  const parsed = parseCommandArgs(args, RUN, io);
  if (typeof parsed === 'number') return parsed;
  const pairs = (flag: string, texts: readonly string[], what: string, example: string) => {
    const out: [string, string][] = [];
    for (const text of texts) {
      const pair = splitPair(text);
      if (pair === undefined)
        throw new Error(`${flag} "${text}" must be ${what} (example: ${flag} ${example})`);
      out.push(pair);
    }
    return out;
  };
  try {
    return {
      file: parsed.positionals[0]!,
      sides: pairs('--side', parsed.values.side ?? [], 'NAME=JSON', "'scale=2'"),
      inputs: pairs('--input', parsed.values.input ?? [], 'STREAM=FILE.jsonl', 'in=packets.jsonl'),
      trace: parsed.values.trace,
    };
  } catch (error) {
    io.stderr(`weft graph run: ${(error as Error).message}\n${RUN.usage}\n`);
    return 2;
  }
}

/** `weft graph run FILE ...`: runs a graph once over JSON-lines inputs; exit 0 done, 1 graph error, 2 usage. */
export async function graphRun(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  const parsed = parseRunArgs(args, io);
  if (typeof parsed === 'number') return parsed;
  let graph: Graph;
  try {
    graph = await loadGraph(resolve(io.cwd, parsed.file), { registry });
  } catch (error) {
    if (error instanceof GraphValidationError) {
      for (const p of error.problems) io.stderr(`${formatProblem(p)}\n`);
      return 1;
    }
    if (error instanceof RunError) {
      io.stderr(`${describe(error)}\n`); // a graph-scoped node failed to open
      return 1;
    }
    throw error;
  }
  try {
    const prepared = await prepare(graph, parsed, io.cwd);
    if (typeof prepared === 'string') {
      io.stderr(`weft graph run: ${prepared}\n`);
      return 2;
    }
    return await execute(
      graph,
      prepared,
      parsed.trace === undefined ? undefined : resolve(io.cwd, parsed.trace),
      io,
    );
  } finally {
    await graph.dispose();
  }
}

interface Prepared {
  readonly sidePackets: Record<string, unknown>;
  readonly feeds: Map<string, InputLine[]>;
}

async function prepare(graph: Graph, args: RunArgs, cwd: string): Promise<Prepared | string> {
  const sideNames = graph.config.inputSidePackets.map((p) => p.name);
  const sidePackets: Record<string, unknown> = {};
  for (const [name, json] of args.sides) {
    if (!sideNames.includes(name)) {
      return `--side ${name}: graph "${graph.config.name}" has no input side packet "${name}"${suggest(name, sideNames)}`;
    }
    try {
      sidePackets[name] = JSON.parse(json);
    } catch {
      return `--side ${name}=${json}: the value is not JSON (quote strings: --side '${name}="text"')`;
    }
  }
  const streamNames = graph.config.inputStreams.map((p) => p.name);
  const feeds = new Map<string, InputLine[]>();
  for (const [stream, file] of args.inputs) {
    if (!streamNames.includes(stream)) {
      return `--input ${stream}: graph "${graph.config.name}" has no input stream "${stream}"${suggest(stream, streamNames)}`;
    }
    let text: string;
    try {
      text = await readFile(resolve(cwd, file), 'utf8');
    } catch {
      return `--input ${stream}=${file}: cannot read "${resolve(cwd, file)}"`;
    }
    const lines = parseJsonLines(text, file);
    if (typeof lines === 'string') return lines;
    feeds.set(stream, lines);
  }
  return { sidePackets, feeds };
}

async function execute(
  graph: Graph,
  prepared: Prepared,
  traceFile: string | undefined,
  io: CliIo,
): Promise<number> {
  let run: ReturnType<Graph['start']>;
  try {
    run = graph.start({
      sidePackets: prepared.sidePackets,
      trace: traceFile !== undefined,
      onOutput: (stream, packet) => {
        io.stdout(
          `${JSON.stringify({ stream, timestamp: packet.timestamp, value: packet.value ?? null })}\n`,
        );
      },
    });
  } catch (error) {
    io.stderr(`${describe(error)}\n`);
    return 1;
  }
  const done = run.done();
  done.catch(() => {}); // observed below; this keeps an early failure from being "unhandled"
  for (const name of graph.config.inputStreams.map((p) => p.name)) {
    if (!prepared.feeds.has(name)) run.closeInput(name);
  }
  // Streams are fed side by side (one packet each in turn), each closed at the end of its file.
  const feeding = [...prepared.feeds].map(async ([stream, lines]) => {
    for (const line of lines) await run.addPacket(stream, line.value, line.timestamp);
    run.closeInput(stream);
  });
  const fed = await Promise.all(feeding).then(
    () => undefined,
    (error: unknown) => error,
  );
  // A bad input (e.g. a timestamp going back) leaves its stream open: stop the run instead of waiting.
  if (fed !== undefined) run.cancel(fed);
  let failure: unknown;
  try {
    await done;
  } catch (error) {
    failure = error instanceof GraphCancelledError && fed !== undefined ? fed : error;
  }
  if (traceFile !== undefined) await writeChromeTrace(traceFile, run.traceEvents());
  if (failure !== undefined) {
    io.stderr(`${describe(failure)}\n`);
    return 1;
  }
  return 0;
}

function describe(error: unknown): string {
  if (error instanceof RunError) return `error ${error.code} ${error.message}`;
  return `error ${error instanceof Error ? error.message : String(error)}`;
}
