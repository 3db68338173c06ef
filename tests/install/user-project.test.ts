import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ReadmeStep, readmeSection, readmeSteps } from './readme-walk.js';
import { type CommandResult, ShellSession } from './shell-session.js';

/**
 * README "Use Weft in your own project", walked as written: the package tarballs are packed from
 * this checkout and installed with plain npm into a folder outside it (third-party dependencies
 * come from the registry), then every command and file of the section runs in order, and every
 * next step `weft calculator new` prints runs as printed. Only the server's port differs.
 */
const repo = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const steps = readmeSteps(readmeSection(readme, 'Use Weft in your own project'));
const home = mkdtempSync(join(tmpdir(), 'weft-user-project-'));
const state = join(home, '.session');
mkdirSync(state);

// A user's terminal: none of this checkout's node_modules/.bin, pnpm or vitest variables.
const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
const userNpmrc = join(process.env.HOME ?? '/root', '.npmrc');
const env: NodeJS.ProcessEnv = {
  PATH: (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('node_modules'))
    .join(delimiter),
  HOME: home,
  LANG: 'C.UTF-8',
  npm_config_cache: npmCache,
  ...(existsSync(userNpmrc) && { npm_config_userconfig: userNpmrc }),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  // As the README says for machines that reach only the npm registry (CI).
  ONNXRUNTIME_NODE_INSTALL: 'skip',
};
const shell = new ShellSession(state, repo, env);

afterAll(async () => {
  await shell.close();
  rmSync(home, { recursive: true, force: true });
});

const ok = (line: string, r: CommandResult) =>
  expect(r.code, `"${line}" failed:\n${r.stdout}\n${r.stderr}`).toBe(0);

describe('README: Use Weft in your own project', () => {
  const results = new Map<string, CommandResult>();
  let server: string | undefined;

  it('works step by step as written, from the packed tarballs, outside the checkout', async () => {
    expect(steps.filter((s) => s.kind === 'command').length).toBeGreaterThan(8);
    for (const step of steps) await walk(step);
    // Files a reader copies land in the project.
    expect(shell.cwd).toBe(join(home, 'my-weft-app'));
  }, 600_000);

  async function walk(step: ReadmeStep): Promise<void> {
    if (step.kind === 'file') {
      mkdirSync(dirname(join(shell.cwd, step.path)), { recursive: true });
      writeFileSync(join(shell.cwd, step.path), step.content);
      return;
    }
    if (/^npx weft serve\b/.test(step.line)) {
      const first = await shell.start(`${step.line} --port 0`, 120_000);
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      server = first.slice('listening on http://'.length);
      return;
    }
    const line = server === undefined ? step.line : step.line.replaceAll('localhost:8000', server);
    const r = await shell.run(line, 300_000);
    ok(line, r);
    results.set(step.line, r);
    if (step.shownOutput !== undefined) expect(r.stdout, `output of "${line}"`).toBe(step.shownOutput);
    if (/^npx weft calculator new /.test(line)) await nextSteps(r.stdout);
  }

  /** Runs each line after "next steps:" exactly as printed. */
  async function nextSteps(printed: string): Promise<void> {
    const lines = printed.slice(printed.indexOf('next steps:\n') + 'next steps:\n'.length).split('\n');
    const commands = lines.filter((l) => l.startsWith('  ')).map((l) => l.trim());
    expect(commands.length).toBe(3);
    // Editors get completion from the schema the installed package ships.
    const graph = readFileSync(join(shell.cwd, 'shout-text-calculator.graph.yaml'), 'utf8');
    const schema = './node_modules/@weft/server/schema/graph.schema.json';
    expect(graph.split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}`);
    expect(JSON.parse(readFileSync(join(shell.cwd, schema), 'utf8')).title).toBeTypeOf('string');
    for (const command of commands) {
      const r = await shell.run(command, 180_000);
      ok(command, r);
      results.set(command, r);
    }
    const run = results.get(commands[1]!)!;
    expect(run.stdout).toBe(
      '{"stream":"out","timestamp":0,"value":3}\n{"stream":"out","timestamp":1,"value":6}\n{"stream":"out","timestamp":2,"value":15}\n',
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary
    const summary = results.get(commands[0]!)!.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(summary).toMatch(/Tests {2}4 passed \(4\)/);
    const svg = readFileSync(join(shell.cwd, 'shout-text-calculator.svg'), 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  }

  it('answers a chat completion through the user-written calculator (the text comes back in capitals)', () => {
    const curl = [...results.entries()].find(([line]) => line.startsWith('curl '));
    expect(curl, 'the README section ends with a curl').toBeDefined();
    const body = JSON.parse(curl![1].stdout) as {
      model: string;
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(body.model).toBe('shouting-llama');
    const content = body.choices[0]!.message.content;
    expect(/[A-Z]/.test(content)).toBe(true);
    expect(content).toBe(content.toUpperCase());
    expect(body.usage.completion_tokens).toBe(8);
  });

  it('packs every public package into a tarball that ships compiled JS and types, no tests, no workspace: ranges', () => {
    const packs = join(repo, 'packs');
    const tarballs = readdirSync(packs)
      .filter((f) => f.endsWith('.tgz'))
      .sort();
    expect(tarballs).toEqual([
      'weft-calculators-0.1.0.tgz',
      'weft-framework-0.1.0.tgz',
      'weft-llm-0.1.0.tgz',
      'weft-onnx-0.1.0.tgz',
      'weft-server-0.1.0.tgz',
    ]);
    const versions = new Map<string, string>();
    for (const tarball of tarballs) {
      const file = join(packs, tarball);
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
      ) as {
        name: string;
        version: string;
        dependencies?: Record<string, string>;
        bin?: Record<string, string>;
      };
      versions.set(manifest.name, manifest.version);
      const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
      const pkg = manifest.name.replace('@weft/', '');
      expect(entries, tarball).toContain('package/dist/index.js');
      expect(entries, tarball).toContain('package/dist/index.d.ts');
      expect(
        entries.filter((e) => /\.test\.|\/src\/|\.tsbuildinfo$/.test(e)),
        tarball,
      ).toEqual([]);
      // A dist file without a source is the output of a deleted file, which tsc -b leaves behind.
      const stale = entries
        .filter((e) => e.startsWith('package/dist/') && e.endsWith('.js'))
        .filter(
          (e) =>
            !existsSync(
              join(repo, 'packages', pkg, 'src', e.slice('package/dist/'.length).replace(/\.js$/, '.ts')),
            ),
        );
      expect(stale, `${tarball}: dist files without a source (pnpm pack:all prunes them)`).toEqual([]);
      expect(JSON.stringify(manifest.dependencies ?? {}), tarball).not.toContain('workspace:');
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        if (dep.startsWith('@weft/')) expect(range, `${tarball} → ${dep}`).toBe('0.1.0');
      }
      if (pkg === 'server') expect(manifest.bin).toEqual({ weft: './bin/weft.js' });
    }
    expect(new Set(versions.values())).toEqual(new Set(['0.1.0']));
  });
});
