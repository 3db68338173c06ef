import type { PortMap } from '../calculator/contract.js';
import { ANY_TAG } from '../calculator/port-spec.js';
import { formatPort } from '../config/ports.js';
import { suggest } from '../errors/did-you-mean.js';
import { V } from '../errors/validation-codes.js';
import type { PortRef, Problem, SourceLocation } from '../graph/validated-graph.js';

/** The YAML field a port list comes from; used in messages. */
export type PortField = 'input_stream' | 'output_stream' | 'input_side_packet' | 'output_side_packet';

const tagText = (tag: string): string => (tag === '' ? 'untagged ports' : `tag "${tag}"`);

/**
 * Checks one port list of a node against what its calculator declares: unknown tags, several indexes
 * on a tag that is not `multiple`, and required tags left unconnected. A `'*'` entry accepts every
 * tag not declared otherwise, with any number of indexes.
 */
export function checkNodePorts(
  field: PortField,
  ports: readonly PortRef[],
  declared: PortMap | undefined,
  who: string,
  nodeLocation: SourceLocation,
  problems: Problem[],
): void {
  const spec = declared ?? {};
  const tags = Object.keys(spec).filter((t) => t !== ANY_TAG);
  const anyTag = spec[ANY_TAG] !== undefined;
  const seen = new Map<string, number>();
  for (const port of ports) {
    const portSpec = spec[port.tag];
    if (!portSpec && anyTag) continue;
    if (!portSpec) {
      const listed = tags.map((t) => (t === '' ? '(untagged)' : t));
      const hint =
        tags.length === 0
          ? ` (it declares no ${field}; remove "${formatPort(port)}")`
          : suggest(
              port.tag,
              tags.filter((t) => t !== ''),
              'one of',
            ).replace(/^ \(expected one of .*\)$/, ` (declared: ${listed.join(', ')})`);
      problems.push({
        code: V.UNKNOWN_PORT,
        message: `${who} has no ${field} ${tagText(port.tag)} (in "${formatPort(port)}")${hint}`,
        location: port.location,
      });
      continue;
    }
    const count = (seen.get(port.tag) ?? 0) + 1;
    seen.set(port.tag, count);
    if (count === 2 && !portSpec.multiple) {
      problems.push({
        code: V.PORT_NOT_MULTIPLE,
        message: `${who} accepts one ${field} for ${tagText(port.tag)}, but "${formatPort(port)}" adds another index; connect a single stream to ${port.tag || 'the untagged port'}`,
        location: port.location,
      });
    }
  }
  for (const tag of tags) {
    if (spec[tag]!.optional || seen.has(tag)) continue;
    const example = tag === '' ? 'a_stream' : `${tag}:a_name`;
    problems.push({
      code: V.MISSING_PORT,
      message: `${who} is missing required ${field} ${tagText(tag)} (add e.g. "${example}" to ${field})`,
      location: nodeLocation,
    });
  }
}
