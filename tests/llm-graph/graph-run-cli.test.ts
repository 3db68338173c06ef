import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalculatorRegistry, graphCommand } from '@weft/framework';
import { ensureModelDir, registerLlmCalculators } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/models.js';

let dir: string;
beforeAll(async () => {
  // The graph's own model_dir (../models/tiny-llama), built exactly as `pnpm start` builds it.
  await ensureModelDir(join(repoRoot, 'models', 'tiny-llama'), { arch: 'llama', preset: 'tiny', seed: 0 });
  dir = mkdtempSync(join(tmpdir(), 'weft-graph-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('weft graph run graphs/tiny-llama.yaml', () => {
  it('runs a request end to end and prints the response packets', async () => {
    const input = join(dir, 'req.jsonl');
    const body = {
      model: 'tiny-llama',
      prompt: 'Once upon a time',
      max_tokens: 4,
      temperature: 0,
      stream: true,
    };
    writeFileSync(
      input,
      `${JSON.stringify({ timestamp: 0, value: { endpoint: 'completions', model: 'tiny-llama', body } })}\n`,
    );
    let stdout = '';
    let stderr = '';
    const registry = new CalculatorRegistry();
    registerLlmCalculators(registry);
    const code = await graphCommand(
      ['run', 'graphs/tiny-llama.yaml', '--input', `request=${input}`],
      { cwd: repoRoot, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      registry,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.stream, l.timestamp])).toEqual(lines.map((_, i) => ['response', i]));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0].value).toEqual({ kind: 'head', stream: true });
    const chunks = lines.filter((l) => l.value.kind === 'chunk').map((l) => l.value.data);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    for (const c of chunks) expect(c.object).toBe('text_completion');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
    expect(lines.at(-2).value).toMatchObject({ kind: 'usage', completionTokens: 4 });
    expect(lines.at(-1).value).toEqual({ kind: 'end' });
  });
});
