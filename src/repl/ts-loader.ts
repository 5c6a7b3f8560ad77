// Lazy access to the `typescript` package (9 MB of JS): loaded on first use so that importing
// the REPL stays cheap, and parsing helpers shared by the transform, isComplete and the LS.
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

export type Ts = typeof TS;

let cached: Ts | undefined;

/** The typescript module (synchronously required on first call). */
export function getTs(): Ts {
  if (!cached) cached = createRequire(import.meta.url)('typescript') as Ts;
  return cached;
}

/** Suffix that makes every cell an ES module, so top-level `await (x)` parses as an await. */
export const MODULE_SUFFIX = '\nexport {};\n';

/** Parse a cell as a module (positions are those of `code`; the suffix only follows it). */
export function parseCell(code: string, fileName = 'cell.ts'): TS.SourceFile {
  const ts = getTs();
  return ts.createSourceFile(
    fileName,
    code + MODULE_SUFFIX,
    { languageVersion: ts.ScriptTarget.ES2022, impliedNodeFormat: ts.ModuleKind.ESNext },
    true,
    ts.ScriptKind.TS,
  );
}

/** The parser's own diagnostics (TypeScript keeps them on an internal field). */
export function parseDiagnostics(sf: TS.SourceFile): readonly TS.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/** The statements of the cell itself (without the module suffix's `export {}`). */
export function cellStatements(sf: TS.SourceFile): readonly TS.Statement[] {
  return sf.statements.slice(0, -1);
}
