// Type erasure by blanking: every TypeScript-only piece of syntax (annotations, generics, `as`,
// `!`, interfaces, modifiers, overloads...) is overwritten with spaces, so the JavaScript that
// runs has the cell's exact lines and columns. Non-erasable syntax (enums, namespaces,
// decorators) is handled per statement by cell-transform.ts, which lists it in `skip`.
import type * as TS from 'typescript';
import type { EditList } from './edits.js';
import type { Ts } from './ts-loader.js';

/** Name of the hidden helper object the rewritten code calls (imports). */
export const HELPER = '__bwvm__';

const ERASED_MODIFIERS = new Set<string>(['public', 'private', 'protected', 'readonly', 'override', 'abstract', 'declare', 'export', 'default', 'in', 'out']);

export function eraseTypes(ts: Ts, sf: TS.SourceFile, edits: EditList, skip: ReadonlySet<TS.Node>): void {
  const K = ts.SyntaxKind;
  const text = sf.text;
  const start = (n: TS.Node) => n.getStart(sf);
  const blankNode = (n: TS.Node) => edits.blank(start(n), n.end);
  /** Blank `: Type` (the colon sits right before the type's full start). */
  const blankAnnotation = (type: TS.TypeNode | undefined) => {
    if (type) edits.blank(type.pos - 1, type.end);
  };
  /** Blank `<...>` around a type parameter / argument list. */
  const blankAngles = (list: TS.NodeArray<TS.Node> | undefined) => {
    if (!list) return;
    let close = skipTrivia(text, list.end);
    while (text[close] === ',') close = skipTrivia(text, close + 1);
    edits.blank(list.pos - 1, close + 1);
  };
  const isStatementLike = (n: TS.Node) => ts.isStatement(n) || ts.isClassElement(n) || ts.isTypeElement(n);
  const hasModifier = (n: TS.Node, kind: TS.SyntaxKind) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);

  const visit = (node: TS.Node): void => {
    if (skip.has(node)) return;
    // Whole nodes that vanish.
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || hasModifier(node, K.DeclareKeyword)
      || ts.isIndexSignatureDeclaration(node) || (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly)
      || (ts.isImportEqualsDeclaration(node) && node.isTypeOnly) || (ts.isExportDeclaration(node))
      || ts.isExportAssignment(node) || ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) && !node.body)
      || (hasModifier(node, K.AbstractKeyword) && ts.isClassElement(node))) {
      if (isStatementLike(node)) edits.blankStatement(start(node), node.end);
      else blankNode(node);
      return;
    }
    if (ts.isModifier(node)) {
      if (ERASED_MODIFIERS.has(ts.tokenToString(node.kind) ?? '')) blankNode(node);
      return;
    }
    if (ts.isExpressionWithTypeArguments(node)) {
      // `implements A, B` vanishes as a clause; `extends Base<T>` keeps Base.
      blankAngles(node.typeArguments);
      visit(node.expression);
      return;
    }
    if (ts.isHeritageClause(node) && node.token === K.ImplementsKeyword) {
      blankNode(node);
      return;
    }
    if (ts.isTypeNode(node)) return; // blanked by its parent
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
      edits.blank(node.expression.end, node.end);
      visit(node.expression);
      return;
    }
    if (ts.isTypeAssertionExpression(node)) {
      edits.blank(start(node), start(node.expression));
      visit(node.expression);
      return;
    }
    if (ts.isNonNullExpression(node)) {
      edits.blank(node.end - 1, node.end);
      visit(node.expression);
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === K.ImportKeyword) {
      edits.replace(start(node.expression), node.expression.end, `${HELPER}.dimp`);
      node.arguments.forEach(visit);
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) {
      blankAngles(node.typeArguments);
    }
    if (ts.isParameter(node)) {
      if (ts.isIdentifier(node.name) && node.name.text === 'this') {
        // `this: T` parameter: blank it with the comma after it.
        const after = skipTrivia(text, node.end);
        edits.blank(start(node), text[after] === ',' ? after + 1 : node.end);
        return;
      }
      if (node.questionToken) blankNode(node.questionToken);
      blankAnnotation(node.type);
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.exclamationToken) blankNode(node.exclamationToken);
      blankAnnotation(node.type);
    }
    if (ts.isPropertyDeclaration(node)) {
      if (node.questionToken) blankNode(node.questionToken);
      if (node.exclamationToken) blankNode(node.exclamationToken);
      blankAnnotation(node.type);
    }
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) {
      blankAngles((node as { typeParameters?: TS.NodeArray<TS.Node> }).typeParameters);
    }
    if (ts.isFunctionLike(node) && node.type) {
      if (ts.isArrowFunction(node) && text.slice(node.type.pos, node.type.end).includes('\n')) {
        // `(a): {\n...} =>`: a line break before `=>` is illegal, so move the `)` next to it.
        const close = text.lastIndexOf(')', node.type.pos - 1);
        edits.blank(close, node.type.end);
        edits.insert(node.type.end, ')');
      } else {
        blankAnnotation(node.type);
      }
    }
    if (ts.isMethodDeclaration(node) && node.questionToken) blankNode(node.questionToken);
    if (ts.isConstructorDeclaration(node) && node.body) addParameterProperties(node);
    ts.forEachChild(node, visit);
  };

  /** `constructor(private x: T)`: assign `this.x = x` at the start of the body (after super()). */
  const addParameterProperties = (ctor: TS.ConstructorDeclaration) => {
    const names = ctor.parameters
      .filter((p) => (ts.getModifiers(p) ?? []).length > 0 && ts.isIdentifier(p.name))
      .map((p) => (p.name as TS.Identifier).text);
    if (names.length === 0 || !ctor.body) return;
    const superCall = ctor.body.statements.find((s) => ts.isExpressionStatement(s)
      && ts.isCallExpression(s.expression) && s.expression.expression.kind === K.SuperKeyword);
    const at = superCall ? superCall.end : ctor.body.getStart(sf) + 1;
    edits.insert(at, (superCall ? ';' : '') + names.map((n) => ` this.${n} = ${n};`).join(''));
  };

  visit(sf);
}

/** Position of the next token at or after `pos` (skips whitespace and comments). */
function skipTrivia(text: string, pos: number): number {
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (text.startsWith('//', pos)) pos = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
    else if (text.startsWith('/*', pos)) pos = text.indexOf('*/', pos) < 0 ? text.length : text.indexOf('*/', pos) + 2;
    else return pos;
  }
}
