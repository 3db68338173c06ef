import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs commands one at a time as a user's terminal would: `cd` and `export` carry over from one
 * command to the next (bash saves its working directory and exported variables after each).
 */
export class ShellSession {
  private readonly cwdFile: string;
  private readonly envFile: string;
  private readonly background: ChildProcess[] = [];

  constructor(
    stateDir: string,
    cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.cwdFile = join(stateDir, 'cwd');
    this.envFile = join(stateDir, 'env.sh');
    writeFileSync(this.cwdFile, cwd);
    writeFileSync(this.envFile, '');
  }

  get cwd(): string {
    return readFileSync(this.cwdFile, 'utf8').trim();
  }

  private script(line: string, save: boolean): string {
    const restore = `cd "$(cat ${this.cwdFile})" && . ${this.envFile}`;
    const keep = save ? `\n__s=$?; pwd > ${this.cwdFile}; export -p > ${this.envFile}; exit $__s` : '';
    return `${restore}\n${line}${keep}`;
  }

  /** Runs one command line to its end. */
  run(line: string, timeoutMs: number): Promise<CommandResult> {
    const child = spawn('bash', ['-c', this.script(line, true)], { env: this.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`"${line}" did not finish within ${timeoutMs} ms; stderr: ${Buffer.concat(err)}`));
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
        });
      });
    });
  }

  /** Starts a long-running command (a server) in its own process group; resolves with its first stdout line. */
  start(line: string, timeoutMs: number): Promise<string> {
    const child = spawn('bash', ['-c', this.script(`exec ${line}`, false)], {
      env: this.env,
      stdio: 'pipe',
      detached: true,
    });
    this.background.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`"${line}" printed no line within ${timeoutMs} ms; stderr: ${err}`)),
        timeoutMs,
      );
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const newline = out.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        resolve(out.slice(0, newline));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`"${line}" exited with ${code}; stderr: ${err}`));
      });
    });
  }

  /** Stops every started command (SIGTERM to its process group) and waits for it to exit. */
  async close(): Promise<void> {
    await Promise.all(
      this.background.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            process.kill(-child.pid!, 'SIGTERM');
          }),
      ),
    );
  }
}
