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
import {
  boundLine,
  feedLines,
  InputLineError,
  packetLine,
  parseInputScript,
  type ScriptLine,
} from './run-lines.js';

const RUN = {
  command: 'weft graph run',
  usage: `usage: weft graph run FILE [--side NAME=JSON]... [--script FILE.jsonl | --input STREAM=FILE.jsonl...] [--bounds] [--trace FILE]
  --side    a graph input side packet, its value as JSON (e.g. --side 'scale=2')
  --script  feeds the graph inputs from one file of JSON lines, applied in order:
              {"stream": "in", "timestamp": 3, "value": ANY}   a packet
              {"stream": "in", "bound": 10}                    no packet below 10 will follow (bound only)
              {"stream": "in", "close": true}                  closes that input here
            timestamps are integers or names: "PreStream", "Min", "Max", "PostStream" (bounds also
            "OneOverPostStream", "Done"); inputs still open at the end are closed then
  --input   feeds one input from its own file of such lines ("stream" may be left out); several
            files are fed side by side; inputs without a file are closed at the start
  --bounds  also prints {"stream", "bound"} when an output's bound moves without a packet, and
            {"stream", "close": true} when it closes (MediaPipe's empty packets of bound observers)
  --trace   writes a Chrome trace (open it in https://ui.perfetto.dev)
Prints one JSON line {"stream", "timestamp", "value"} per packet of every graph output stream, in the
order produced; special timestamps by name. The output lines are valid --script input.`,
  options: {
    side: { type: 'string', multiple: true },
    input: { type: 'string', multiple: true },
    script: { type: 'string' },
    bounds: { type: 'boolean' },
    trace: { type: 'string' },
  },
  positionals: { name: 'FILE', min: 1, max: 1 },
} as const;

interface RunArgs {
  readonly file: string;
  readonly sides: [string, string][];
  readonly inputs: [string, string][];
  readonly script: string | undefined;
  readonly bounds: boolean;
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
    const { side = [], input = [], script, bounds = false, trace } = parsed.values;
    if (script !== undefined && input.length > 0) {
      throw new Error('--script feeds every input in order; give either --script or --input, not both');
    }
    return {
      file: parsed.positionals[0]!,
      sides: pairs('--side', side, 'NAME=JSON', "'scale=2'"),
      inputs: pairs('--input', input, 'STREAM=FILE.jsonl', 'in=packets.jsonl'),
      script,
      bounds,
      trace,
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
      parsed,
      parsed.trace === undefined ? undefined : resolve(io.cwd, parsed.trace),
      io,
    );
  } finally {
    await graph.dispose();
  }
}

interface Prepared {
  readonly sidePackets: Record<string, unknown>;
  /** Files of input lines: one `--script` (fed alone, in order) or one per `--input` (side by side). */
  readonly feeds: readonly { readonly file: string; readonly lines: readonly ScriptLine[] }[];
  /** Inputs closed before the lines are fed (`--input` mode: those without a file). */
  readonly closedAtStart: readonly string[];
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
  const read = async (flag: string, file: string, stream?: string) => {
    let text: string;
    try {
      text = await readFile(resolve(cwd, file), 'utf8');
    } catch {
      return `${flag} ${stream === undefined ? '' : `${stream}=`}${file}: cannot read "${resolve(cwd, file)}"`;
    }
    const lines = parseInputScript(text, file, stream);
    if (typeof lines === 'string') return lines;
    const unknown = lines.find((l) => !streamNames.includes(l.stream));
    if (unknown !== undefined) {
      return `${file}:${unknown.line}: graph "${graph.config.name}" has no input stream "${unknown.stream}"${suggest(unknown.stream, streamNames)}`;
    }
    return { file, lines };
  };
  if (args.script !== undefined) {
    const feed = await read('--script', args.script);
    if (typeof feed === 'string') return feed;
    return missingSidePackets(graph, sidePackets) ?? { sidePackets, feeds: [feed], closedAtStart: [] };
  }
  const feeds: { file: string; lines: readonly ScriptLine[] }[] = [];
  for (const [stream, file] of args.inputs) {
    if (!streamNames.includes(stream)) {
      return `--input ${stream}: graph "${graph.config.name}" has no input stream "${stream}"${suggest(stream, streamNames)}`;
    }
    const feed = await read('--input', file, stream);
    if (typeof feed === 'string') return feed;
    feeds.push(feed);
  }
  const fed = new Set(args.inputs.map(([stream]) => stream));
  return (
    missingSidePackets(graph, sidePackets) ?? {
      sidePackets,
      feeds,
      closedAtStart: streamNames.filter((name) => !fed.has(name)),
    }
  );
}

/** The usage error naming `--side` for each required side packet not given. */
function missingSidePackets(graph: Graph, given: Record<string, unknown>): string | undefined {
  const missing = graph.requiredSidePackets.filter((name) => !(name in given));
  if (missing.length === 0) return undefined;
  return `graph "${graph.config.name}" needs input side packet${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; pass ${missing.map((m) => `--side '${m}=JSON'`).join(' ')}`;
}

async function execute(
  graph: Graph,
  prepared: Prepared,
  args: RunArgs,
  traceFile: string | undefined,
  io: CliIo,
): Promise<number> {
  let run: ReturnType<Graph['start']>;
  try {
    run = graph.start({
      sidePackets: prepared.sidePackets,
      trace: traceFile !== undefined,
      onOutput: (stream, packet) => io.stdout(packetLine(stream, packet.timestamp, packet.value)),
      onOutputBound: args.bounds ? (stream, bound) => io.stdout(boundLine(stream, bound)) : undefined,
    });
  } catch (error) {
    io.stderr(`${describe(error)}\n`);
    return 1;
  }
  const done = run.done();
  done.catch(() => {}); // observed below; this keeps an early failure from being "unhandled"
  for (const name of prepared.closedAtStart) run.closeInput(name);
  // Each file is fed in order; several (--input) side by side. What is still open is closed after.
  const fed = await Promise.all(prepared.feeds.map((feed) => feedLines(run, feed.file, feed.lines))).then(
    () => {
      run.closeAllInputs();
      return undefined;
    },
    (error: unknown) => error,
  );
  // A refused line (e.g. a timestamp going back) stops the run instead of leaving it waiting.
  if (fed !== undefined) run.cancel(fed);
  let failure: unknown;
  try {
    await done;
  } catch (error) {
    failure = error instanceof GraphCancelledError && fed !== undefined ? fed : error;
  }
  // A line refused after the run had already ended (e.g. a packet after closing every input).
  if (failure === undefined) failure = fed;
  if (traceFile !== undefined) await writeChromeTrace(traceFile, run.traceEvents());
  if (failure !== undefined) {
    io.stderr(`${describe(failure)}\n`);
    return 1;
  }
  return 0;
}

function describe(error: unknown): string {
  if (error instanceof RunError || (error instanceof InputLineError && error.code !== undefined)) {
    return `error ${error.code} ${error.message}`;
  }
  return `error ${error instanceof Error ? error.message : String(error)}`;
}
