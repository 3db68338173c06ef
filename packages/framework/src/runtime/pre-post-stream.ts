import { Timestamp } from '../timestamp/timestamp.js';

const fmt = Timestamp.format;

/**
 * MediaPipe's rule for the special packet timestamps: a packet at `PreStream` or `PostStream` must be
 * the only packet of its stream (it stands for the whole stream, before or after everything).
 * `last` is the timestamp of the stream's previous packet (undefined when none was added). Returns
 * what is wrong, for the producer's error, or undefined when `ts` is fine on this count.
 */
export function prePostStreamProblem(ts: Timestamp, last: Timestamp | undefined): string | undefined {
  if (last === Timestamp.PreStream || last === Timestamp.PostStream) {
    return `packet at ${fmt(ts)} follows the packet at ${fmt(last)}, which must be the only packet of its stream`;
  }
  if (ts === Timestamp.PostStream && last !== undefined) {
    return `packet at Timestamp.PostStream follows a packet at ${fmt(last)}; a PostStream packet must be the only packet of its stream (use setNextTimestampBound or close() to end a stream)`;
  }
  return undefined;
}
