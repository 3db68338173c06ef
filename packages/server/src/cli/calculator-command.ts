import type { CliIo } from '@weft/framework';

// PLACEHOLDER: `weft calculator new`, replaced by the real implementation.
export async function calculatorCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('weft calculator: not implemented yet\n');
  return 1;
}
