import type { CompiledGraph } from '@weft/framework';

/** What the server reads from a shared resource that reports health (the LLM engine does). */
interface HealthReporter {
  health(): { readonly servable: boolean; readonly state: string; readonly reason: string | null };
}

const reportsHealth = (value: unknown): value is HealthReporter =>
  typeof (value as { health?: unknown } | null)?.health === 'function';

/**
 * Why a loaded graph cannot serve right now, or undefined when it can: a graph-scoped resource
 * (an engine whose worker died, one restarting) says it is not servable. Readiness, model lookup
 * and `/v1/config` all ask here, so they never disagree.
 */
export function unservableReason(graph: CompiledGraph): string | undefined {
  const seen = new Set<unknown>();
  for (const node of graph.config.nodes) {
    for (const port of node.outputSidePackets) {
      const value = graph.sharedSidePacket(port.name);
      if (!reportsHealth(value) || seen.has(value)) continue;
      seen.add(value);
      const health = value.health();
      if (!health.servable) {
        return `node "${node.name}" (${node.calculator.name}) output side packet "${port.name}" is ${health.state}${health.reason === null ? '' : `: ${health.reason}`}`;
      }
    }
  }
  return undefined;
}
