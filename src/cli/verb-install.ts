// `bwvm install`: write the bwvm kernelspec (kernel.json + logos from kernel/) into a Jupyter
// kernels directory (--user, --sys-prefix or --prefix P), so `jupyter kernelspec list` shows it.
//
// interrupt_mode is "message": Jupyter then interrupts with interrupt_request on the control
// channel rather than SIGINT. Cells run in a child process, so the kernel's event loop always
// answers control promptly; and a signal-mode interrupt is sent by jupyter_client to the whole
// process group (killpg), hitting the executor child as well as the kernel. The kernel still
// treats a SIGINT (e.g. Ctrl-C in a terminal, or a front end ignoring interrupt_mode) as an
// interrupt rather than dying.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BwvmError, errorMessage } from '../util/errors.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The kernelspec sources in this package. */
export const KERNEL_SOURCE_DIR = join(ROOT, 'kernel');
export const BWVM_BIN = join(ROOT, 'bin', 'bwvm.js');
export const LOGOS = ['logo-32x32.png', 'logo-64x64.png'];

export const INSTALL_SUMMARY = 'register the bwvm kernel with Jupyter (writes a kernelspec)';
export const INSTALL_USAGE = `usage: bwvm install [--user | --sys-prefix | --prefix P] [--name N]

Writes the kernelspec (kernel.json, logos) so Jupyter can start bwvm.
  --user         into the user's Jupyter data dir: $JUPYTER_DATA_DIR/kernels, else
                 $XDG_DATA_HOME/jupyter/kernels, else ~/.local/share/jupyter/kernels (default)
  --sys-prefix   into <python sys.prefix>/share/jupyter/kernels (python: /usr/bin/python3)
  --prefix P     into P/share/jupyter/kernels (then JUPYTER_PATH=P/share/jupyter finds it)
  --name N       kernel name, i.e. the directory name (default: bwvm)`;

export type InstallTarget = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; prefix: string };

/** The kernels directory of a target. */
export function kernelsDir(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (target.kind === 'prefix') return join(resolve(target.prefix), 'share', 'jupyter', 'kernels');
  if (target.kind === 'sys-prefix') {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.trim()) {
      throw new BwvmError('cli/install-sys-prefix', `cannot ask /usr/bin/python3 for sys.prefix: ${r.error?.message ?? r.stderr.trim()}`, { hint: 'install python3 or use --prefix P / --user' });
    }
    return join(r.stdout.trim(), 'share', 'jupyter', 'kernels');
  }
  if (env.JUPYTER_DATA_DIR) return join(env.JUPYTER_DATA_DIR, 'kernels');
  const data = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'jupyter', 'kernels');
}

/** kernel.json content for this installation: absolute node and bin/bwvm.js paths. */
export function kernelSpec(nodePath = process.execPath, bwvmBin = BWVM_BIN): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(join(KERNEL_SOURCE_DIR, 'kernel.json'), 'utf8')) as Record<string, unknown>;
  spec.argv = (spec.argv as string[]).map((a) => (a === '{node}' ? nodePath : a === '{bwvm}' ? bwvmBin : a));
  return spec;
}

/** Write the kernelspec; returns its directory. */
export function installKernelSpec(target: InstallTarget, name = 'bwvm', env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new BwvmError('cli/install-name', `invalid kernel name '${name}'`, { hint: 'use letters, digits, ".", "_" or "-" (Jupyter kernel names)' });
  }
  const dir = join(kernelsDir(target, env), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
  for (const logo of LOGOS) copyFileSync(join(KERNEL_SOURCE_DIR, logo), join(dir, logo));
  return dir;
}

export async function installVerb(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        user: { type: 'boolean' }, 'sys-prefix': { type: 'boolean' }, prefix: { type: 'string' },
        name: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`bwvm install: ${errorMessage(e)}\n${INSTALL_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(INSTALL_USAGE + '\n');
    return 0;
  }
  const chosen = [values.user && '--user', values['sys-prefix'] && '--sys-prefix', values.prefix !== undefined && '--prefix'].filter(Boolean);
  if (chosen.length > 1) {
    process.stderr.write(`bwvm install: choose one of --user, --sys-prefix, --prefix (got ${chosen.join(' and ')})\n`);
    return 2;
  }
  const target: InstallTarget = values.prefix !== undefined ? { kind: 'prefix', prefix: values.prefix } : values['sys-prefix'] ? { kind: 'sys-prefix' } : { kind: 'user' };
  try {
    const dir = installKernelSpec(target, values.name ?? 'bwvm');
    process.stdout.write(`installed the bwvm kernelspec in ${dir}\n`);
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      process.stderr.write(`bwvm install: warning: ${join(ROOT, 'dist')} is not built yet; run npm run build in ${ROOT} before starting the kernel\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`bwvm install: ${errorMessage(e)}\n`);
    return 1;
  }
}
