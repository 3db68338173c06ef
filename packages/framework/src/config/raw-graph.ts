import type { InputStreamHandlerConfig } from '../calculator/contract.js';

/** A graph file as written (after the schema check, so field types are right). */
export interface RawNode {
  readonly calculator: string;
  readonly name?: string;
  readonly input_stream?: string | string[];
  readonly output_stream?: string | string[];
  readonly input_side_packet?: string | string[];
  readonly output_side_packet?: string | string[];
  readonly options?: Record<string, unknown>;
  readonly input_stream_info?: { tag_index: string; back_edge?: boolean }[];
  readonly input_stream_handler?: RawHandler;
}

export type RawHandler =
  | InputStreamHandlerConfig['handler']
  | { handler: InputStreamHandlerConfig['handler']; sync_sets?: string[][] };

export interface RawGraph {
  readonly name?: string;
  readonly calculators?: string[];
  readonly subgraphs?: string[];
  readonly input_stream?: string | string[];
  readonly output_stream?: string | string[];
  readonly input_side_packet?: string | string[];
  readonly output_side_packet?: string | string[];
  readonly max_queue_size?: number;
  readonly input_stream_handler?: RawHandler;
  /** Undefined entries: nodes unusable after a schema problem (see sanitizeGraph). */
  readonly nodes: (RawNode | undefined)[];
}
