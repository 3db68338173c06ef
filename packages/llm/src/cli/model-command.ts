import type { CliIo } from '@weft/framework';

// PLACEHOLDER: `weft model create|inspect`, replaced by the real implementation.
export async function modelCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('weft model: not implemented yet\n');
  return 1;
}
