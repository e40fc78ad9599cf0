/** Prometheus metrics, served on GET /metrics. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency, from first byte read to response end",
    labelNames: ["route", "method", "status"] as const,
    // Sub-millisecond buckets: a single-row prediction takes well under 1 ms.
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  readonly requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route, method and status",
    labelNames: ["route", "method", "status"] as const,
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
