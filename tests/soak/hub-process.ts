import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * The hub as a real child process (`node --import tsx src/main.ts start`), started, killed with
 * SIGKILL and started again on the same data directory. Every child ever started is remembered in a
 * module-level set and killed when the test process exits, however it exits, so a failing soak
 * leaves nothing running.
 */

const root = new URL('../..', import.meta.url).pathname;
// The hub runs in a directory of its own, where `--import tsx` would not find the package.
const tsx = import.meta.resolve('tsx');
const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});
// A runner that gives up on the test sends SIGTERM or SIGINT; 'exit' does not run for those by itself.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    for (const child of alive) child.kill('SIGKILL');
    process.exit(1);
  });
}

export class HubProcess {
  private child: ChildProcess | undefined;
  /** The base URL of the running process (`http://127.0.0.1:PORT`); each start listens on a new port. */
  baseUrl: string | undefined;
  /** The admin key printed at the first start; later starts print none. */
  adminKey: string | undefined;
  /** Counts starts, so a client can tell that the process it sent a request to has gone. */
  generation = 0;
  /** Everything the processes wrote, for the failure message. */
  log = '';

  constructor(
    private readonly dir: string,
    private readonly configPath: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.baseUrl !== undefined;
  }

  /** Starts the hub and resolves once it listens; rejects if it exits first or takes over `timeoutMs`. */
  async start(timeoutMs = 90_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/main.ts'), 'start'], {
      cwd: this.dir,
      env: { ...process.env, CROSSDOCK_CONFIG: this.configPath, CROSSDOCK_HTTP_PORT: '0', CROSSDOCK_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    alive.add(child);
    child.once('exit', () => alive.delete(child));
    this.child = child;
    let out = '';
    const listening = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hub did not start within ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        this.log += chunk.toString();
        const key = /(cdk_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
        if (key) this.adminKey ??= key;
        const address = /API\s+(http:\/\/\S+)\/v1/.exec(out)?.[1];
        if (address) {
          clearTimeout(timer);
          resolve(address);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the hub exited while starting (${code ?? signal}):\n${out.slice(-4000)}`));
      });
    });
    this.baseUrl = await listening;
    this.generation += 1;
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests and transactions are cut where they are. */
  async kill(): Promise<void> {
    const child = this.child;
    this.baseUrl = undefined;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait for the clean shutdown (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    this.baseUrl = undefined;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Kills every hub process this test process started; for `after` hooks. */
export function killAllHubs(): void {
  for (const child of alive) child.kill('SIGKILL');
}
