import type { CliIo } from '@weft/framework';

// PLACEHOLDER: `weft generate`, replaced by the real implementation.
export async function generateCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('weft generate: not implemented yet\n');
  return 1;
}
