import { Engine, generate, loadModelInfo, Tokenizer } from '@weft/llm';

export interface GenerateTextOptions {
  readonly maxTokens?: number;
  /** 0 (the default) is greedy: the same prompt always gives the same text. */
  readonly temperature?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/**
 * The direct way: a model directory, its tokenizer, an engine and `generate()` — no graph, no
 * server. The same engine and sampler as a served request, so the text is the same too.
 */
export async function generateText(modelDir: string, prompt: string, options: GenerateTextOptions = {}) {
  const info = loadModelInfo(modelDir); // reads config.json, the tokenizer and the ONNX file's layout
  const tokenizer = Tokenizer.load(info.tokenizerFile);
  const engine = await Engine.start(info, { threads: 1 });
  try {
    const codec = {
      encode: (text: string) => tokenizer.encode(text),
      decode: (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true }),
    };
    const [result] = await generate({ engine, tokenizer: codec }, prompt, {
      maxTokens: options.maxTokens ?? 16,
      temperature: options.temperature ?? 0,
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.signal && { signal: options.signal }),
    });
    return result!; // { text, tokenIds, finishReason, promptTokens }
  } finally {
    await engine.close();
  }
}

// node --import tsx examples/04-generate/generate-text.ts models/tiny-llama "Once upon a time"
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'models/tiny-llama', prompt = 'Once upon a time'] = process.argv.slice(2);
  const result = await generateText(dir, prompt);
  console.log(JSON.stringify(result.text));
  console.log(
    `${result.promptTokens} prompt tokens, ${result.tokenIds.length} generated, finish_reason ${result.finishReason}`,
  );
}
