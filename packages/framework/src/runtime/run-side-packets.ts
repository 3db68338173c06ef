import { R } from '../errors/runtime-codes.js';
import type { GraphPlan, NodePlan } from './graph-plan.js';
import { RunError } from './run-errors.js';
import { checkValue } from './type-check.js';

const quoted = (names: readonly string[]) => names.map((m) => `"${m}"`).join(', ');
const plural = (names: readonly string[]) => (names.length > 1 ? 's' : '');

/** A run's side packets: graph-scoped ones, then the run's own; throws when a required one is missing. */
export function runSidePackets(
  plan: GraphPlan,
  shared: ReadonlyMap<string, unknown>,
  given: Readonly<Record<string, unknown>> | undefined,
): Map<string, unknown> {
  const values = new Map(shared);
  if (given !== undefined) for (const [name, value] of Object.entries(given)) values.set(name, value);
  const missing = plan.requiredSidePackets.filter((n) => !values.has(n));
  if (missing.length > 0) {
    throw new RunError(
      R.MISSING_SIDE_PACKET,
      `graph "${plan.name}" needs input side packet${plural(missing)} ${quoted(missing)}; pass them to start({ sidePackets: { ${missing.map((m) => `${m}: ...`).join(', ')} } })`,
    );
  }
  return values;
}

/** Whether every side packet the node waits for is there. */
export function sidePacketsReady(values: ReadonlyMap<string, unknown>, node: NodePlan): boolean {
  for (const name of node.sideWait) if (!values.has(name)) return false;
  return true;
}

/** The first side packet of the node whose value does not match its port type. */
export function sidePacketTypeError(
  values: ReadonlyMap<string, unknown>,
  node: NodePlan,
): RunError | undefined {
  for (const [name, spec] of node.sideInTypes) {
    if (!values.has(name)) continue;
    const why = checkValue(spec.type, values.get(name));
    if (why !== undefined) {
      return new RunError(
        R.SIDE_PACKET_TYPE,
        `node "${node.name}" (${node.calculator}): side packet "${name}" must be ${spec.type.name}: ${why}`,
      );
    }
  }
  return undefined;
}

/** For a node still waiting when the run can make no more progress. */
export function neverOpenedError(values: ReadonlyMap<string, unknown>, node: NodePlan): RunError {
  const missing = node.sideWait.filter((n) => !values.has(n));
  return new RunError(
    R.MISSING_SIDE_PACKET,
    `node "${node.name}" (${node.calculator}) never opened: side packet${plural(missing)} ${quoted(missing)} never set; the node producing it must call setOutputSidePacket`,
  );
}
