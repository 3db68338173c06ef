import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from 'yaml';
import { V } from '../errors/validation-codes.js';
import type { Problem, SourceLocation } from '../graph/validated-graph.js';
import { awaitWorkerMessage, startModuleWorker } from '../worker/module-worker.js';

const SYNTAX_HINTS: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'a {kind} holds one YAML document; remove the extra `---`',
  DUPLICATE_KEY: 'a key may appear once per mapping; remove or rename the repeated key',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align keys of one mapping at the same column, with spaces',
};

/** At most this many syntax problems are reported per file (a broken file can have one per character). */
const MAX_SYNTAX_PROBLEMS = 100;
/** Texts this long are syntax-checked off the main thread first (about 50 ms of parsing when valid). */
const OFF_THREAD_CHARS = 64 * 1024;
const SYNTAX_CHECK_TIMEOUT_MS = 10_000;

/** A YAML library error, reduced to what crosses a thread. */
export interface YamlErrorAt {
  readonly line: number;
  readonly col: number;
  readonly code: string;
  readonly message: string;
}

export function syntaxError(e: YAMLError, lines: LineCounter): YamlErrorAt {
  const pos = lines.linePos(e.pos[0]);
  return { line: pos.line, col: pos.col, code: e.code, message: e.message };
}

function syntaxProblems(
  errors: readonly YamlErrorAt[],
  count: number,
  file: string,
  kind: string,
): Problem[] {
  const problems = errors.map((e): Problem => {
    // The first line is the reason; drop the library's advice to call its own API.
    const detail = (e.message.split('\n')[0] ?? e.message).replace(/; please use YAML\.\w+\(\)/, '');
    return {
      code: V.YAML_SYNTAX,
      message: `invalid YAML: ${detail} (${SYNTAX_HINTS[e.code]?.replace('{kind}', kind) ?? 'check the indentation, quotes and brackets at this position'})`,
      location: { file, line: e.line, col: e.col },
    };
  });
  if (count > errors.length) {
    const last = problems[problems.length - 1]!;
    problems.push({
      code: V.YAML_SYNTAX,
      message: `invalid YAML: ${count - errors.length} more syntax errors after this one are not shown (fix the first ones; they often cause the rest)`,
      location: last.location,
    });
  }
  return problems;
}

type SyntaxCheck = { readonly errors: YamlErrorAt[]; readonly count: number };

async function checkSyntaxOffThread(text: string): Promise<SyntaxCheck | 'timeout'> {
  const worker = startModuleWorker(import.meta.url, 'yaml-syntax-worker', {
    workerData: { text, max: MAX_SYNTAX_PROBLEMS },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void worker.terminate();
  }, SYNTAX_CHECK_TIMEOUT_MS);
  try {
    return await awaitWorkerMessage<SyntaxCheck, SyntaxCheck>(worker, {
      settle: (m) => m,
      onError: (error) => error,
      onExit: (code) => new Error(`the YAML syntax check stopped (worker exit code ${code})`),
    });
  } catch (error) {
    if (timedOut) return 'timeout';
    throw error;
  } finally {
    clearTimeout(timer);
    void worker.terminate();
  }
}

/** A path into a parsed YAML value, e.g. `['nodes', 2, 'options', 'limit']`. */
export type YamlPath = readonly (string | number)[];

/**
 * A parsed YAML file that can say where any value in it was written: the one YAML reader of every
 * file Weft validates (graphs, the server config), with `ajvProblems` for its schema errors.
 */
export class YamlSource {
  readonly #doc: ReturnType<typeof parseDocument>;
  readonly #lines: LineCounter;

  private constructor(
    readonly file: string,
    readonly value: unknown,
    doc: ReturnType<typeof parseDocument>,
    lines: LineCounter,
  ) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /**
   * Parses `text`; returns the YAML syntax errors as problems (then `source` is undefined). `kind`
   * names the file in hints (`a graph file holds one YAML document`).
   */
  static parse(
    text: string,
    file: string,
    kind = 'graph file',
  ): { source?: YamlSource; problems: Problem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const errors = doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => syntaxError(e, lines));
      return { problems: syntaxProblems(errors, doc.errors.length, file, kind) };
    }
    return { source: new YamlSource(file, doc.toJS({ maxAliasCount: 1000 }), doc, lines), problems: [] };
  }

  /**
   * `parse`, with large texts first checked for syntax in a worker thread: the YAML library spends
   * seconds on a few hundred KB of broken quoting, which must not freeze a serving process.
   */
  static async parseAsync(
    text: string,
    file: string,
    kind = 'graph file',
  ): Promise<{ source?: YamlSource; problems: Problem[] }> {
    if (text.length >= OFF_THREAD_CHARS) {
      const checked = await checkSyntaxOffThread(text);
      if (checked === 'timeout') {
        const seconds = SYNTAX_CHECK_TIMEOUT_MS / 1000;
        const message = `invalid YAML: parsing this ${kind} took longer than ${seconds} s (a file this costly to read is refused; check its quoting and nesting)`;
        return { problems: [{ code: V.YAML_SYNTAX, message, location: { file, line: 1, col: 1 } }] };
      }
      if (checked.count > 0) return { problems: syntaxProblems(checked.errors, checked.count, file, kind) };
    }
    return YamlSource.parse(text, file, kind);
  }

  /**
   * Where the value at `path` starts; with `key: true`, where its key starts (for unknown keys).
   * Falls back to the deepest existing ancestor, then to 1:1.
   */
  locate(path: YamlPath, options: { key?: boolean } = {}): SourceLocation {
    let node: unknown = this.#doc.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (!pair) break;
        if (last && options.key && isNode(pair.key)) return this.#at(pair.key);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        break;
      }
      if (isNode(node)) best = node;
      else break;
    }
    return best ? this.#at(best) : { file: this.file, line: 1, col: 1 };
  }

  #at(node: Node): SourceLocation {
    const offset = node.range?.[0] ?? 0;
    const pos = this.#lines.linePos(offset);
    return { file: this.file, line: pos.line, col: pos.col };
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v;
}
