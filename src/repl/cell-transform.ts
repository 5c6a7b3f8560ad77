// Rewrites one TypeScript cell into a script for the persistent vm context, line for line:
// top-level declarations become global `var`s (so later cells see them and may redeclare
// consts), imports read modules preloaded by the REPL, cells with top-level await run in an
// async wrapper, and the last expression statement's value is returned. Rewrites that start a
// statement with `(` put a `;` before it, so the previous line cannot swallow it as a call.
//
// Value rule: a cell has a value when its last runtime statement is an expression statement
// that does NOT end with `;` (IPython convention: a trailing semicolon suppresses the output).
import type * as TS from 'typescript';
import { EditList } from './edits.js';
import { eraseTypes, HELPER } from './erase-types.js';
import { cellStatements, getTs, parseCell, parseDiagnostics, type Ts } from './ts-loader.js';

export interface CellPlan {
  /** The script to run (same line numbers as the cell). */
  js: string;
  /** True when the cell uses top-level await and runs in an async wrapper. */
  isAsync: boolean;
  hasValue: boolean;
  /** Static imports the REPL must load before running the script; `line` is 0-based in the cell. */
  imports: { spec: string; line: number }[];
  /** Top-level declaration statements (TypeScript source) for the language service's history. */
  declarations: { text: string; names: string[] }[];
}

/** A syntax error at `pos` (offset in the cell). */
export class CellSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = 'CellSyntaxError';
  }
}

export function transformCell(code: string): CellPlan {
  const ts = getTs();
  const sf = parseCell(code);
  const diag = parseDiagnostics(sf)[0];
  if (diag) throw new CellSyntaxError(ts.flattenDiagnosticMessageText(diag.messageText, '\n'), Math.min(diag.start, code.length));
  const statements = cellStatements(sf);
  const isAsync = statements.some((s) => hasTopLevelAwait(ts, s));
  const edits = new EditList(sf.text);
  const skip = new Set<TS.Node>();
  const hoisted: string[] = [];
  const innerPrefix: string[] = [];
  const imports: CellPlan['imports'] = [];
  const declarations: CellPlan['declarations'] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const varKw = isAsync ? '' : 'var ';

  for (const st of statements) {
    const names = declaredNames(ts, st);
    if (names.length > 0) declarations.push({ text: st.getFullText(sf), names });
    if (isAmbient(ts, st)) continue; // blanked by the eraser
    if (needsFallback(ts, st)) {
      skip.add(st);
      hoisted.push(...names);
      edits.replace(st.getStart(sf), st.end, transpileStatement(ts, sf.text.slice(st.getStart(sf), st.end), names, isAsync));
    } else if (ts.isVariableStatement(st)) {
      const list = st.declarationList;
      const kwStart = list.getStart(sf);
      const kw = sf.text.slice(kwStart).match(/^(const|let|var)\b/)?.[1];
      if (!kw) continue; // `using` declarations stay block scoped
      hoisted.push(...names);
      edits.replace(kwStart, kwStart + kw.length, (isAsync ? ';(' : 'var').padEnd(kw.length));
      for (const d of list.declarations) if (!d.initializer && kw !== 'var') edits.insert(d.end, ' = void 0');
      if (isAsync) edits.insert(list.end, ')');
    } else if (ts.isFunctionDeclaration(st) && st.name && st.body) {
      hoisted.push(st.name.text);
      if (isAsync) innerPrefix.push(`${HELPER}.g.${st.name.text} = ${st.name.text};`);
    } else if (ts.isClassDeclaration(st) && st.name) {
      hoisted.push(st.name.text);
      edits.insert(st.getStart(sf), `${varKw}${st.name.text} = `);
      edits.insert(st.end, ';');
    } else if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly) {
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      imports.push({ spec, line: lineOf(st.getStart(sf)) });
      hoisted.push(...names);
      edits.replace(st.getStart(sf), st.end, importStatement(ts, st, spec, isAsync));
    } else if (ts.isImportEqualsDeclaration(st) && !st.isTypeOnly) {
      hoisted.push(st.name.text);
      const ref = st.moduleReference;
      let rhs: string;
      if (ts.isExternalModuleReference(ref)) {
        const spec = (ref.expression as TS.StringLiteral).text;
        imports.push({ spec, line: lineOf(st.getStart(sf)) });
        rhs = `${HELPER}.req(${JSON.stringify(spec)})`;
      } else {
        rhs = ref.getText(sf);
      }
      edits.replace(st.getStart(sf), st.end, isAsync ? `;(${st.name.text} = ${rhs});` : `var ${st.name.text} = ${rhs};`);
    }
  }

  if (isAsync) {
    for (const st of statements) if (!skip.has(st) && !ts.isVariableStatement(st)) hoisted.push(...unwrapNestedVars(ts, sf, st, edits));
  }
  const runtime = statements.filter((s) => !isTypeOnlyStatement(ts, s));
  const last = runtime[runtime.length - 1];
  const hasValue = !!last && ts.isExpressionStatement(last) && !last.getText(sf).endsWith(';') && !skip.has(last);
  if (hasValue && isAsync) {
    const expr = (last as TS.ExpressionStatement).expression;
    edits.insert(expr.getStart(sf), 'return (');
    edits.insert(expr.end, ')');
  }
  eraseTypes(ts, sf, edits, skip);
  let js = edits.apply();
  if (isAsync) {
    const decl = hoisted.length ? `var ${[...new Set(hoisted)].join(', ')}; ` : '';
    js = `${decl}(async () => { ${innerPrefix.join(' ')}${js}\n})()`;
  }
  return { js, isAsync, hasValue, imports, declarations };
}

