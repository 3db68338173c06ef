import { hasWeftCode, t } from '@weft/framework';

/**
 * An error answer on a served graph's RESPONSE stream: the `WEFT_ERR_...` code of the real cause,
 * its message, and the request field at fault (null: the request as a whole). The server alone
 * decides what the client sees for a code (HTTP status, OpenAI `type` and `code`).
 */
export interface ErrorPacket {
  readonly kind: 'error';
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
}

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

export const errorPacketType = t.named<ErrorPacket>(
  'GraphErrorPacket',
  (v) => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'error',
);
