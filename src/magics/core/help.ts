// %help NAME (and the `NAME?` / `%NAME?` / `?NAME` syntax): a magic's help page, or the Repl's
// inspection of a TypeScript name; with no NAME, the list of magics.
import { BwvmError } from '../../util/errors.js';
import { helpText, helpValue } from '../help.js';
import { didYouMean } from '../suggest.js';
import { MagicOutput, type MagicContext, type MagicFamily } from '../types.js';

/** Display help for `name`; returns its text. `magicOnly`: written as %name?, so never the Repl. */
export async function showHelp(name: string, magicOnly: boolean, detail: number, ctx: MagicContext): Promise<string> {
  const bare = name.replace(/^%{1,2}/, '');
  const spec = ctx.registry.get(bare);
  if (spec) {
    ctx.display(helpValue(spec));
    return helpText(spec);
  }
  if (!magicOnly && !name.startsWith('%')) {
    const r = await ctx.repl.inspect(bare, bare.length, detail > 1 ? 1 : 0);
    if (r.found) {
      ctx.display({ [Symbol.for('bwvm.mime')]: () => r.data });
      return String(r.data['text/plain'] ?? '');
    }
  }
  const names = ctx.registry.names();
  throw new BwvmError('help-not-found', `no magic or variable named ${name}.${didYouMean(bare, names, (s) => '%' + s)}`, {
    hint: `%lsmagic lists the magics: ${names.map((s) => '%' + s).join(', ')}`,
  });
}

export const helpFamily: MagicFamily = {
  name: 'core.help',
  magics: [{
    name: 'help',
    kind: 'line',
    summary: 'show the help of a magic (also NAME? or %NAME?) or inspect a TypeScript name',
    usage: '%help [NAME]',
    flags: [],
    positionals: [{ name: 'name', help: 'magic name (with or without %) or a TypeScript name', optional: true }],
    async run(args, ctx) {
      const name = args.pos('name');
      if (!name) return ctx.runMagic('lsmagic', '');
      return new MagicOutput(await showHelp(name, false, 1, ctx), undefined);
    },
  }],
};