function importStatement(ts: Ts, st: TS.ImportDeclaration, spec: string, isAsync: boolean): string {
  const call = `${HELPER}.imp(${JSON.stringify(spec)})`;
  const clause = st.importClause;
  if (!clause) return `${call};`;
  const assigns: string[] = [];
  const props: string[] = [];
  const nb = clause.namedBindings;
  let target: string;
  if (nb && ts.isNamespaceImport(nb)) {
    target = nb.name.text;
    if (clause.name) assigns.push(`${clause.name.text} = ${target}.default`);
  } else {
    if (clause.name) props.push(`default: ${clause.name.text}`);
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        if (el.isTypeOnly) continue;
        const key = el.propertyName ? (ts.isStringLiteral(el.propertyName) ? JSON.stringify(el.propertyName.text) : el.propertyName.text) : el.name.text;
        props.push(`${key}: ${el.name.text}`);
      }
    }
    if (props.length === 0) return `${call};`;
    target = `{${props.join(', ')}}`;
  }
  const body = [`${target} = ${call}`, ...assigns].join(', ');
  return isAsync ? `;(${body});` : `var ${body};`;
}

/** Emit a statement with non-erasable syntax through TypeScript, as one line of global vars. */
function transpileStatement(ts: Ts, text: string, names: string[], isAsync: boolean): string {
  let out = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
  }).outputText;
  out = out.replace(/^export \{\};?\s*$/gm, '').replace(/^export (default )?/gm, '');
  for (const n of names) {
    out = out.replace(new RegExp(`^(?:var|let|const) ${n}\\b`, 'gm'), isAsync ? n : `var ${n}`);
  }
  return out.trim();
}

/** In an async cell, `var`s nested in top-level blocks/loops must still become globals. */
function unwrapNestedVars(ts: Ts, sf: TS.SourceFile, node: TS.Node, edits: EditList): string[] {
  const names: string[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) {
      const start = n.getStart(sf);
      n.declarations.forEach((d) => names.push(...bindingNames(ts, d.name)));
      const inStatement = ts.isVariableStatement(n.parent);
      edits.replace(start, start + 3, inStatement ? 'void (' : '   '); // `if (c) var x` stays one statement
      if (inStatement) edits.insert(n.end, ')');
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

function bindingNames(ts: Ts, n: TS.BindingName): string[] {
  if (ts.isIdentifier(n)) return [n.text];
  return n.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : bindingNames(ts, el.name)));
}

function hasTopLevelAwait(ts: Ts, node: TS.Node): boolean {
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (c) => hasTopLevelAwait(ts, c) || undefined) ?? false;
}

function needsFallback(ts: Ts, node: TS.Node): boolean {
  if (ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node) || ts.isDecorator(node)) return true;
  if (node.kind === ts.SyntaxKind.AccessorKeyword) return true; // auto-accessors: not in V8 yet
  return ts.forEachChild(node, (c) => needsFallback(ts, c) || undefined) ?? false;
}

function isAmbient(ts: Ts, st: TS.Statement): boolean {
  return ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
}

function isTypeOnlyStatement(ts: Ts, st: TS.Statement): boolean {
  return ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEmptyStatement(st) || isAmbient(ts, st)
    || ts.isExportDeclaration(st) || (ts.isImportDeclaration(st) && !!st.importClause?.isTypeOnly)
    || (ts.isFunctionDeclaration(st) && !st.body);
}

/** Value and type names a top-level statement declares. */
export function declaredNames(ts: Ts, st: TS.Statement): string[] {
  const out: string[] = [];
  const bind = (n: TS.BindingName) => {
    if (ts.isIdentifier(n)) out.push(n.text);
    else for (const el of n.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach((d) => bind(d.name));
  else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) out.push(st.name.text);
  else if (ts.isEnumDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) out.push(st.name.text);
  else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) out.push(st.name.text);
  else if (ts.isImportEqualsDeclaration(st)) out.push(st.name.text);
  else if (ts.isImportDeclaration(st) && st.importClause) {
    const c = st.importClause;
    if (c.name) out.push(c.name.text);
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) out.push(nb.name.text);
    else if (nb) nb.elements.forEach((e) => out.push(e.name.text));
  }
  return out;
}
