import type { CliIo } from '@weft/framework';

// PLACEHOLDER: `weft serve`, replaced by the real implementation.
export async function serveCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('weft serve: not implemented yet\n');
  return 1;
}
