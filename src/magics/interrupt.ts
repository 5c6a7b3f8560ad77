// Interrupts: the KeyboardInterrupt error a cell ends with, and helpers that turn an aborted
// signal into it (checks, and racing a promise that may ignore the signal).

export class KeyboardInterrupt extends Error {
  constructor(message = 'interrupted by the user') {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new KeyboardInterrupt();
}

/** Resolves like `p`, or rejects with KeyboardInterrupt as soon as `signal` aborts. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(new KeyboardInterrupt());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new KeyboardInterrupt());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
