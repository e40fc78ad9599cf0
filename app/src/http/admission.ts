/**
 * Admission control for prediction requests: a bound on requests in flight and
 * on body bytes held (request bodies while read and queued, response bodies
 * until the client has taken them). Decided before the body is read, so an
 * overloaded server answers 503 at once instead of buffering what it cannot serve.
 */
import type { Metrics } from "../observability/metrics";

export type ShedReason = "in_flight" | "body_bytes" | "connections" | "draining";

export interface Ticket {
  /** Counts more held bytes; false when that goes over the budget (the caller then sheds). */
  hold(bytes: number): boolean;
  /** Gives back held bytes (a request body once handed to a worker). */
  drop(bytes: number): void;
  release(): void;
}

export class Admission {
  private inFlight = 0;
  private bytes = 0;

  constructor(
    readonly maxInFlight: number,
    readonly maxBytes: number,
    private readonly metrics: Metrics,
  ) {}

  get current(): { inFlight: number; bytes: number } {
    return { inFlight: this.inFlight, bytes: this.bytes };
  }

  /** `declared`: the Content-Length, held up front so a burst of large uploads is refused before any is read. */
  admit(declared: number): Ticket | ShedReason {
    if (this.inFlight >= this.maxInFlight) return this.shed("in_flight");
    // One request alone may always use the whole budget; MAX_BODY_BYTES bounds it.
    if (this.inFlight > 0 && this.bytes + declared > this.maxBytes) return this.shed("body_bytes");
    this.inFlight++;
    this.metrics.admitted.inc();
    this.metrics.inFlight.set(this.inFlight);
    let held = 0;
    let released = false;
    const change = (delta: number) => {
      held += delta;
      this.bytes += delta;
      this.metrics.bufferedBytes.set(this.bytes);
    };
    change(declared);
    return {
      hold: (bytes) => {
        change(bytes);
        return this.inFlight === 1 || this.bytes <= this.maxBytes;
      },
      drop: (bytes) => change(-Math.min(bytes, held)),
      release: () => {
        if (released) return;
        released = true;
        change(-held);
        this.inFlight--;
        this.metrics.inFlight.set(this.inFlight);
      },
    };
  }

  shed(reason: ShedReason): ShedReason {
    this.metrics.shed.labels(reason).inc();
    return reason;
  }
}
