/**
 * The shape shared by `bench:engine` and `bench:server`: sides (ways of generating) measured on a
 * matrix of cases (prompt length × concurrent streams), side by side in alternating rounds, each
 * figure reported as best and median of the rounds, with ratios to a reference side and the goals.
 * A new row is a new `BenchSide`; a new case is a flag value.
 */
import { parseArgs } from 'node:util';
import { BENCH_ATTENTION, type BenchAttention, benchArgv, printLoadAverage } from './bench-setup.js';

export interface BenchCase {
  /** Prompt tokens per stream. */
  readonly prompt: number;
  /** Concurrent streams (requests, graph runs or batch rows). */
  readonly streams: number;
}

export interface BenchSide {
  readonly name: string;
  /** Generated tokens per second of all streams together, timed from the first request to the last token. */
  run(c: BenchCase): Promise<number>;
  close?(): Promise<void>;
}

export interface MatrixArgs {
  readonly model: string | undefined;
  readonly threads: number;
  readonly tokens: number;
  readonly prompts: readonly number[];
  readonly streams: readonly number[];
  readonly rounds: number;
  /** Side names to run (default all). */
  readonly sides: readonly string[] | undefined;
  /** Attention of the built bench model (ignored with `--model`). */
  readonly attention: BenchAttention;
}

