import type { Timestamp } from '@weft/framework';

/** What a map function receives besides the value. */
export interface MapCallInfo {
  /** The packet's timestamp. */
  readonly timestamp: Timestamp;
  /** The node's `args` option (any JSON, undefined when absent). */
  readonly args: unknown;
  readonly nodeName: string;
  /** Aborted when the run is cancelled; pass it on to long operations. */
  readonly signal: AbortSignal;
}

/**
 * A function MapCalculator applies to every packet value. Returning `undefined` emits no packet at
 * that timestamp (a filter); throwing fails the run with WEFT_ERR_MAP_FUNCTION_FAILED.
 */
export type MapFunction = (value: any, info: MapCallInfo) => unknown;
