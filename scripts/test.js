#!/usr/bin/env node
// The test command (`npm test`): makes sure what the tests need is installed (Debian packages
// when running as root), says loudly what it had to skip otherwise, builds, and runs vitest.
// In CI (CI=true) nothing may be skipped: a missing prerequisite fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { missingPrereqs } from './prereqs.js';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const inCI = process.env.CI === 'true' || process.env.CI === '1';

let missing = missingPrereqs();
if (missing.length > 0 && isRoot) {
  const pkgs = [...new Set(missing.flatMap((p) => p.packages))];
  console.log(`[bwvm test] installing Debian packages: ${pkgs.join(' ')}`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...pkgs], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  missing = missingPrereqs();
}
if (missing.length > 0) {
  const banner = '!'.repeat(78);
  console.error(`\n${banner}\n[bwvm test] MISSING PREREQUISITES — these tests will be SKIPPED:`);
  for (const p of missing) console.error(`  - ${p.name}: apt-get install -y ${p.packages.join(' ')}`);
  console.error(`${banner}\n`);
  if (inCI) {
    console.error('[bwvm test] CI=true: nothing may be skipped; failing.');
    process.exit(1);
  }
}
process.env.BWVM_MISSING = missing.map((p) => p.name).join(',');

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
const report = 'out/test-report.json';
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (missing.length > 0) console.log(`[bwvm test] SKIPPED for missing prerequisites: ${missing.map((p) => p.name).join(', ')}`);
}
process.exit(status);
