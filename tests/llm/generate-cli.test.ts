import { relative } from 'node:path';
import { Engine, generate, generateCommand, renderChat, Tokenizer } from '@weft/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, repoRoot } from '../helpers/models.js';

function captureIo(cwd = repoRoot) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { cwd, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('weft generate', () => {
  let dir: string;
  let rel: string;
  beforeAll(async () => {
    dir = await ensureTinyModel('llama');
    rel = relative(repoRoot, dir);
  });

  it('--json prints text, token ids, finish reason and prompt tokens equal to the library (DIR relative to cwd)', async () => {
    const c = captureIo();
    const code = await generateCommand(
      [rel, '--prompt', 'The weaver sat at the loom', '--max-tokens', '7', '--json'],
      c.io,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(c.out());
    const tokenizer = Tokenizer.load(dir);
    const ids = await tokenizer.encode('The weaver sat at the loom');
    const engine = await Engine.start(dir, { threads: 1 });
    const [expected] = await generate(engine, ids, { maxTokens: 7 });
    await engine.close();
    expect(printed).toEqual({
      text: await tokenizer.decode(expected!.tokenIds, { skipSpecialTokens: true }),
      token_ids: expected!.tokenIds,
      finish_reason: expected!.finishReason,
      prompt_tokens: ids.length,
    });
    expect(Object.keys(printed)).toEqual(['text', 'token_ids', 'finish_reason', 'prompt_tokens']);
  });

  it('--chat renders the prompt with the chat template first', async () => {
    const c = captureIo();
    expect(
      await generateCommand([dir, '--prompt', 'Hello', '--chat', '--max-tokens', '3', '--json'], c.io),
    ).toBe(0);
    const tokenizer = Tokenizer.load(dir);
    const text = renderChat(tokenizer.chatTemplate, [{ role: 'user', content: 'Hello' }], {
      bosToken: tokenizer.bosToken,
      eosToken: tokenizer.eosToken,
    });
    expect(JSON.parse(c.out()).prompt_tokens).toBe(
      (await tokenizer.encode(text, { addSpecialTokens: false })).length,
    );
  });

  it('prints plain text by default; seeded sampling is reproducible', async () => {
    const args = [
      dir,
      '--prompt',
      'A graph',
      '--max-tokens',
      '6',
      '--temperature',
      '0.9',
      '--top-k',
      '20',
      '--seed',
      '3',
    ];
    const a = captureIo();
    const b = captureIo();
    expect(await generateCommand(args, a.io)).toBe(0);
    expect(await generateCommand(args, b.io)).toBe(0);
    expect(a.out()).toBe(b.out());
    expect(a.out().endsWith('\n')).toBe(true);
  });

  it('usage errors exit 2 naming the bad value; model errors exit 1 with their code', async () => {
    const missing = captureIo();
    expect(await generateCommand([dir], missing.io)).toBe(2);
    expect(missing.err()).toContain('missing --prompt TEXT');
    const bad = captureIo();
    expect(await generateCommand([dir, '--prompt', 'x', '--max-tokens', 'ten'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--max-tokens "ten" must be an integer ≥ 1');
    const unknown = captureIo();
    expect(await generateCommand([dir, '--prompt', 'x', '--max-token', '3'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain(
      'weft generate: unknown option "--max-token" (did you mean "--max-tokens"?)\n',
    );
    const nodir = captureIo();
    expect(await generateCommand(['no/such/model', '--prompt', 'x'], nodir.io)).toBe(1);
    expect(nodir.err()).toContain('WEFT_ERR_MODEL_DIR');
  });
});
