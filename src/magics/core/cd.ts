// %cd [PATH]: change the kernel's working directory (no PATH: home, `-`: previous) and print it.
import { MagicOutput, type MagicFamily } from '../types.js';

export const cdFamily: MagicFamily = {
  name: 'core.cd',
  magics: [{
    name: 'cd',
    kind: 'line',
    summary: "change the kernel's working directory and print it",
    usage: '%cd [PATH | - | ~]',
    flags: [],
    positionals: [{ name: 'path', help: 'directory (relative to the current one; ~ = home, - = previous)', optional: true, rest: true }],
    run(args, ctx) {
      let path = args.pos('path') ?? '~';
      if (/^(['"])[\s\S]*\1$/.test(path)) path = path.slice(1, -1);
      const cwd = ctx.session.chdir(path);
      ctx.stdout(cwd + '\n');
      return new MagicOutput(cwd, undefined);
    },
  }],
};
