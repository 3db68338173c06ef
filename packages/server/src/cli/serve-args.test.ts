import type { CliIo } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './serve-args.js';

const capture = () => {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    cwd: '/',
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
  };
  return { io, out };
};

describe('parseServeArgs', () => {
  it('reads every flag', () => {
    const { io } = capture();
    expect(
      parseServeArgs(
        [
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
          '--allow-modules=/opt/more',
          '--ensure-default-model',
        ],
        io,
      ),
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
    });
  });

  it('leaves defaults to the caller', () => {
    expect(parseServeArgs([], capture().io)).toEqual({ allowModules: [], ensureDefaultModel: false });
  });

  it('prints the usage on stdout for --help and -h', () => {
    for (const flag of ['--help', '-h']) {
      const { io, out } = capture();
      expect(parseServeArgs([flag], io)).toBe(0);
      expect(out.stdout).toMatch(/^usage: weft serve \[--graphs DIR\]/);
      expect(out.stderr).toBe('');
    }
  });

  it.each([
    [['--port', '99999'], '--port "99999" must be an integer from 0 to 65535 (example: --port 8000)'],
    [['--port', '80a'], '--port "80a" must be an integer from 0 to 65535 (example: --port 8000)'],
    [
      ['--log-level', 'loud'],
      '--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ],
    [['--prot', '1'], 'unknown option "--prot" (did you mean "--port"?)'],
    [['--port'], '--port needs a value'],
    [['--ensure-default-model=yes'], '--ensure-default-model is a switch and takes no value'],
    [['extra'], 'unexpected argument "extra" (no argument is allowed)'],
  ])('answers %j with exit code 2, the problem and the usage on stderr', (args, message) => {
    const { io, out } = capture();
    expect(parseServeArgs(args, io)).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe(`weft serve: ${message}`);
    expect(out.stderr).toContain('usage: weft serve');
  });
});
