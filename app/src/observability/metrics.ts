/**
 * Prometheus metrics, served on GET /metrics. Besides request counts and
 * latency: in-flight requests, admitted versus shed, queueing time before a
 * worker starts, client aborts (apart from 5xx), refused model output, dropped
 * log lines, evicted connections; event-loop lag comes with the default
 * metrics (nodejs_eventloop_lag_*).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency, from the request's headers being parsed (the main thread never runs inference, so that is its arrival, within nodejs_eventloop_lag) to the response's end",
    labelNames: ["route", "method", "status"] as const,
    // Sub-millisecond buckets: a single-row prediction takes well under 1 ms.
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by route, method and status (client aborts are counted apart)",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });


  readonly admitted = new Counter({
    name: "http_requests_admitted_total",
    help: "Prediction requests admitted",
    registers: [this.registry],
  });

  readonly shed = new Counter({
    name: "http_requests_shed_total",
    help: "Prediction requests refused with 503 before their body was read, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly clientAborts = new Counter({
    name: "http_client_aborts_total",
    help: "Requests whose client disconnected before the response was sent (not server errors)",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });

  readonly connectionsEvicted = new Counter({
    name: "http_connections_evicted_total",
    help: "Connections closed to keep room for health checks (idle keep-alives, unfinished headers, unread responses), by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly connections = new Gauge({
    name: "http_open_connections",
    help: "Open client connections",
    registers: [this.registry],
  });

  readonly queueDuration = new Histogram({
    name: "inference_queue_seconds",
    help: "Time from a prediction job's hand-off to a worker thread until the worker starts it",
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1, 5],
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: "model_inference_duration_seconds",
    help: "Time spent in one onnxruntime call",
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1],
    registers: [this.registry],
  });

  readonly predictedRows = new Counter({
    name: "model_predicted_rows_total",
    help: "Rows predicted",
    registers: [this.registry],
  });

  readonly invalidOutput = new Counter({
    name: "model_invalid_output_total",
    help: "Requests answered 500 because the model's probabilities were outside [0, 1] or did not sum to 1",
    registers: [this.registry],
  });


  readonly workerRestarts = new Counter({
    name: "inference_worker_restarts_total",
    help: "Inference worker threads that exited and were replaced",
    registers: [this.registry],
  });

  /** Labelled children by route, method and status: prom-client's labels() hashes its arguments on every call. */
  private readonly answeredSeries = new Map<string, { duration: Histogram.Internal<string>; count: Counter.Internal }>();

  /** One answered request: its latency and its count. */
  answered(route: string, method: string, status: string, seconds: number): void {
    const key = `${route} ${method} ${status}`;
    let series = this.answeredSeries.get(key);
    if (!series) {
      series = { duration: this.requestDuration.labels(route, method, status), count: this.requests.labels(route, method, status) };
      this.answeredSeries.set(key, series);
    }
    series.duration.observe(seconds);
    series.count.inc();
  }

  /**
   * Read when /metrics is scraped; server.ts points the first two at the logger and the pool, admission.ts the
   * last two at its counts (which change five times a request: a gauge set on each change is a prom-client call each).
   */
  readonly sources = { droppedLogLines: () => 0, readyWorkers: () => 0, inFlight: () => 0, bufferedBytes: () => 0 };

  private defaultsStarted = false;

  /**
   * prom-client's process and runtime metrics (event-loop lag, GC, heap...). Started once the model is ready:
   * setting them up costs a few ms that would otherwise delay the first answer.
   */
  startDefaultMetrics(): void {
    if (this.defaultsStarted) return;
    this.defaultsStarted = true;
    collectDefaultMetrics({ register: this.registry });
  }

  constructor() {
    const sources = this.sources;
    this.gaugeReadAtScrape("http_requests_in_flight", "Prediction requests admitted and not yet answered", () => sources.inFlight());
    this.gaugeReadAtScrape("http_buffered_body_bytes", "Request and response body bytes held for admitted requests", () => sources.bufferedBytes());
    this.gaugeReadAtScrape(
      "log_lines_dropped_total",
      "Log lines dropped because stdout was stalled and the log buffer (LOG_BUFFER_BYTES) was full",
      () => sources.droppedLogLines(),
    );
    this.gaugeReadAtScrape("inference_workers_ready", "Inference worker threads with the model loaded", () => sources.readyWorkers());
  }

  /** A gauge whose value is read from `read` when /metrics is scraped, not kept up to date per request. */
  private gaugeReadAtScrape(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
