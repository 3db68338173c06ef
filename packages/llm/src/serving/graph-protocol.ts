import { hasWeftCode, t } from '@weft/framework';

/**
 * The protocol between the REST layer and a served graph (vLLM's `EngineCoreRequest` /
 * `EngineCoreOutputs` idea, as packets). One run per request: the server adds one `GraphRequest`
 * on the graph's `REQUEST` input at timestamp 0 and closes the inputs; the graph answers on its
 * `RESPONSE` output, at increasing timestamps, with
 *
 *     error                                   a refusal before anything else, or
 *     head  chunk*  usage?  (end | error)     an answer (`head.stream` false: exactly one chunk).
 *
 * Chunks carry JSON the server writes without reading it; everything the server needs to know
 * (stream or not, token counts, errors) travels in typed fields. docs/architecture.md, "The graph
 * protocol", walks through one request.
 */
export interface GraphRequest {
  /** The API the body follows, as the route names it: `completions`, `chat/completions`, ... */
  readonly endpoint: string;
  /** The served model name the server resolved the request to (the graph's name). */
  readonly model: string;
  /** The JSON body exactly as the client sent it (an object; `model` was checked by the server). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Opens an answer: one JSON body (`stream: false`) or an event stream. */
export interface HeadPacket {
  readonly kind: 'head';
  readonly stream: boolean;
  /** Streams end with `data: [DONE]` unless this is false (the Responses API ends with its own event). */
  readonly doneMarker?: boolean;
}

/** The JSON body of a `stream: false` answer, or one event of a stream. */
export interface ChunkPacket {
  readonly kind: 'chunk';
  readonly data: unknown;
  /** SSE event name (`event:` line), for APIs that name their events. */
  readonly event?: string;
  /** Generated tokens this chunk delivers (0 or absent: none); times the first and later tokens. */
  readonly tokens?: number;
}

/** Token counts of the whole request, for metrics and logs; never sent to the client as such. */
export interface UsagePacket {
  readonly kind: 'usage';
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/**
 * An error answer: the `WEFT_ERR_...` code of the real cause, its message, and the request field at
 * fault (null: the request as a whole). The server alone decides what the client sees for a code
 * (HTTP status, OpenAI `type` and `code`): a JSON error before the stream started, an error event after.
 */
export interface ErrorPacket {
  readonly kind: 'error';
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
}

/** The answer is complete. */
export interface EndPacket {
  readonly kind: 'end';
}

export type ResponsePacket = HeadPacket | ChunkPacket | UsagePacket | ErrorPacket | EndPacket;

/** The error packet for an error carrying a Weft code; undefined for any other error (a bug). */
export function errorPacket(error: unknown): ErrorPacket | undefined {
  if (!hasWeftCode(error)) return undefined;
  const param = (error as { param?: unknown }).param;
  return {
    kind: 'error',
    code: error.code,
    message: error.message,
    param: typeof param === 'string' ? param : null,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Port type of a graph's `REQUEST` input. */
export const graphRequestType = t.named<GraphRequest>(
  'GraphRequest',
  (v) => isObject(v) && typeof v.endpoint === 'string' && typeof v.model === 'string' && isObject(v.body),
);

/** Port type of a graph's `RESPONSE` output. */
export const responsePacketType = t.named<ResponsePacket>(
  'GraphResponsePacket',
  (v) => isObject(v) && typeof v.kind === 'string',
);

/** Port type of the ERROR streams that carry error packets from a stage to the response node. */
export const errorPacketType = t.named<ErrorPacket>(
  'GraphErrorPacket',
  (v) => isObject(v) && v.kind === 'error',
);
