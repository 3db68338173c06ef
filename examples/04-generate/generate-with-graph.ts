import { registerBuiltinCalculators } from '@weft/calculators';
import { CalculatorRegistry, loadGraph } from '@weft/framework';
import { type ResponsePacket, registerLlmCalculators } from '@weft/llm';

/** The OpenAI chunk fields this example reads. */
interface CompletionChunk {
  readonly choices: readonly { readonly text: string; readonly finish_reason: string | null }[];
}

export interface GraphCompletion {
  readonly text: string;
  readonly finishReason: string | null;
  /** The text pieces in the order they streamed. */
  readonly pieces: readonly string[];
}

/**
 * The served way, without HTTP: load the LLM graph once (the model, engine and tokenizer open
 * then, shared by every run) and start one run per request, exactly as `weft serve` does. A
 * request is `{endpoint, model, body}`; the answer is the graph protocol's packets (docs/architecture.md):
 * `head`, then with `stream: true` one `chunk` per OpenAI stream chunk, then `usage` and `end`.
 */
export async function completeWithGraph(
  graphFile: string,
  prompt: string,
  options: { maxTokens?: number; onText?: (piece: string) => void } = {},
): Promise<GraphCompletion> {
  const registry = new CalculatorRegistry();
  registerBuiltinCalculators(registry);
  registerLlmCalculators(registry);
  const graph = await loadGraph(graphFile, { registry });
  try {
    const run = graph.start();
    const body = {
      model: graph.config.name,
      prompt,
      max_tokens: options.maxTokens ?? 16,
      temperature: 0,
      stream: true,
    };
    await run.addPacket('request', { endpoint: 'completions', model: graph.config.name, body }, 0);
    run.closeAllInputs();
    const pieces: string[] = [];
    let finishReason: string | null = null;
    for await (const { value } of run.output<ResponsePacket>('response')) {
      if (value.kind === 'error') throw new Error(`request failed: ${value.message} (${value.code})`);
      if (value.kind !== 'chunk') continue; // head, usage, end
      const choice = (value.data as CompletionChunk).choices[0];
      if (choice === undefined) continue; // the usage chunk, when asked for
      if (choice.text !== '') {
        pieces.push(choice.text);
        options.onText?.(choice.text);
      }
      finishReason = choice.finish_reason ?? finishReason;
    }
    await run.done();
    return { text: pieces.join(''), finishReason, pieces };
  } finally {
    await graph.dispose();
  }
}

// node --import tsx examples/04-generate/generate-with-graph.ts graphs/tiny-llama.yaml "Once upon a time"
if (import.meta.url === `file://${process.argv[1]}`) {
  const [file = 'graphs/tiny-llama.yaml', prompt = 'Once upon a time'] = process.argv.slice(2);
  const result = await completeWithGraph(file, prompt, { onText: (piece) => process.stdout.write(piece) });
  console.log(`\nfinish_reason ${result.finishReason}, ${result.pieces.length} pieces`);
}
