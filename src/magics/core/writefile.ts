// %%writefile [-a] PATH: write (or append) the cell body to a file, relative to the kernel's cwd.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicFamily } from '../types.js';

export const writefileFamily: MagicFamily = {
  name: 'core.writefile',
  magics: [{
    name: 'writefile',
    kind: 'cell',
    summary: 'write the cell body to a file (e.g. an assembly kernel for %asm)',
    usage: '%%writefile [-a] PATH',
    flags: [{ name: 'append', alias: 'a', type: 'boolean', help: 'append instead of overwriting' }],
    positionals: [{ name: 'path', help: 'file to write (directories are created)' }],
    run(args, ctx) {
      const path = resolve(process.cwd(), args.pos('path')!);
      const text = (args.body ?? '').endsWith('\n') ? args.body! : `${args.body ?? ''}\n`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        (args.bool('append') ? appendFileSync : writeFileSync)(path, text);
      } catch (e) {
        throw new BwvmError('writefile-failed', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: 'check the path and its permissions', cause: e });
      }
      ctx.stdout(`${args.bool('append') ? 'Appended to' : 'Wrote'} ${path}\n`);
      return new MagicOutput(path, undefined);
    },
  }],
};
