import type { PortRef, PortRuleProblem } from '@weft/framework';

const key = (p: PortRef): string => `${p.tag}:${p.index}`;

/** How a port is written, e.g. `AUDIO:1:x` or `x`, for messages. */
function shown(p: PortRef): string {
  if (p.tag === '') return p.name;
  return p.index === 0 ? `${p.tag}:${p.name}` : `${p.tag}:${p.index}:${p.name}`;
}

/** The same port with another stream name, for "add e.g. ..." suggestions. */
const renamed = (p: PortRef, name: string): string => shown({ ...p, name });

/**
 * MediaPipe's "same tags and indexes on both sides" rule of calculators that map `TAG:i` to `TAG:i`
 * (its `TagMap::SameAs`): every port on one side needs the port of the same tag and index on the
 * other. Each problem points at the port without a counterpart.
 */
export function sameTagIndexes(
  inputs: readonly PortRef[],
  outputs: readonly PortRef[],
  inField: string,
  outField: string,
): PortRuleProblem[] {
  const inKeys = new Set(inputs.map(key));
  const outKeys = new Set(outputs.map(key));
  const problems: PortRuleProblem[] = [];
  for (const p of inputs) {
    if (outKeys.has(key(p))) continue;
    problems.push({
      port: p,
      message: `${inField} "${shown(p)}" has no ${outField} with the same tag and index; input TAG:i is forwarded to output TAG:i (add e.g. "${renamed(p, `${p.name}_out`)}" to ${outField})`,
    });
  }
  for (const p of outputs) {
    if (inKeys.has(key(p))) continue;
    problems.push({
      port: p,
      message: `${outField} "${shown(p)}" has no ${inField} with the same tag and index; it would never receive anything (remove it, or add an ${inField} "${renamed(p, 'a_stream')}")`,
    });
  }
  return problems;
}
