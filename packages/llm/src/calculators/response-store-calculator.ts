import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { ResponseStore } from '../responses-store/response-store.js';

/** Port type of the `RESPONSE_STORE` side packet. */
export const responseStoreType = t.named<ResponseStore>(
  'LlmResponseStore',
  (v) => v instanceof ResponseStore,
);

/**
 * The Responses API's response store of one served graph (`scope: 'graph'`: every run shares it),
 * kept in memory: OpenAiRequestCalculator reads `previous_response_id` and `item_reference` items
 * from it, OpenAiResponseCalculator adds each response created with `store` not false, and the server
 * answers `GET` / `DELETE /v3/responses/{id}` from the graph's `RESPONSE_STORE` output side packet.
 * Bounded in responses (least recently used first out) and by a time to live from creation.
 *
 * Example config:
 * ```yaml
 * - calculator: ResponseStoreCalculator
 *   output_side_packet: [RESPONSE_STORE:response_store]
 *   options: { max_responses: 1000, ttl_seconds: 3600 }
 * ```
 */
export const ResponseStoreCalculator = defineCalculator({
  name: 'ResponseStoreCalculator',
  description: describeCalculator(
    'Keeps the Responses API responses of a graph in memory (LRU, TTL) for previous_response_id, item_reference and GET/DELETE /responses/{id}.',
    `
- calculator: ResponseStoreCalculator
  output_side_packet: [RESPONSE_STORE:response_store]
  options: { max_responses: 1000, ttl_seconds: 3600 }
`,
  ),
  scope: 'graph',
  outputSidePackets: {
    RESPONSE_STORE: { type: responseStoreType, description: 'the shared response store' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_responses: {
        type: 'integer',
        minimum: 1,
        default: 1000,
        description:
          'responses kept at most (each with its whole conversation); the least recently used goes first',
      },
      ttl_seconds: {
        type: 'integer',
        minimum: 1,
        default: 3600,
        description: 'seconds a response is kept after it was created',
      },
    },
  },
  create() {
    return {
      open(ctx) {
        const o = ctx.options;
        ctx.setOutputSidePacket(
          'RESPONSE_STORE',
          new ResponseStore({ maxResponses: o.max_responses, ttlMs: o.ttl_seconds * 1000 }),
        );
      },
    };
  },
});
