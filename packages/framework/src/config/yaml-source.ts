import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { V } from '../errors/validation-codes.js';
import type { Problem, SourceLocation } from '../graph/validated-graph.js';

const SYNTAX_HINTS: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'a {kind} holds one YAML document; remove the extra `---`',
  DUPLICATE_KEY: 'a key may appear once per mapping; remove or rename the repeated key',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align keys of one mapping at the same column, with spaces',
};

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
      const problems = doc.errors.map((e): Problem => {
        const pos = lines.linePos(e.pos[0]);
        // The first line is the reason; drop the library's advice to call its own API.
        const detail = (e.message.split('\n')[0] ?? e.message).replace(/; please use YAML\.\w+\(\)/, '');
        return {
          code: V.YAML_SYNTAX,
          message: `invalid YAML: ${detail} (${SYNTAX_HINTS[e.code]?.replace('{kind}', kind) ?? 'check the indentation, quotes and brackets at this position'})`,
          location: { file, line: pos.line, col: pos.col },
        };
      });
      return { problems };
    }
    return { source: new YamlSource(file, doc.toJS({ maxAliasCount: 1000 }), doc, lines), problems: [] };
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
