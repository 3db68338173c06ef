import { defineErrorCodes } from './error-codes.js';

/** Graph run errors, by short key; the code is `WEFT_ERR_` + key. */
const defined = defineErrorCodes({
  NODE_FAILED: {
    title: 'A node failed',
    description:
      "A calculator's `open`, `process` or `close` threw (or its promise rejected). The run stops, every opened node is closed, and `done()` rejects with a `GraphRunError` naming the node, its calculator and the `cause`.",
  },
  TIMESTAMP_NOT_INCREASING: {
    title: 'Packet timestamp not increasing',
    description:
      "A packet was added to a stream at a timestamp below the stream's next timestamp bound (packets on a stream must strictly increase, and a bound promised with `setNextTimestampBound` cannot be broken). The message names the node, calculator and port.",
  },
  TIMESTAMP_INVALID: {
    title: 'Invalid packet timestamp',
    description:
      'A packet carried a timestamp that packets may not carry (`Unset`, `Unstarted`, `OneOverPostStream`, `Done`, or a non-integer), or a source added a packet without a timestamp.',
  },
  PRE_POST_STREAM_PACKET: {
    title: 'PreStream or PostStream packet not alone',
    description:
      'A packet at `Timestamp.PreStream` or `Timestamp.PostStream` must be the only packet of its stream (as in MediaPipe): a PostStream packet was added after other packets, or another packet followed a PreStream/PostStream packet. The message names the producer (node and port, or the graph input).',
  },
  OUTPUT_CLOSED: {
    title: 'Output stream already closed',
    description: 'A calculator added a packet to an output stream after closing it.',
  },
  PACKET_TYPE: {
    title: 'Packet of the wrong type',
    description:
      "With `checkTypes` (on in `CalculatorRunner`), a packet's value does not match the type its port declares (for `t.json` ports, the JSON Schema). The message names the node, port and what is wrong.",
  },
  PORT_NOT_CONNECTED: {
    title: 'Port not connected',
    description:
      'A calculator asked its context for an input, output or side packet tag/index that the node does not connect (check `inputCount`/`hasSidePacket` for optional ports).',
  },
  UNKNOWN_STREAM: {
    title: 'Unknown graph stream',
    description:
      "`addPacket`, `closeInput`, `output` or a CLI `--input` named a stream that is not one of the graph's input or output streams.",
  },
  INPUT_CLOSED: {
    title: 'Graph input already closed',
    description: 'A packet or bound was added to a graph input stream after `closeInput` / `closeAllInputs`.',
  },
  MISSING_SIDE_PACKET: {
    title: 'Missing side packet',
    description:
      'A graph input side packet was not given to `start({ sidePackets })` (or `--side`), or a node never received an input side packet that another node was to produce.',
  },
  SIDE_PACKET_TYPE: {
    title: 'Side packet of the wrong type',
    description: "A side packet value does not match the type declared by the consuming port's contract.",
  },
  SIDE_PACKET_TWICE: {
    title: 'Side packet set twice',
    description: 'A node called `setOutputSidePacket` twice for the same port in one run.',
  },
  DEADLOCK: {
    title: 'Deadlock',
    description:
      'Nothing can run while a source or a graph input waits for a full input queue (`max_queue_size`) to drain. The message lists the full streams; raise `max_queue_size`, or feed the inputs the blocked node waits for.',
  },
  RUN_CANCELLED: {
    title: 'Run cancelled',
    description: 'The run was cancelled with `cancel()` or its `AbortSignal`; every opened node was closed.',
  },
  RUN_FINISHED: {
    title: 'Run already finished',
    description: 'A packet was added to a run that has already finished, failed or been cancelled.',
  },
  GRAPH_DISPOSED: {
    title: 'Graph disposed',
    description: 'A run was started on a compiled graph after `dispose()`; load the graph again.',
  },
});

export type RuntimeErrorCode = (typeof defined.entries)[number]['code'];

/** Codes by short key: `R.DEADLOCK === 'WEFT_ERR_DEADLOCK'`. */
export const R = defined.codes;

/** Graph run error codes (documented in docs/errors.md). */
export const runtimeErrorCodes = defined.entries;
