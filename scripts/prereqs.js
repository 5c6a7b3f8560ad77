// What the test suite needs from outside npm (Debian's Jupyter, Chromium, datasets, PyTorch, gcc),
// how to check each, and which Debian packages provide it. Shared by scripts/test.js and tests.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const py = (code) => () => spawnSync('/usr/bin/python3', ['-c', code], { stdio: 'ignore' }).status === 0;

export const PREREQS = [
  { name: 'jupyter', packages: ['jupyter-client', 'jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'jupyter-console'],
    check: () => existsSync('/usr/bin/jupyter') && py('import jupyter_client, nbclient, nbconvert, notebook')() },
  { name: 'kernel-test', packages: ['python3-jupyter-kernel-test'], check: py('import jupyter_kernel_test') },
  { name: 'fashion-mnist', packages: ['dataset-fashion-mnist'], check: () => existsSync('/usr/share/datasets/fashion-mnist') },
  { name: 'chromium', packages: ['chromium'], check: () => existsSync('/usr/bin/chromium') },
  { name: 'torch', packages: ['python3-torch', 'python3-onnx', 'python3-h5py'], check: py('import torch, onnx, h5py') },
  { name: 'gcc', packages: ['gcc', 'libc6-dev'], check: () => spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0 },
];

export function missingPrereqs() {
  return PREREQS.filter((p) => !p.check());
}
