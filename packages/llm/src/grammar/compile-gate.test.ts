import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../../../../tests/helpers/models.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { CompileGate, GrammarCompileError } from './compile-gate.js';

describe('CompileGate', () => {
  let gate: CompileGate;
  beforeAll(async () => {
    const tokenizer = Tokenizer.load(await ensureTinyModel('llama'));
    gate = new CompileGate(
      tokenizer.tokenizerFile,
      { vocabSize: tokenizer.vocabSize, stopIds: [tokenizer.eosTokenId!] },
      1500,
    );
  }, 60_000);
  afterAll(() => gate?.close());

  it('passes a normal schema, refuses one that compiles too long, and keeps working after', async () => {
    const small = { type: 'object', properties: { a: { type: 'string', maxLength: 8 } }, required: ['a'] };
    await gate.check({ kind: 'json_schema', schema: small });
    // Within every static limit, yet seconds of compile: the main thread must never run it.
    const hostile = { type: 'string', pattern: '^((a{1,1000}b){1,1000}c){1,1000}$' };
    const started = performance.now();
    const error = await gate.check({ kind: 'json_schema', schema: hostile }).catch((e) => e);
    expect(error).toBeInstanceOf(GrammarCompileError);
    expect(error.message).toBe('compiling the grammar took longer than 1500 ms');
    expect(performance.now() - started).toBeLessThan(4000);
    await gate.check({ kind: 'json_schema', schema: small });
  }, 60_000);

  it("reports XGrammar's own reason when it aborts", async () => {
    const error = await gate
      .check({
        kind: 'structural_tag',
        tag: { type: 'structural_tag', format: { type: 'grammar', grammar: 'root ::= (' } },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(GrammarCompileError);
    expect(error.message).toMatch(/EBNF/);
  }, 60_000);
});
