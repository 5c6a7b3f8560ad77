// Completions and hover info for cells, from the TypeScript language service over a virtual
// project: one notebook file (declarations of every earlier successful cell + the current cell)
// and one .d.ts of the globals the kernel injects. Built lazily: the first query pays for it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TS from 'typescript';
import type { CompleteResult, InspectResult } from '../jupyter/executor-api.js';
import { getTs, MODULE_SUFFIX } from './ts-loader.js';

interface HistoryEntry { text: string; names: string[] }

const IDENT = /[\p{ID_Continue}$\u200c\u200d]/u;

export class CellLanguageService {
  private ls: TS.LanguageService | undefined;
  private history: HistoryEntry[] = [];
  private globalsDts = '';
  private notebook = '';
  private version = 0;
  private globalsVersion = 0;
  private readonly diskCache = new Map<string, TS.IScriptSnapshot | undefined>();
  private readonly notebookFile: string;
  private readonly globalsFile: string;

  constructor(private readonly cwd: string, private readonly root: string) {
    this.notebookFile = join(cwd, '__bwvm_notebook__.ts');
    this.globalsFile = join(cwd, '__bwvm_globals__.d.ts');
  }

  /** Remember the declarations of a cell that ran (later ones replace same-named earlier ones). */
  addHistory(entries: HistoryEntry[]): void {
    const fresh = new Set(entries.flatMap((e) => e.names));
    this.history = this.history.filter((h) => !h.names.every((n) => fresh.has(n)));
    this.history.push(...entries);
  }

  addDeclarations(dts: string): void {
    this.globalsDts += `${dts}\n`;
    this.globalsVersion++;
  }

  reset(): void {
    this.history = [];
    this.version++;
  }

  /** Build the service and its program now (e.g. while the kernel is idle). */
  prepare(): void {
    this.query('', 0, (ls, file, pos) => ls.getCompletionsAtPosition(file, pos, {}));
  }

  complete(code: string, cursor: number): CompleteResult {
    let start = cursor;
    while (start > 0 && IDENT.test(code[start - 1]!)) start--;
    const word = code.slice(start, cursor);
    const info = this.query(code, cursor, (ls, file, pos) => ls.getCompletionsAtPosition(file, pos, { includeCompletionsWithInsertText: true }));
    const lower = word.toLowerCase();
    const entries = (info?.entries ?? [])
      .filter((e) => e.name.toLowerCase().startsWith(lower) && e.kind !== 'warning')
      .sort((a, b) => Number(!a.name.startsWith(word)) - Number(!b.name.startsWith(word)) || a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
      .slice(0, 1000);
    return {
      matches: entries.map((e) => e.name),
      cursor_start: start,
      cursor_end: cursor,
      metadata: { _jupyter_types_experimental: entries.map((e) => ({ start, end: cursor, text: e.name, type: e.kind })) },
    };
  }

  inspect(code: string, cursor: number): InspectResult {
    const ts = getTs();
    const at = (c: number) => this.query(code, c, (ls, file, pos) => ls.getQuickInfoAtPosition(file, pos));
    const info = at(cursor) ?? (cursor > 0 ? at(cursor - 1) : undefined);
    if (!info) return { found: false, data: {}, metadata: {} };
    const sig = ts.displayPartsToString(info.displayParts);
    const doc = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trimEnd());
    const plain = [sig, doc, tags.join('\n')].filter(Boolean).join('\n\n');
    const markdown = ['```ts\n' + sig + '\n```', doc, tags.join('\n\n')].filter(Boolean).join('\n\n');
    return { found: true, data: { 'text/plain': plain, 'text/markdown': markdown }, metadata: {} };
  }

  private query<T>(code: string, cursor: number, fn: (ls: TS.LanguageService, file: string, pos: number) => T): T {
    const prefix = this.history.map((h) => h.text).join('\n') + '\n';
    // Magic lines (`%cmd ...`) are not TypeScript: blank them, keeping offsets.
    const cell = code.replace(/^([ \t]*)%.*$/gm, (m) => ' '.repeat(m.length));
    this.notebook = prefix + cell + MODULE_SUFFIX;
    this.version++;
    return fn(this.service(), this.notebookFile, prefix.length + cursor);
  }

  private service(): TS.LanguageService {
    if (this.ls) return this.ls;
    const ts = getTs();
    const options: TS.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(this.cwd, 'node_modules', '@types'), join(this.root, 'node_modules', '@types')],
      paths: {
        bwvm: [join(this.root, 'dist', 'index.d.ts')],
        '*': [join(this.cwd, 'node_modules', '*'), join(this.root, 'node_modules', '*')],
      },
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
    };
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => [this.globalsFile, this.notebookFile],
      getScriptVersion: (f) => (f === this.notebookFile ? String(this.version) : f === this.globalsFile ? String(this.globalsVersion) : '1'),
      getScriptSnapshot: (f) => {
        if (f === this.notebookFile) return ts.ScriptSnapshot.fromString(this.notebook);
        if (f === this.globalsFile) return ts.ScriptSnapshot.fromString(this.globalsDts);
        if (!this.diskCache.has(f)) this.diskCache.set(f, existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined);
        return this.diskCache.get(f);
      },
      getCurrentDirectory: () => this.cwd,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === this.notebookFile || f === this.globalsFile || ts.sys.fileExists(f),
      readFile: (f) => (f === this.notebookFile ? this.notebook : f === this.globalsFile ? this.globalsDts : ts.sys.readFile(f)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    this.ls = ts.createLanguageService(host, ts.createDocumentRegistry());
    return this.ls;
  }
}
