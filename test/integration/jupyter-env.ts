// Test helpers for the integration tests: a temp Jupyter prefix with bwvm's kernelspec installed
// by `bwvm install --prefix`, isolated Jupyter dirs, and a real notebook server on a free port
// (its whole process group is killed on stop).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/jupyter/connection.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BWVM = join(ROOT, 'bin', 'bwvm.js');

export interface JupyterEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp prefix with the bwvm kernelspec and private Jupyter config/runtime/data dirs. */
export function jupyterEnv(): JupyterEnv {
  const dir = mkdtempSync(join(tmpdir(), 'bwvm-jupyter-'));
  const r = spawnSync(process.execPath, [BWVM, 'install', '--prefix', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bwvm install --prefix failed (${r.status}): ${r.stderr}${r.stdout}`);
  for (const d of ['config', 'runtime', 'data', 'ipython', 'home', 'nb']) mkdirSync(join(dir, d), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(dir, 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
    JUPYTER_DATA_DIR: join(dir, 'data'),
    IPYTHONDIR: join(dir, 'ipython'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface NotebookServer {
  url: string;
  token: string;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Start Debian's classic notebook server in `je.dir/nb`; resolves when /api answers. */
export async function startNotebookServer(je: JupyterEnv): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const proc = spawn('/usr/bin/jupyter', [
    'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--notebook-dir=${join(je.dir, 'nb')}`, '--NotebookApp.open_browser=False',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ], { env: je.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout?.on('data', (b: Buffer) => { log += b.toString(); });
  proc.stderr?.on('data', (b: Buffer) => { log += b.toString(); });
  let exited = false;
  proc.on('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited && proc.pid) {
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/api/kernelspecs?token=${token}`);
      if (res.ok) return { url, token, proc, log: () => log, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`the notebook server did not start:\n${log}`);
}
