// The contract between the protocol layer (KernelServer) and whatever runs cells.
// The kernel server only knows this interface; the composition root (src/main) plugs in
// the real executor (in a child process) and tests plug in fakes.

/** MIME bundle: mime type -> data (string for text types, JSON value for json types). */
export type MimeBundle = Record<string, unknown>;

/** Output produced while a request runs; the server publishes each on iopub, in order, before idle. */
export type ExecutorEvent =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } }
  | { type: 'update_display_data'; data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id: string } }
  | { type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown> }
  | { type: 'clear_output'; wait: boolean }
  | { type: 'comm_open'; comm_id: string; target_name: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }
  | { type: 'comm_msg'; comm_id: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }
  | { type: 'comm_close'; comm_id: string; data: Record<string, unknown> };

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  /** The execution count this cell gets (already incremented by the server when store_history). */
  executionCount: number;
}

export interface ExecuteOutcome {
  status: 'ok' | 'error';
  /** For status 'error'. */
  ename?: string;
  evalue?: string;
  traceback?: string[];
  /** user_expressions results, keyed like the request: {status:'ok', data, metadata} or an error dict. */
  userExpressions: Record<string, unknown>;
  payload: Record<string, unknown>[];
}

export interface CompleteResult {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface IsCompleteResult {
  status: 'complete' | 'incomplete' | 'invalid' | 'unknown';
  indent?: string;
}

/** Channel back to the front end during a request. */
export interface RequestContext {
  /** Publish output on iopub (parented to the current request). Never throws. */
  emit(ev: ExecutorEvent): void;
  /** Ask the front end for input on stdin (rejects when the request has allow_stdin=false). */
  input(prompt: string, password: boolean): Promise<string>;
}

/** Everything the kernel server asks of the cell runner. Every method may be slow (async). */
export interface Executor {
  /** Resolves once the executor can run cells (e.g. child process up). */
  ready(): Promise<void>;
  execute(req: ExecuteRequest, ctx: RequestContext): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** Comms: messages from the front end. Events the executor sends go through ctx.emit. */
  commOpen(commId: string, targetName: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void>;
  commMsg(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void>;
  commClose(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void>;
  /** Open comms: comm_id -> target_name. */
  commInfo(targetName?: string): Promise<Record<string, { target_name: string }>>;
  /** Stop the running request as soon as possible (runaway loops included); state survives. */
  interrupt(): Promise<void>;
  /** Fresh state (restart=true keeps the process model but drops all user state). */
  restart(): Promise<void>;
  shutdown(): Promise<void>;
}
