import type { CompiledGraph } from '@weft/framework';

/**
 * A graph output side packet found by tag (`ENGINE`, `TOKENIZER`), falling back to the lower-case
 * name the graph protocol suggests; undefined when the graph has none.
 */
export function sharedSidePacketByTag(graph: CompiledGraph, tag: string): unknown {
  const port = graph.config.outputSidePackets.find((p) => p.tag === tag);
  try {
    return graph.sharedSidePacket(port?.name ?? tag.toLowerCase());
  } catch {
    return undefined;
  }
}
