/** How a model's grammar engine is set up (`GrammarEngine.create`, and the compile gate's worker). */
export interface GrammarEngineOptions {
  /** Logits width (the model's vocabulary; may exceed the tokenizer's). */
  readonly vocabSize: number;
  /** Tokens that end a sequence: the only ones allowed once the grammar is complete. */
  readonly stopIds: readonly number[];
  /** Special tokens a grammar may spell (tool-call markers); all others are never allowed. */
  readonly keepSpecial?: readonly string[];
  /** Free whitespace allowed between JSON elements (XGrammar's `maxWhitespaceCnt`; default 2). */
  readonly maxWhitespace?: number;
  /** Compiled grammars kept (least recently used dropped first; default 64). */
  readonly cacheSize?: number;
  /**
   * Compile each new grammar first in a worker with this deadline (see `CompileGate`); without it
   * grammars compile on the calling thread unchecked.
   */
  readonly compileTimeoutMs?: number;
}
