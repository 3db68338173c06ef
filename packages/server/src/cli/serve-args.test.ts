import { describe, expect, it } from 'vitest';
import { parseServeArgs, ServeUsageError } from './serve-args.js';

describe('parseServeArgs', () => {
  it('reads every flag', () => {
    expect(
      parseServeArgs([
        '--graphs',
        'g',
        '--config',
        'c.yaml',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--api-key',
        'k',
        '--grace-ms',
        '250',
        '--log-level',
        'warn',
        '--allow-modules',
        'calcs',
        '--allow-modules',
        '/opt/more',
        '--ensure-default-model',
      ]),
    ).toEqual({
      graphs: 'g',
      config: 'c.yaml',
      host: '0.0.0.0',
      port: 0,
      apiKey: 'k',
      graceMs: 250,
      logLevel: 'warn',
      allowModules: ['calcs', '/opt/more'],
      ensureDefaultModel: true,
      help: false,
    });
  });

  it('leaves defaults to the caller', () => {
    expect(parseServeArgs([])).toEqual({ allowModules: [], ensureDefaultModel: false, help: false });
  });

  it.each([
    [['--port', '99999'], '--port "99999" must be an integer from 0 to 65535 (example: --port 8000)'],
    [['--port', '80a'], '--port "80a" must be an integer from 0 to 65535 (example: --port 8000)'],
    [
      ['--log-level', 'loud'],
      '--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(new ServeUsageError(message));
  });

  it('rejects unknown flags with the usage text', () => {
    expect(() => parseServeArgs(['--prot', '1'])).toThrow(/Unknown option '--prot'[\s\S]*usage: weft serve/);
  });
});
