// Where the REPL's language service runs: in this thread (tests, simple embeddings) or in a
// worker thread (the kernel's executor process, so a cold build never stalls a cell or an
// interrupt). Both answer the same async interface; the worker is started on first query.
import { Worker } from 'node:worker_threads';
import type { CompleteResult, InspectResult } from '../jupyter/executor-api.js';
import { CellLanguageService } from './language-service.js';

type Op = 'addHistory' | 'addDeclarations' | 'reset' | 'prepare' | 'complete' | 'inspect';
/** id 0 = no answer wanted. */
export interface LanguageRequest { id: number; op: Op; args: unknown[] }
export interface LanguageResponse { id: number; value?: unknown; error?: string }
type HistoryEntry = { text: string; names: string[] };

export interface LanguageBackend {
  addHistory(entries: HistoryEntry[]): void;
  addDeclarations(dts: string): void;
  reset(): void;
  /** Start building now; resolves when the service is ready. */
  prepare(): Promise<void>;
  complete(code: string, cursor: number): Promise<CompleteResult>;
  inspect(code: string, cursor: number): Promise<InspectResult>;
  /** True once the service (the expensive part) has been created. */
  readonly started: boolean;
}

export class InThreadLanguage implements LanguageBackend {
  private svc: CellLanguageService;
  started = false;
  constructor(cwd: string, root: string) {
    this.svc = new CellLanguageService(cwd, root);
  }
  addHistory(entries: HistoryEntry[]): void { this.svc.addHistory(entries); }
  addDeclarations(dts: string): void { this.svc.addDeclarations(dts); }
  reset(): void { this.svc.reset(); }
  async prepare(): Promise<void> { this.started = true; this.svc.prepare(); }
  async complete(code: string, cursor: number): Promise<CompleteResult> { this.started = true; return this.svc.complete(code, cursor); }
  async inspect(code: string, cursor: number): Promise<InspectResult> { this.started = true; return this.svc.inspect(code, cursor); }
}

export class WorkerLanguage implements LanguageBackend {
  private worker: Worker | undefined;
  /** Everything the service must know, replayed into a (re)started worker. */
  private log: LanguageRequest[] = [];
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(private readonly cwd: string, private readonly root: string) {}

  get started(): boolean { return this.worker !== undefined; }

  addHistory(entries: HistoryEntry[]): void { this.tell({ id: 0, op: 'addHistory', args: [entries] }); }
  addDeclarations(dts: string): void { this.tell({ id: 0, op: 'addDeclarations', args: [dts] }); }
  reset(): void {
    this.log = this.log.filter((r) => r.op === 'addDeclarations');
    this.worker?.postMessage({ id: 0, op: 'reset', args: [] } satisfies LanguageRequest);
  }
  async prepare(): Promise<void> { await this.ask('prepare', []); }
  complete(code: string, cursor: number): Promise<CompleteResult> { return this.ask('complete', [code, cursor]) as Promise<CompleteResult>; }
  inspect(code: string, cursor: number): Promise<InspectResult> { return this.ask('inspect', [code, cursor]) as Promise<InspectResult>; }

  private tell(req: LanguageRequest): void {
    this.log.push(req);
    this.worker?.postMessage(req);
  }

  private ask(op: Op, args: unknown[]): Promise<unknown> {
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, op, args } satisfies LanguageRequest);
    });
  }

  private start(): Worker {
    const w = new Worker(new URL('./language-worker.js', import.meta.url), { workerData: { cwd: this.cwd, root: this.root } });
    w.unref();
    for (const req of this.log) w.postMessage(req);
    w.on('message', (res: LanguageResponse) => {
      const p = this.pending.get(res.id);
      this.pending.delete(res.id);
      if (res.error !== undefined) p?.reject(new Error(`language service: ${res.error}`));
      else p?.resolve(res.value);
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`language service worker ${why}`));
      this.pending.clear();
    };
    w.on('error', (e) => fail(`failed: ${e.message}`));
    w.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = w;
    return w;
  }
}
