import type { PortRef, PortRuleProblem } from '@weft/framework';

const withTag = (ports: readonly PortRef[], tag: string): PortRef[] => ports.filter((p) => p.tag === tag);

/**
 * The "input i goes to output i" rule of PassThrough-like calculators (MediaPipe checks
 * `NumEntries("")` in `GetContract`): the node needs as many `tag` outputs as `tag` inputs, less
 * `inputsWithoutOutput` (PacketCloner's untagged tick). The problem points at the first port
 * without a partner, or at the node when a side is empty.
 */
export function sameCount(
  inputs: readonly PortRef[],
  outputs: readonly PortRef[],
  tag = '',
  inputsWithoutOutput = 0,
): PortRuleProblem[] {
  const ins = withTag(inputs, tag);
  const outs = withTag(outputs, tag);
  const expected = ins.length - inputsWithoutOutput;
  if (outs.length === expected) return [];
  const what = tag === '' ? 'untagged' : tag;
  const port = outs.length > expected ? outs[expected] : ins[outs.length + inputsWithoutOutput];
  return [
    {
      port,
      message: `has ${ins.length} ${what} input stream(s) but ${outs.length} ${what} output stream(s); ${what} input i is forwarded to ${what} output i, so list ${expected === 1 ? 'one output' : `${expected} outputs`}${inputsWithoutOutput > 0 ? ` (the last untagged input is the tick and has no output)` : ''}`,
    },
  ];
}

/** Names of the `tags` a node connects in a port list, for "at most one of" rules. */
export function connectedTags(ports: readonly PortRef[], tags: readonly string[], kind: string): string[] {
  return tags.filter((tag) => ports.some((p) => p.tag === tag)).map((tag) => `${tag} ${kind}`);
}
