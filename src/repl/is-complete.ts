// is_complete for a TypeScript cell: 'incomplete' when more lines could finish it (open
// brackets, template literal or block comment, trailing operator), 'invalid' when they cannot
// (unmatched closer, a syntax error before the end), else 'complete'.
import type * as TS from 'typescript';
import type { IsCompleteResult } from '../jupyter/executor-api.js';
import { getTs, parseCell, parseDiagnostics } from './ts-loader.js';

const OPENERS: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
const INDENT = '  ';

export function isComplete(code: string): IsCompleteResult {
  if (code.trim() === '') return { status: 'complete' };
  // Magic cells (`%cmd`, `%%cell`) are complete as typed; the magic parser judges them.
  if (/^\s*%/.test(code)) return { status: 'complete' };
  const ts = getTs();
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, code);
  const stack: string[] = [];
  let last: TS.SyntaxKind = K.Unknown;
  let unterminated = false;
  for (let tok = scanner.scan(); tok !== K.EndOfFileToken; tok = scanner.scan()) {
    if (tok === K.WhitespaceTrivia || tok === K.NewLineTrivia || tok === K.SingleLineCommentTrivia) continue;
    if (tok === K.MultiLineCommentTrivia) {
      if (scanner.isUnterminated()) unterminated = true;
      continue;
    }
    if (tok === K.SlashToken || tok === K.SlashEqualsToken) {
      if (!endsOperand(ts, last)) tok = scanner.reScanSlashToken();
    }
    const text = scanner.getTokenText();
    if (tok === K.TemplateHead) stack.push('${');
    else if (tok === K.NoSubstitutionTemplateLiteral || tok === K.StringLiteral) {
      if (scanner.isUnterminated()) {
        if (tok === K.StringLiteral) return { status: 'invalid' };
        unterminated = true;
      }
    } else if (text in OPENERS) stack.push(text);
    else if (tok === K.CloseBraceToken && stack[stack.length - 1] === '${') {
      stack.pop();
      const t = scanner.reScanTemplateToken(false);
      if (t === K.TemplateMiddle) stack.push('${');
      else if (scanner.isUnterminated()) unterminated = true;
    } else if (text === '}' || text === ')' || text === ']') {
      const open = stack.pop();
      if (!open || OPENERS[open] !== text) return { status: 'invalid' };
    }
    last = tok;
  }
  const lines = code.split('\n');
  const lastLine = lines[lines.length - 1] ?? '';
  const base = lastLine.match(/^\s*/)![0];
  if (unterminated) return { status: 'incomplete', indent: '' };
  if (stack.length > 0) {
    const opensHere = /[{([]\s*$/.test(lastLine);
    return { status: 'incomplete', indent: opensHere ? base + INDENT : base };
  }
  // A syntax error only at the very end (`1 +`, `foo.`, `x =>`) is one more line can fix.
  const end = code.trimEnd().length;
  const diags = parseDiagnostics(parseCell(code));
  if (diags.length === 0) return { status: 'complete' };
  return diags.every((d) => d.start >= end) ? { status: 'incomplete', indent: base + INDENT } : { status: 'invalid' };
}

/** After these tokens a `/` is division, not the start of a regular expression. */
function endsOperand(ts: typeof TS, k: TS.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  return k === K.Identifier || k === K.NumericLiteral || k === K.StringLiteral || k === K.CloseParenToken
    || k === K.CloseBracketToken || k === K.CloseBraceToken || k === K.ThisKeyword || k === K.TemplateTail
    || k === K.NoSubstitutionTemplateLiteral || k === K.BigIntLiteral;
}
