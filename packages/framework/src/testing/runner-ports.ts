/** A node as an object, the way it is written in a graph file's `nodes:` list. */
export interface RunnerNodeConfig {
  readonly calculator: string;
  readonly name?: string;
  readonly input_stream?: string | readonly string[];
  readonly output_stream?: string | readonly string[];
  readonly input_side_packet?: string | readonly string[];
  readonly output_side_packet?: string | readonly string[];
  readonly options?: Readonly<Record<string, unknown>>;
  readonly input_stream_info?: readonly { readonly tag_index: string; readonly back_edge?: boolean }[];
  readonly input_stream_handler?: unknown;
}

/** One port of the node under test, parsed just enough to address it. */
export interface RunnerPort {
  readonly tag: string;
  readonly index: number;
  readonly name: string;
}

function parseList(list: string | readonly string[] | undefined): RunnerPort[] {
  const items = list === undefined ? [] : typeof list === 'string' ? [list] : list;
  let untagged = 0;
  return items.map((text) => {
    const parts = String(text).split(':');
    if (parts.length === 1) return { tag: '', index: untagged++, name: parts[0]! };
    if (parts.length === 2) return { tag: parts[0]!, index: 0, name: parts[1]! };
    return { tag: parts[0]!, index: Number(parts[1]), name: parts[2]! };
  });
}

export function runnerPorts(node: RunnerNodeConfig) {
  return {
    inputs: parseList(node.input_stream),
    outputs: parseList(node.output_stream),
    inputSide: parseList(node.input_side_packet),
    outputSide: parseList(node.output_side_packet),
  };
}

/** Finds a port by stream name, `TAG` (index 0) or `TAG:index`; throws listing what exists. */
export function resolveRunnerPort(ports: readonly RunnerPort[], address: string, what: string): RunnerPort {
  const byName = ports.find((p) => p.name === address);
  if (byName !== undefined) return byName;
  const [tag, index] = address.split(':');
  const found = ports.find((p) => p.tag === tag && p.index === Number(index ?? 0));
  if (found !== undefined && found.tag !== '') return found;
  const known = ports.map((p) => (p.tag === '' ? p.name : `${p.tag}:${p.index} (${p.name})`));
  throw new Error(
    `CalculatorRunner: no ${what} "${address}"; the node has ${known.length > 0 ? known.join(', ') : 'none'} (address a port as TAG, TAG:index or by its name)`,
  );
}
