// Errors as data: every error bwvm raises for a user carries a string code, a message
// naming the problem, and (where there is one) a hint naming the fix.

export class BwvmError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, opts: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(opts.hint ? `${message}\n  hint: ${opts.hint}` : message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BwvmError';
    this.code = code;
    if (opts.hint !== undefined) this.hint = opts.hint;
    if (opts.details !== undefined) this.details = opts.details;
  }
}

/** True when `e` is a BwvmError, optionally with the given code. */
export function isBwvmError(e: unknown, code?: string): e is BwvmError {
  return e instanceof BwvmError && (code === undefined || e.code === code);
}

/** Message of any thrown value, for logs and tracebacks. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
