// %env: list the kernel's environment variables, get one (%env VAR), set one (%env VAR=value or
// %env VAR value), or remove one (%env -u VAR). Values of secret-looking names are masked in lists.
import { table } from '../../display/index.js';
import { BwvmError } from '../../util/errors.js';
import { didYouMean } from '../suggest.js';
import { MagicOutput, type MagicFamily } from '../types.js';

const SECRET = /KEY|TOKEN|SECRET|PASS|CREDENTIAL/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new BwvmError('env-bad-name', `'${name}' is not a valid environment variable name`, { hint: 'use letters, digits and _ (not starting with a digit)' });
}

export const envFamily: MagicFamily = {
  name: 'core.env',
  magics: [{
    name: 'env',
    kind: 'line',
    summary: 'list, get, set or unset environment variables of the kernel',
    usage: '%env | %env VAR | %env VAR=value | %env VAR value | %env -u VAR',
    flags: [{ name: 'unset', alias: 'u', type: 'string', help: 'remove this variable' }],
    positionals: [{ name: 'assignment', help: 'VAR, VAR=value or VAR value', optional: true, rest: true }],
    run(args, ctx) {
      const unset = args.str('unset');
      if (unset !== undefined) {
        checkName(unset);
        delete process.env[unset];
        ctx.stdout(`env: ${unset} unset\n`);
        return new MagicOutput(undefined, undefined);
      }
      const a = args.pos('assignment');
      if (!a) {
        const env = Object.fromEntries(Object.entries(process.env).sort(([x], [y]) => x.localeCompare(y))) as Record<string, string>;
        const rows = Object.entries(env).map(([name, value]) => ({ name, value: SECRET.test(name) ? '<hidden>' : value }));
        return new MagicOutput(env, table(rows, { maxRows: 1000 }));
      }
      const m = /^([^=\s]+)\s*(?:=\s*|\s+)([\s\S]*)$/.exec(a);
      if (!m) {
        checkName(a);
        const v = process.env[a];
        if (v === undefined) {
          throw new BwvmError('env-unset', `environment variable ${a} is not set.${didYouMean(a, Object.keys(process.env))}`, { hint: `set it with %env ${a}=VALUE` });
        }
        return v;
      }
      const [, name, raw] = m as unknown as [string, string, string];
      checkName(name);
      const value = /^(['"])[\s\S]*\1$/.test(raw.trim()) ? raw.trim().slice(1, -1) : raw.trim();
      process.env[name] = value;
      ctx.stdout(`env: ${name}=${value}\n`);
      return new MagicOutput(value, undefined);
    },
  }],
};
