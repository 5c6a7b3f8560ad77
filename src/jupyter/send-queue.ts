// One ordered send queue per socket: zeromq 6 allows a single in-flight send per socket (more
// un-awaited sends fail with EBUSY), so every send goes through here and is awaited in order.
export interface SendableSocket {
  send(frames: Buffer[]): Promise<void>;
}

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  private inFlight = 0;
  /** Messages that could not be sent (socket closed...), reported to onError. */
  failed = 0;

  constructor(private readonly sock: SendableSocket, private readonly onError: (e: unknown) => void = () => undefined) {}

  /** Enqueue `frames`; resolves once ZeroMQ has queued them (never rejects). */
  send(frames: Buffer[]): Promise<void> {
    this.inFlight++;
    const next = this.tail.then(() => this.sock.send(frames)).catch((e: unknown) => {
      this.failed++;
      this.onError(e);
    }).finally(() => { this.inFlight--; });
    this.tail = next;
    return next;
  }

  /** Resolves when everything enqueued so far has been handed to ZeroMQ. */
  drain(): Promise<void> {
    return this.tail;
  }

  get pending(): number {
    return this.inFlight;
  }
}
