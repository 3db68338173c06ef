import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerBuiltinCalculators } from '@weft/calculators';
import { CalculatorRegistry, type CompiledGraph, loadGraph, loadGraphFromString } from '@weft/framework';
import { ensureModelDir, type ResponsePacket, registerLlmCalculators } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const graphFile = fileURLToPath(new URL('./graphs/guarded-llama.yaml', import.meta.url));
const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);
registerLlmCalculators(registry);
const graphs: CompiledGraph[] = [];

/** guarded-llama.yaml with other guard options (the file's own are words [over, accept], stop). */
async function guarded(guard: string): Promise<CompiledGraph> {
  const original = readFileSync(graphFile, 'utf8');
  const text = original.replace('options: { words: [over, accept], action: stop }', `options: ${guard}`);
  if (text === original)
    throw new Error('guarded-llama.yaml changed: update the guard options line in this test');
  const graph = await loadGraphFromString(text, { file: graphFile, registry });
  graphs.push(graph);
  return graph;
}

async function chat(graph: CompiledGraph, body: Record<string, unknown>) {
  const run = graph.start();
  const request = { model: 'guarded-llama', max_tokens: 16, temperature: 0, ...body };
  await run.addPacket('request', { endpoint: 'chat/completions', model: 'guarded-llama', body: request }, 0);
  run.closeAllInputs();
  const packets: ResponsePacket[] = [];
  for await (const p of run.output<ResponsePacket>('response')) packets.push(p.value);
  await run.done();
  return packets;
}

const story = { messages: [{ role: 'user', content: 'Tell me a story.' }] };

async function whole(graph: CompiledGraph, body: Record<string, unknown> = story) {
  const packets = await chat(graph, body);
  expect(packets.map((p) => p.kind)).toEqual(['head', 'chunk', 'usage', 'end']);
  const b = (packets[1] as { data: any }).data;
  return { text: b.choices[0].message.content as string, finish: b.choices[0].finish_reason, usage: b.usage };
}

async function streamed(graph: CompiledGraph) {
  const packets = await chat(graph, { ...story, stream: true, stream_options: { include_usage: true } });
  const events = packets.map((p) => (p.kind === 'chunk' ? (p.data as any) : undefined)).filter(Boolean);
  const choices = events.flatMap((e) => e?.choices ?? []);
  return {
    text: choices.map((c: any) => c.delta.content ?? '').join(''),
    finish: choices.map((c: any) => c.finish_reason).filter((f: unknown) => f !== null),
    usage: events.at(-1)?.usage,
  };
}

let baseline: Awaited<ReturnType<typeof whole>>;
let banned: string;

beforeAll(async () => {
  await ensureModelDir(join(root, 'models', 'tiny-llama'), { arch: 'llama', preset: 'tiny', seed: 0 });
  baseline = await whole(await guarded('{ words: [], action: stop }'));
  // A word the tiny model does write for this prompt (its weights are random, but fixed).
  banned = /[a-z]{3,}/i.exec(baseline.text.slice(1))?.[0] ?? '';
}, 120_000);

afterAll(async () => {
  for (const g of graphs) await g.dispose();
});

describe('06-custom-llm-pipeline', () => {
  it('the file as written validates, with both user calculators inserted', async () => {
    const graph = await loadGraph(graphFile, { registry });
    graphs.push(graph);
    const order = graph.config.nodes.map((n) => n.name);
    expect(order.indexOf('system_prompt')).toBeLessThan(order.indexOf('request'));
    expect(order.indexOf('detokenizer')).toBeLessThan(order.indexOf('guard'));
    expect(order.indexOf('guard')).toBeLessThan(order.indexOf('response'));
  });

  it('passes text through untouched when no word is banned', () => {
    expect(baseline.finish).toBe('length');
    expect(baseline.usage.completion_tokens).toBe(16);
    expect(banned.length).toBeGreaterThanOrEqual(3);
  });

  it('stop: ends the response right before the banned word, and generation with it', async () => {
    const graph = await guarded(`{ words: [${banned.toUpperCase()}], action: stop }`);
    const cut = baseline.text.slice(0, baseline.text.toLowerCase().indexOf(banned.toLowerCase()));
    const w = await whole(graph);
    expect(w.text).toBe(cut);
    expect(w.finish).toBe('content_filter');
    expect(w.usage.completion_tokens).toBeLessThan(16);
    const s = await streamed(graph);
    expect(s.text).toBe(cut);
    expect(s.finish).toEqual(['content_filter']);
    expect(s.usage).toEqual(w.usage);
  });

  it('redact: replaces the banned word and lets generation run to the end', async () => {
    const graph = await guarded(`{ words: [${banned}], action: redact, replacement: '***' }`);
    const expected = baseline.text.replace(new RegExp(banned, 'gi'), '***');
    expect(expected).not.toBe(baseline.text);
    const w = await whole(graph);
    expect(w).toEqual({ text: expected, finish: 'length', usage: baseline.usage });
    const s = await streamed(graph);
    expect(s.text).toBe(expected);
    expect(s.finish).toEqual(['length']);
  });

  it('injects the system prompt only into chats that have none (if_missing)', async () => {
    const plain = await loadGraph(join(root, 'graphs', 'tiny-llama.yaml'), { registry });
    graphs.push(plain);
    const system = { role: 'system', content: 'You are a careful assistant.' };
    const body = (messages: unknown[]) => ({ model: 'tiny-llama', messages, max_tokens: 1, temperature: 0 });
    const plainNoSystem = await whole(plain, body(story.messages));
    const plainWithSystem = await whole(plain, body([system, ...story.messages]));
    expect(plainWithSystem.usage.prompt_tokens).toBeGreaterThan(plainNoSystem.usage.prompt_tokens);
    const pass = await guarded('{ words: [], action: stop }');
    // Without a system message the guarded graph adds exactly ours: the same prompt as sending it.
    expect((await whole(pass, body(story.messages))).usage.prompt_tokens).toBe(
      plainWithSystem.usage.prompt_tokens,
    );
    // A client's own system message is kept as is.
    const own = [{ role: 'system', content: 'Be brief.' }, ...story.messages];
    expect((await whole(pass, body(own))).usage.prompt_tokens).toBe(
      (await whole(plain, body(own))).usage.prompt_tokens,
    );
  });
});
