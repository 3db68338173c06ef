import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../../../../tests/helpers/models.js';
import { SeededRng } from '../sampling/rng.js';
import { bitmaskAllows } from '../sampling/token-mask.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { ToolCallParser } from '../tools/tool-call-parser.js';
import { toolConstraint } from '../tools/tool-grammar.js';
import type { ConstraintSpec } from './constraint-spec.js';
import { GrammarEngine } from './grammar-engine.js';

const PERSON = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  title: 'Person',
  properties: {
    name: { type: 'string', title: 'Name', maxLength: 12 },
    age: { type: 'integer', title: 'Age', minimum: 0, maximum: 120 },
    role: { enum: ['admin', 'user'] },
    tags: { type: 'array', items: { $ref: '#/$defs/tag' }, maxItems: 3 },
  },
  required: ['name', 'age', 'role', 'tags'],
  additionalProperties: false,
  $defs: { tag: { type: 'string', maxLength: 4 } },
};
const { $schema: _, ...personBody } = PERSON;
const validPerson = new Ajv({ strict: false }).compile(personBody);

/**
 * What a random-weight model does under the grammar: any allowed token, chosen by a seeded RNG.
 * Returns the token ids up to (not including) the stop token, or throws if it never stops.
 */
async function walk(engine: GrammarEngine, spec: ConstraintSpec, stop: number, seed: number, limit = 400) {
  const vocab = engine.vocabSize;
  const m = await engine.matcher(spec);
  const rng = new SeededRng(seed, 0);
  const ids: number[] = [];
  try {
    for (let step = 0; step < limit; step++) {
      const mask = await m.nextMask();
      const allowed: number[] = [];
      for (let id = 0; id < vocab; id++) if (bitmaskAllows(mask, id)) allowed.push(id);
      const token = allowed[Math.floor(rng.next() * allowed.length)]!;
      expect(m.accept(token)).toBe(true);
      if (token === stop) {
        expect(m.terminated).toBe(true);
        return ids;
      }
      ids.push(token);
    }
  } finally {
    m.dispose();
  }
  throw new Error(`no stop token after ${limit} steps`);
}

describe('GrammarEngine on a byte-level BPE vocabulary (the tiny llama)', () => {
  let tokenizer: Tokenizer;
  let engine: GrammarEngine;
  let eos: number;
  beforeAll(async () => {
    tokenizer = Tokenizer.load(await ensureTinyModel('llama'));
    eos = tokenizer.eosTokenId!;
    engine = await GrammarEngine.create(tokenizer, { vocabSize: tokenizer.vocabSize, stopIds: [eos] });
  }, 60_000);

  it('any allowed token path is valid JSON for the schema and closes (2020-12, $defs/$ref, title)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const text = await tokenizer.decode(
        await walk(engine, { kind: 'json_schema', schema: PERSON }, eos, seed),
      );
      const value = JSON.parse(text);
      expect(validPerson(value), text).toBe(true);
      // At most 2 whitespace characters between elements (strings may hold any spaces).
      expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\s{3}/);
    }
  });

  it('json_object: an object, and special tokens are never spelled', async () => {
    for (const seed of [1, 2, 3]) {
      const text = await tokenizer.decode(await walk(engine, { kind: 'json_object' }, eos, seed, 3000));
      expect(JSON.parse(text)).toBeTypeOf('object');
    }
    const mask = await (await engine.matcher({ kind: 'json_object' })).nextMask();
    for (const id of tokenizer.specialTokenIds) expect(bitmaskAllows(mask, id)).toBe(false);
  });

  it('compiles a spec once (cache by spec)', async () => {
    const spec: ConstraintSpec = { kind: 'json_schema', schema: PERSON };
    expect(await engine.compile(spec)).toBe(await engine.compile({ kind: 'json_schema', schema: PERSON }));
  });

  it('required tool calls: a declared tool with arguments valid for it, in hermes text', async () => {
    const params = {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 6 } },
      required: ['city'],
      additionalProperties: false,
    };
    const spec = toolConstraint(
      {
        tools: [
          { name: 'get_weather', parameters: params },
          { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
        ],
        choice: 'required',
        parallel: false,
        format: 'hermes',
      },
      undefined,
    )!;
    for (const seed of [1, 2, 3]) {
      const text = await tokenizer.decode(await walk(engine, spec, eos, seed));
      const parser = new ToolCallParser('hermes');
      const piece = parser.push(text);
      const end = parser.end();
      expect(piece.content + end.content).toBe('');
      const calls = [...piece.calls, ...end.calls];
      expect(calls).toHaveLength(1);
      const args = JSON.parse(calls[0]!.arguments);
      if (calls[0]!.name === 'get_weather') expect(new Ajv().validate(params, args)).toBe(true);
      else expect(args).toEqual({});
    }
  });
});

describe('GrammarEngine on a SentencePiece byte-fallback vocabulary (phi3)', () => {
  it.skipIf(!sharedFixturesDir())(
    `any allowed token path is valid JSON for the schema (${NO_FIXTURES_MESSAGE})`,
    async () => {
      const tokenizer = Tokenizer.load(join(sharedFixturesDir()!, 'tokenizers', 'phi3'));
      const eos = tokenizer.eosTokenId!;
      const engine = await GrammarEngine.create(tokenizer, {
        vocabSize: tokenizer.vocabSize,
        stopIds: [eos],
      });
      for (const seed of [1, 2]) {
        const text = await tokenizer.decode(
          await walk(engine, { kind: 'json_schema', schema: PERSON }, eos, seed),
        );
        expect(validPerson(JSON.parse(text)), text).toBe(true);
      }
    },
    30_000,
  );
});
