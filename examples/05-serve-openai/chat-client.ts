import OpenAI from 'openai';

export interface StreamedChat {
  readonly text: string;
  readonly pieces: readonly string[];
  readonly finishReason: string | null;
  readonly usage: OpenAI.CompletionUsage | undefined;
}

/** Streams one chat completion from a Weft server with the official `openai` client. */
export async function streamChat(
  client: OpenAI,
  model: string,
  question: string,
  onText: (piece: string) => void = () => {},
): Promise<StreamedChat> {
  const stream = await client.chat.completions.create({
    model,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: question },
    ],
    max_tokens: 16,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  const pieces: string[] = [];
  let finishReason: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) {
      pieces.push(choice.delta.content);
      onText(choice.delta.content);
    }
    finishReason = choice?.finish_reason ?? finishReason;
    usage = chunk.usage ?? usage;
  }
  return { text: pieces.join(''), pieces, finishReason, usage };
}

// node --import tsx examples/05-serve-openai/chat-client.ts [BASE_URL] [QUESTION]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseURL = 'http://127.0.0.1:8000/v3', question = 'Tell me a story.'] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey: process.env.WEFT_API_KEY ?? 'unused' });
  const models = await client.models.list();
  console.log(`models: ${models.data.map((m) => m.id).join(', ')}`);
  const result = await streamChat(client, 'tiny-llama', question, (piece) => process.stdout.write(piece));
  console.log(`\nfinish_reason: ${result.finishReason}, usage: ${JSON.stringify(result.usage)}`);
}
