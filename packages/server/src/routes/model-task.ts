import type { CompiledGraph } from '@weft/framework';
import type { ApiEndpoint, EmbeddingInfo } from '@weft/llm';
import { serverErrors } from '../errors/server-error.js';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';

/** What a served graph does, told by its output side packets (EMBEDDING_INFO → embeddings). */
export type ModelTask = 'embedding' | 'text-generation';

export function embeddingInfoOf(graph: CompiledGraph): EmbeddingInfo | undefined {
  const info = sharedSidePacketByTag(graph, 'EMBEDDING_INFO');
  return info !== null && typeof info === 'object' && 'pooling' in info ? (info as EmbeddingInfo) : undefined;
}

export function modelTask(graph: CompiledGraph): ModelTask {
  return embeddingInfoOf(graph) ? 'embedding' : 'text-generation';
}

/** The extra fields `/models` shows for a graph: its task and, for embeddings, the vectors it makes. */
export function describeModelTask(graph: CompiledGraph): Record<string, unknown> {
  const info = embeddingInfoOf(graph);
  if (!info) return { task: 'text-generation' };
  return {
    task: 'embedding',
    dimensions: info.dimensions,
    max_input_tokens: info.maxInputTokens,
    pooling: info.pooling,
    normalized: true,
  };
}

/** Refuses an endpoint the model's task cannot serve (embeddings on an LLM, chat on an encoder). */
export function checkEndpointTask(name: string, graph: CompiledGraph, endpoint: ApiEndpoint): void {
  const task = modelTask(graph);
  const wants: ModelTask = endpoint === 'embeddings' ? 'embedding' : 'text-generation';
  if (task === wants) return;
  throw serverErrors.notSupported(
    task === 'embedding'
      ? `The model "${name}" is an embedding model; it serves /embeddings, not /${endpoint}.`
      : `The model "${name}" is a text-generation model; /embeddings needs an embedding model (GET /v3/models shows each model's task).`,
    'model',
  );
}
