import type {
  CompiledGrammar,
  GrammarCompiler,
  GrammarMatcher,
  StructuralTagFormat,
  TagFormat,
} from '@mlc-ai/web-xgrammar';
import type { TokenBitmask } from '../sampling/token-mask.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { CompileGate } from './compile-gate.js';
import type { GrammarEngineOptions } from './grammar-options.js';

export type { GrammarEngineOptions };

import { type ConstraintSpec, specKey } from './constraint-spec.js';
import { grammarVocab } from './grammar-vocab.js';
import { xgrammar } from './xgrammar.js';

/**
 * One model's grammar compiler: the vocabulary is processed once (XGrammar `TokenizerInfo`),
 * compiled grammars are cached by spec, and each sequence gets its own `TokenMatcher`. JSON allows
 * at most `maxWhitespace` whitespace characters between elements, so a schema whose strings,
 * arrays and numbers are bounded always closes, whatever the model prefers.
 */
export class GrammarEngine {
  readonly #compiler: GrammarCompiler;
  readonly #cache = new Map<string, Promise<CompiledGrammar>>();
  readonly #maxWhitespace: number;
  readonly #cacheSize: number;
  /** Logits width: mask bits at or past it are padding. */
  readonly vocabSize: number;

  readonly #gate: CompileGate | undefined;

  private constructor(
    compiler: GrammarCompiler,
    options: GrammarEngineOptions,
    gate: CompileGate | undefined,
  ) {
    this.#compiler = compiler;
    this.#gate = gate;
    this.vocabSize = options.vocabSize;
    this.#maxWhitespace = options.maxWhitespace ?? 2;
    this.#cacheSize = options.cacheSize ?? 64;
  }

  static async create(tokenizer: Tokenizer, options: GrammarEngineOptions): Promise<GrammarEngine> {
    const xg = xgrammar();
    const vocab = grammarVocab(tokenizer, options.vocabSize, new Set(options.keepSpecial ?? []));
    const info = await xg.TokenizerInfo.createTokenizerInfo(
      vocab.encoded,
      vocab.type,
      vocab.prependSpace,
      options.vocabSize,
      [...options.stopIds],
    );
    const { compileTimeoutMs, ...inWorker } = options;
    const gate =
      compileTimeoutMs === undefined
        ? undefined
        : new CompileGate(tokenizer.tokenizerFile, inWorker, compileTimeoutMs);
    return new GrammarEngine(await xg.GrammarCompiler.createGrammarCompiler(info, false), options, gate);
  }

  /** Compiles (or finds in the cache) the grammar of a spec. Check JSON schemas first (`checkJsonSchema`). */
  compile(spec: ConstraintSpec): Promise<CompiledGrammar> {
    const key = specKey(spec);
    let compiled = this.#cache.get(key);
    if (compiled) {
      this.#cache.delete(key); // re-inserted: most recently used last
    } else {
      const gate = this.#gate;
      compiled = gate ? gate.check(spec).then(() => this.#compile(spec)) : this.#compile(spec);
      compiled.catch(() => this.#cache.delete(key));
      if (this.#cache.size >= this.#cacheSize) {
        const oldest = this.#cache.keys().next().value!;
        void this.#cache.get(oldest)!.then(
          (g) => g.dispose(),
          () => {},
        );
        this.#cache.delete(oldest);
      }
    }
    this.#cache.set(key, compiled);
    return compiled;
  }

  async #compile(spec: ConstraintSpec): Promise<CompiledGrammar> {
    switch (spec.kind) {
      case 'json_object':
        return this.#compiler.compileGrammar(await this.#jsonGrammar({ type: 'object' }, false));
      case 'json_schema':
        return this.#compiler.compileGrammar(await this.#jsonGrammar(spec.schema, true));
      case 'structural_tag':
        return this.#compiler.compileStructuralTag({
          ...spec.tag,
          format: await this.#boundJson(spec.tag.format),
        });
    }
  }

  /**
   * The EBNF of a JSON schema, with two fixes to XGrammar 0.1.27's output: strings with a length
   * bound accept raw control characters there (invalid JSON: `JSON.parse` refuses them), and values
   * of any type (`additionalProperties`, `json_object`) allow unbounded whitespace.
   */
  async #jsonGrammar(schema: unknown, strict: boolean): Promise<string> {
    const ws = this.#maxWhitespace;
    const g = await xgrammar().Grammar.fromJSONSchema(
      JSON.stringify(schema),
      true,
      -1,
      undefined,
      strict,
      ws,
    );
    const ebnf = g.toString();
    g.dispose();
    return ebnf
      .replaceAll(String.raw`[^\"\\\r\n]`, String.raw`[^\0-\x1f\"\\\r\n]`)
      .replaceAll(String.raw`[ \n\t]*`, `[ \\n\\t]{0,${ws}}`);
  }

  // XGrammar's JSON inside structural tags allows unbounded whitespace: swap each JSON schema for
  // its grammar with bounded whitespace, as for response_format.
  async #boundJson(format: StructuralTagFormat): Promise<StructuralTagFormat> {
    switch (format.type) {
      case 'json_schema':
        return { type: 'grammar', grammar: await this.#jsonGrammar(format.json_schema, true) };
      case 'tag':
        return { ...format, content: await this.#boundJson(format.content) };
      case 'sequence':
      case 'or':
        return { ...format, elements: await Promise.all(format.elements.map((e) => this.#boundJson(e))) };
      case 'triggered_tags':
      case 'tags_with_separator':
        return {
          ...format,
          tags: (await Promise.all(format.tags.map((t) => this.#boundJson(t)))) as TagFormat[],
        };
      default:
        return format;
    }
  }

  async matcher(spec: ConstraintSpec): Promise<TokenMatcher> {
    const compiled = await this.compile(spec);
    return new TokenMatcher(await xgrammar().GrammarMatcher.createGrammarMatcher(compiled));
  }
}

/** The grammar state of one sequence: which tokens may come next, and the tokens taken so far. */
export class TokenMatcher {
  readonly #m: GrammarMatcher;
  #disposed = false;

  constructor(matcher: GrammarMatcher) {
    this.#m = matcher;
  }

  /** The allowed next tokens. */
  nextMask(): Promise<TokenBitmask> {
    return this.#m.getNextTokenBitmask();
  }

  /** Takes a sampled token; false when the grammar does not allow it (the state is unchanged). */
  accept(token: number): boolean {
    return this.#m.acceptToken(token);
  }

  /** True once a stop token completed the grammar. */
  get terminated(): boolean {
    return this.#m.isTerminated();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#m.dispose();
  }
}

// One engine per tokenizer and settings: the vocabulary is processed once per model.
const engines = new WeakMap<Tokenizer, Map<string, Promise<GrammarEngine>>>();

/** The shared engine of a model (built on first use). */
export function grammarEngineFor(
  tokenizer: Tokenizer,
  options: GrammarEngineOptions,
): Promise<GrammarEngine> {
  let byOptions = engines.get(tokenizer);
  if (!byOptions) {
    byOptions = new Map();
    engines.set(tokenizer, byOptions);
  }
  const key = JSON.stringify(options);
  let engine = byOptions.get(key);
  if (!engine) {
    engine = GrammarEngine.create(tokenizer, options);
    engine.catch(() => byOptions.delete(key));
    byOptions.set(key, engine);
  }
  return engine;
}
