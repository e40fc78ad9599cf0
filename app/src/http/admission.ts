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

/** One admitted request's share: one object, not a closure per method. */
class AdmittedTicket implements Ticket {
  private held = 0;
  private released = false;

  constructor(
    private readonly admission: Admission,
    declared: number,
  ) {
    this.change(declared);
  }

  private change(delta: number): void {
    this.held += delta;
    this.admission.bytes += delta;
  }

  hold(bytes: number): boolean {
    this.change(bytes);
    return this.admission.inFlight === 1 || this.admission.bytes <= this.admission.maxBytes;
  }

  drop(bytes: number): void {
    this.change(-Math.min(bytes, this.held));
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.change(-this.held);
    this.admission.inFlight--;
  }
}

export class Admission {
  /** Read by tickets; the gauges read them when /metrics is scraped instead of being set on every change. */
  inFlight = 0;
  bytes = 0;

  constructor(
    readonly maxInFlight: number,
    readonly maxBytes: number,
    private readonly metrics: Metrics,
  ) {
    metrics.sources.inFlight = () => this.inFlight;
    metrics.sources.bufferedBytes = () => this.bytes;
  }

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
    return new AdmittedTicket(this, declared);
  }

  shed(reason: ShedReason): ShedReason {
    this.metrics.shed.labels(reason).inc();
    return reason;
  }
}
