import { basename, extname } from 'node:path';
import { V } from '../errors/validation-codes.js';
import type { Problem, SourceLocation } from '../graph/validated-graph.js';
import type { RawNode } from './raw-graph.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Gives every node of one file its name: the `name:` written, or `Calculator_N` (N counting unnamed
 * nodes of that calculator from 1, skipping names already taken). Repeated names are problems.
 */
export function assignNodeNames(
  nodes: readonly (RawNode | undefined)[],
  yaml: YamlSource,
  problems: Problem[],
): { name: string; location: SourceLocation }[] {
  const taken = new Map<string, SourceLocation>();
  nodes.forEach((n, i) => {
    if (n?.name === undefined) return;
    const location = yaml.locate(['nodes', i, 'name']);
    const first = taken.get(n.name);
    if (first) {
      problems.push({
        code: V.DUPLICATE_NODE_NAME,
        message: `node name "${n.name}" is already used by the node at line ${first.line}; node names must be unique (rename one, e.g. "${n.name}_2")`,
        location,
      });
    } else {
      taken.set(n.name, location);
    }
  });
  const counters = new Map<string, number>();
  return nodes.map((n, i) => {
    if (n === undefined) return { name: '', location: yaml.locate(['nodes', i]) };
    if (n.name !== undefined) return { name: n.name, location: yaml.locate(['nodes', i, 'name']) };
    const base = /\.ya?ml$/i.test(n.calculator)
      ? basename(n.calculator, extname(n.calculator))
      : n.calculator;
    let k = counters.get(base) ?? 0;
    let name: string;
    do name = `${base}_${++k}`;
    while (taken.has(name));
    counters.set(base, k);
    const location = yaml.locate(['nodes', i]);
    taken.set(name, location);
    return { name, location };
  });
}
