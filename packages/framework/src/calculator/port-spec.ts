import type { PortMap, PortSpec } from './contract.js';

/** The port-map key meaning "any tag not declared otherwise, any index" (MediaPipe's `AnyTag`). */
export const ANY_TAG = '*';

/**
 * The spec a tag resolves to: its own entry, else the `'*'` entry. Every lookup of a node's port in
 * its contract goes through here so the wildcard means the same in the validator and the runtime.
 */
export function portSpecOf(map: PortMap | undefined, tag: string): PortSpec | undefined {
  return map?.[tag] ?? map?.[ANY_TAG];
}
