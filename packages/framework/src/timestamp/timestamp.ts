/**
 * Timestamps are plain integers (fast to compare, free to copy) with MediaPipe's special values
 * reserved at both ends of the safe-integer range. Range values (packets may carry them) lie in
 * [Min, Max]; PreStream and PostStream are allowed only as the single packet of a stream.
 */
export type Timestamp = number;

const LOW = Number.MIN_SAFE_INTEGER;
const HIGH = Number.MAX_SAFE_INTEGER;

export const Timestamp = {
  Unset: LOW,
  Unstarted: LOW + 1,
  PreStream: LOW + 2,
  Min: LOW + 3,
  Max: HIGH - 3,
  PostStream: HIGH - 2,
  OneOverPostStream: HIGH - 1,
  Done: HIGH,

  /** True for timestamps a packet may carry in a normal stream. */
  isRangeValue(ts: Timestamp): boolean {
    return Number.isSafeInteger(ts) && ts >= LOW + 3 && ts <= HIGH - 3;
  },

  /** True for any timestamp a packet may carry, PreStream and PostStream included. */
  isAllowedInStream(ts: Timestamp): boolean {
    return Timestamp.isRangeValue(ts) || ts === LOW + 2 || ts === HIGH - 2;
  },

  /** The smallest timestamp a following packet may carry after a packet at `ts` (MediaPipe NextAllowedInStream). */
  nextAllowedInStream(ts: Timestamp): Timestamp {
    if (ts === LOW + 2 || ts >= HIGH - 3) return HIGH - 1;
    return ts + 1;
  },

  /**
   * The timestamp a packet just below `bound` would carry: for a stream whose next bound is `bound`,
   * the last settled timestamp (MediaPipe PreviousAllowedInStream; `Done` gives `Max`).
   */
  previousAllowedInStream(bound: Timestamp): Timestamp {
    if (bound <= LOW + 3 || bound === HIGH - 2) return LOW + 1;
    if (bound > HIGH - 3) return HIGH - 3;
    return bound - 1;
  },

  /** Human-readable name: special values by name, others as the number. */
  format(ts: Timestamp): string {
    switch (ts) {
      case LOW:
        return 'Timestamp.Unset';
      case LOW + 1:
        return 'Timestamp.Unstarted';
      case LOW + 2:
        return 'Timestamp.PreStream';
      case LOW + 3:
        return 'Timestamp.Min';
      case HIGH - 3:
        return 'Timestamp.Max';
      case HIGH - 2:
        return 'Timestamp.PostStream';
      case HIGH - 1:
        return 'Timestamp.OneOverPostStream';
      case HIGH:
        return 'Timestamp.Done';
      default:
        return String(ts);
    }
  },
} as const;