const list = (text: string) => text.split(',').map((s) => s.trim());
const ints = (text: string, flag: string) =>
  list(text).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: "${s}" is not a positive integer`);
    return n;
  });

/** `--model DIR --threads 2 --tokens 64 --prompts 64,512,1536 --streams 1,8 --rounds 3 --sides a,b --attention gqa` */
export function matrixArgs(): MatrixArgs {
  const { values } = parseArgs({
    args: benchArgv(),
    options: {
      model: { type: 'string' },
      threads: { type: 'string', default: '2' },
      tokens: { type: 'string', default: '64' },
      prompts: { type: 'string', default: '64,512,1536' },
      streams: { type: 'string', default: '1,8' },
      rounds: { type: 'string', default: '3' },
      sides: { type: 'string' },
      attention: { type: 'string', default: 'standard' },
    },
  });
  const attention = BENCH_ATTENTION.find((a) => a === values.attention);
  if (!attention) {
    throw new Error(`--attention: "${values.attention}" is not one of ${BENCH_ATTENTION.join(', ')}`);
  }
  return {
    model: values.model,
    threads: ints(values.threads, 'threads')[0]!,
    tokens: ints(values.tokens, 'tokens')[0]!,
    prompts: ints(values.prompts, 'prompts'),
    streams: ints(values.streams, 'streams'),
    rounds: ints(values.rounds, 'rounds')[0]!,
    sides: values.sides === undefined ? undefined : list(values.sides),
    attention,
  };
}

export const caseKey = (c: BenchCase) => `p${c.prompt}×${c.streams}`;

/** Rates per side name and case key, one per round. */
export type MatrixResults = Map<string, Map<string, number[]>>;

/**
 * Every case, round after round; within a round every side runs the case once, in an order that
 * rotates each round, so a burst of load on the shared machine does not fall on one side only.
 */
export async function runMatrix(
  sides: readonly BenchSide[],
  cases: readonly BenchCase[],
  rounds: number,
): Promise<MatrixResults> {
  const results: MatrixResults = new Map(sides.map((s) => [s.name, new Map()]));
  printLoadAverage('before');
  for (const c of cases) {
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(i + r) % sides.length]!;
        const rate = await side.run(c);
        const per = results.get(side.name)!;
        per.set(caseKey(c), [...(per.get(caseKey(c)) ?? []), rate]);
        process.stderr.write(`  ${caseKey(c)} round ${r + 1} ${side.name}: ${rate.toFixed(1)} tok/s\n`);
      }
    }
  }
  printLoadAverage('after', ' (2 cores; ratios only mean something when it stays low)');
  return results;
}

/**
 * Adds a side `as` whose rate per round is the best of `sides` in that round: the strongest
 * reference (onnxruntime's spin-waiting threads win on an idle machine and lose on a busy one, so
 * neither setting alone is the fair bar). Returns `as`, or the one side that ran.
 */
export function strongestOf(results: MatrixResults, sides: readonly string[], as: string): string {
  const present = sides.filter((s) => results.has(s));
  if (present.length < 2) return present[0] ?? as;
  const merged = new Map<string, number[]>();
  for (const key of results.get(present[0]!)!.keys()) {
    const perSide = present.map((s) => results.get(s)!.get(key)!);
    merged.set(
      key,
      perSide[0]!.map((_, round) => Math.max(...perSide.map((rates) => rates[round]!))),
    );
  }
  results.set(as, merged);
  return as;
}

export function bestAndMedian(rates: readonly number[]): { best: number; median: number } {
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { best: sorted.at(-1)!, median };
}

/** One line per case and side: rounds, best, median, and best/median ratio to the reference side. */
export function printMatrix(results: MatrixResults, cases: readonly BenchCase[], reference: string): void {
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  for (const c of cases) {
    const refRates = results.get(reference)?.get(caseKey(c));
    const ref = refRates && bestAndMedian(refRates);
    for (const [name, per] of results) {
      const rates = per.get(caseKey(c))!;
      const s = bestAndMedian(rates);
      const ratio =
        name === reference
          ? '(reference)'
          : ref
            ? `${(s.best / ref.best).toFixed(2)} / ${(s.median / ref.median).toFixed(2)} of ${reference}`
            : '';
      console.log(
        `prompt ${String(c.prompt).padStart(4)} × ${String(c.streams).padStart(2)} streams  ${name.padEnd(22)} best ${fmt(s.best)}  median ${fmt(s.median)} tok/s  (rounds ${rates.map((x) => x.toFixed(1)).join(' ')})  ${ratio}`,
      );
    }
  }
}

/**
 * The goals for a `subject` side against the bare loop, each as best / median ratio:
 * short context overhead (64-token prompt: 1 stream ≥ 0.95, 8 streams ≥ 0.90 of the bare loop)
 * and long context (1,536-token prompt at 1 stream: ≥ 0.6 of its own 64-token rate, ≥ 2× the bare loop).
 */
export function printGoals(results: MatrixResults, subject: string, reference: string): void {
  const get = (side: string, prompt: number, streams: number) => {
    const rates = results.get(side)?.get(caseKey({ prompt, streams }));
    return rates && bestAndMedian(rates);
  };
  const goal = (what: string, a: ReturnType<typeof get>, b: ReturnType<typeof get>, target: number) => {
    if (!a || !b) return;
    const best = a.best / b.best;
    const median = a.median / b.median;
    const met = best >= target ? 'met' : 'NOT met';
    console.log(
      `goal ${what}: best ${best.toFixed(3)}, median ${median.toFixed(3)} (goal ≥ ${target}: ${met})`,
    );
  };
  goal(`${subject} / ${reference}, prompt 64, 1 stream`, get(subject, 64, 1), get(reference, 64, 1), 0.95);
  goal(`${subject} / ${reference}, prompt 64, 8 streams`, get(subject, 64, 8), get(reference, 64, 8), 0.9);
  goal(`${subject} prompt 1536 / prompt 64, 1 stream`, get(subject, 1536, 1), get(subject, 64, 1), 0.6);
  goal(`${subject} / ${reference}, prompt 1536, 1 stream`, get(subject, 1536, 1), get(reference, 1536, 1), 2);
}

/** Every (prompt, streams) pair of the flags. */
export function casesOf(args: MatrixArgs): BenchCase[] {
  return args.prompts.flatMap((prompt) => args.streams.map((streams) => ({ prompt, streams })));
}

/** Token ids of a synthetic prompt (the same for every side), distinct per stream. */
export function benchPrompt(vocab: number, length: number, stream: number): number[] {
  return Array.from({ length }, (_, i) => (i * 7919 + stream * 104729 + 13) % vocab);
}

/** Runs `stream(s)` for every stream at once; generated tokens/s of all of them, first start to last end. */
export async function timedStreams(
  c: BenchCase,
  tokens: number,
  stream: (s: number) => Promise<void>,
): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: c.streams }, (_, s) => stream(s)));
  return (c.streams * tokens) / ((performance.now() - start) / 1000);
}
