/**
 * The node:http request listener: routing, request ids, admission control,
 * error bodies, metrics and one access-log line per request.
 *
 * Order for a body route: 404/405, then Content-Encoding (415), declared size
 * (413), connection reserve and admission (503 + Retry-After), all before a
 * byte of the body is read; only then `100 Continue` when the client asked for it.
 * An early answer discards the rest of the body, so the client reads the
 * answer rather than a reset; with `Expect: 100-continue` nothing was sent,
 * so the connection is closed instead.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config";
import { HttpError } from "../contracts/errors";
import type { AccessLine, Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { Admission, Ticket } from "./admission";
import { checkEncoding, ClientAbort, declaredLength, discardBody, readBody, tooLarge } from "./body";
import type { ConnectionGuard } from "./connections";
import type { Reply, Router } from "./router";
import type { ServerState } from "./routes";

const ID_HEADERS = ["x-request-id", "x-amzn-requestid", "x-amzn-trace-id"] as const;
const ID_PREFIX = `${process.pid.toString(36)}-${Date.now().toString(36)}-`;
let sequence = 0;

function requestId(req: IncomingMessage): string {
  for (const name of ID_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string" && value.length > 0 && value.length <= 200) return value;
  }
  return ID_PREFIX + (++sequence).toString(36);
}

/** Where a request is, for shutdown: still uploading (cut when stalled) or being answered. */
export interface Tracked {
  phase: "headers" | "reading" | "working";
  lastProgress: number;
  res: ServerResponse;
}

/** A request in flight, linked into the listener's list of them. */
class Live implements Tracked {
  phase: Tracked["phase"] = "headers";
  lastProgress = performance.now();
  prev: Live | undefined = undefined;
  next: Live | undefined = undefined;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {}
}

/**
 * The requests in flight, kept in a linked list until shutdown wants them in the shared Map. A Map keyed by
 * short-lived requests is rehashed as they come and go, and V8 links each superseded table to the next: a
 * superseded table already promoted kept the next one, with every request it held, alive through minor GCs,
 * which then copied ~2.4 MB of finished requests each (~5 µs a request, and a mark-compact every ~0.4 s).
 * Unlinking clears the links, so a finished request holds nothing younger than itself.
 */
class LiveList {
  private head: Live | undefined;

  add(live: Live): void {
    live.next = this.head;
    if (this.head) this.head.prev = live;
    this.head = live;
  }

  remove(live: Live): void {
    if (live.prev) live.prev.next = live.next;
    else if (this.head === live) this.head = live.next;
    if (live.next) live.next.prev = live.prev;
    live.prev = live.next = undefined;
  }

  forEach(fn: (live: Live) => void): void {
    for (let live = this.head; live; live = live.next) fn(live);
  }
}

/**
 * Calls `fn` once `state.closing` turns true. shutdown.ts sets it on SIGTERM/SIGINT and reads the shared request
 * Map only afterwards (from timers), so the Map is filled from then on, not kept for every request.
 */
function whenClosing(state: ServerState, fn: () => void): void {
  let closing = state.closing;
  Object.defineProperty(state, "closing", {
    enumerable: true,
    configurable: true,
    get: () => closing,
    set: (value: boolean) => {
      const starting = value && !closing;
      closing = value;
      if (starting) fn();
    },
  });
  if (closing) fn();
}

export interface ListenerDeps {
  router: Router;
  state: ServerState;
  metrics: Metrics;
  logger: Logger;
  /** The info-level access line, written without pino's serialiser (observability/logger.ts). */
  access(line: AccessLine): void;
  config: Config;
  admission: Admission;
  guard: ConnectionGuard;
  /** Requests not yet answered (shutdown reads it). */
  requests: Map<IncomingMessage, Tracked>;
}

const SHED_MESSAGES: Record<string, string> = {
  in_flight: "the server is at its concurrent-request limit (MAX_CONCURRENT_REQUESTS); retry shortly",
  body_bytes: "the server is holding too many request bytes (MAX_BUFFERED_BYTES); retry shortly",
  connections: "the server is at its connection limit; retry shortly",
};

/** A shed request's headers: clients and load balancers that honour it back off for a second. */
const SHED_HEADERS = { "retry-after": "1" };

/** How often the "shedding load" warning is written at most. */
const SHED_LOG_EVERY_MS = 1000;

/**
 * Logs shedding as counts by reason, at most once a SHED_LOG_EVERY_MS: a warning per shed request would flood the
 * log (and spend the CPU the server is short of) exactly when it is busiest; so would an access line each. Every
 * shed request is still counted, in http_requests_shed_total and http_requests_total{status="503"}.
 */
function shedLogger(logger: Logger): (reason: string) => void {
  let counts: Record<string, number> = {};
  let pending: NodeJS.Timeout | undefined;
  const flush = () => {
    pending = undefined;
    logger.warn({ shed: counts, windowMs: SHED_LOG_EVERY_MS }, "shedding load: 503 with Retry-After");
    counts = {};
  };
  return (reason) => {
    counts[reason] = (counts[reason] ?? 0) + 1;
    if (!pending) pending = setTimeout(flush, SHED_LOG_EVERY_MS).unref();
  };
}

export function createListener(deps: ListenerDeps) {
  const { router, state, metrics, logger, access, config, admission, guard, requests } = deps;
  // What a client may still send after an early answer before it is cut off.
  const discardCap = config.maxBodyBytes + 16 * 1024 * 1024;
  const noteShed = shedLogger(logger);
  const live = new LiveList();
  whenClosing(state, () => live.forEach((request) => requests.set(request.req, request)));

  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void => {
    // The clock starts as the request's headers are parsed. The main thread only routes and moves bytes (every
    // prediction runs on a worker), so that is its arrival, give or take the event-loop lag /metrics reports.
    const arrived = performance.now();
    guard.requestStarted(req.socket);
    const id = requestId(req);
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const match = router.match(method, path);
    let label = "unmatched";
    let ticket: Ticket | undefined;
    let bodyStarted = false;
    let continued = false;
    let answered = false;
    const tracked = new Live(req, res);
    live.add(tracked);
    if (state.closing) requests.set(req, tracked);

    res.once("close", () => {
      live.remove(tracked);
      if (state.closing) requests.delete(req);
      ticket?.release();
      guard.requestEnded(req.socket);
      if (!res.writableFinished) {
        // The client went away (or never read its answer): its business, not a 5xx.
        metrics.clientAborts.labels(label).inc();
        if (!answered) logger.info({ reqId: id, method, path, route: label, ms: elapsedMs() }, "client aborted");
      }
    });

    const elapsedMs = () => Math.round((performance.now() - arrived) * 1000) / 1000;

    /** `error` is logged even when access logs are off; a shed request (`shed`) is logged only in noteShed's summary. */
    const send = (reply: Reply, error?: string, shed = false): void => {
      if (res.destroyed || answered) return;
      answered = true;
      const length = Buffer.byteLength(reply.body);
      const headers: Record<string, string | number> = {
        "content-type": reply.contentType ?? "application/json",
        "content-length": length,
        "x-request-id": id,
        ...reply.headers,
      };
      // An early answer to a client waiting for 100 Continue: it will not send the body, so the connection ends here.
      const bodyPending = match.kind === "found" && match.route.body && !req.complete;
      if (state.closing || (bodyPending && expectsContinue && !continued)) headers.connection = "close";
      else {
        // Read what is left, so closing after the answer cannot reset it before the client has read it.
        if (bodyPending && !bodyStarted) discardBody(req, discardCap);
      }
      ticket?.hold(length);
      res.writeHead(reply.status, headers);
      res.end(method === "HEAD" ? undefined : reply.body);
      // The kernel took the whole answer (the common case): nothing is held, so no timer is needed.
      if (!res.writableFinished && (res.socket?.writableLength ?? 0) > 0) {
        // A client that does not read its answer frees its memory and slot after WRITE_TIMEOUT_MS.
        const timer = setTimeout(() => {
          if (res.writableFinished) return;
          metrics.connectionsEvicted.labels("write_timeout").inc();
          res.destroy();
        }, config.writeTimeoutMs);
        timer.unref();
        res.once("finish", () => clearTimeout(timer));
      }

      const status = String(reply.status);
      const ms = elapsedMs();
      metrics.answered(label, method, status, ms / 1000);
      if (error === undefined && (reply.status < 500 || reply.status === 503)) {
        if (config.accessLog && !shed) access({ reqId: id, method, path, route: label, status: reply.status, ms });
      } else {
        const line = { reqId: id, method, path, route: label, status: reply.status, ms, error };
        // Readiness 503 while loading or draining is not an error, and shedding (503) is the server doing its job.
        if (reply.status === 503) (error === undefined ? logger.info : logger.warn).call(logger, line, "request");
        else if (reply.status >= 500) logger.error(line, "request");
        else logger.info(line, "request");
      }
    };

    const fail = (err: unknown): void => {
      if (err instanceof ClientAbort || res.destroyed || req.socket?.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        send({ status: err.status, body: JSON.stringify({ error: err.message, request_id: id }), headers: err.headers }, err.message);
        return;
      }
      // Details stay in the log; the client only gets the request id to quote.
      logger.error({ reqId: id, err }, "unexpected error");
      send({ status: 500, body: JSON.stringify({ error: "internal error", request_id: id }) }, "internal error");
    };

    if (match.kind === "not-found") return fail(new HttpError(404, `no route ${method} ${path}`));
    if (match.kind === "method-not-allowed") {
      return fail(new HttpError(405, `${method} is not allowed on ${path}; use ${match.allowed.join(" or ")}`, { allow: match.allowed.join(", ") }));
    }
    const route = match.route;
    label = route.label;
    if (route.body) {
      const declared = declaredLength(req);
      try {
        checkEncoding(req.headers["content-encoding"] as string | undefined);
        if (declared > config.maxBodyBytes) throw tooLarge(config.maxBodyBytes);
      } catch (err) {
        return fail(err);
      }
      const admitted = guard.inReserve() ? admission.shed("connections") : admission.admit(declared);
      if (typeof admitted === "string") {
        // Kept alive: the cheapest shed is an answer on a connection that is already open. (Closing it made every
        // shed client reconnect at once, and with accepts no longer rationed, see accept-handles.ts, that churn
        // spent the turn on accepting, setting up and tearing down connections.) Its body is discarded by send().
        noteShed(admitted);
        const message = SHED_MESSAGES[admitted] ?? "overloaded; retry shortly";
        return send({ status: 503, body: JSON.stringify({ error: message, request_id: id }), headers: SHED_HEADERS }, undefined, true);
      }
      ticket = admitted;
    }

    const body = (): Promise<Buffer> => {
      bodyStarted = true;
      tracked.phase = "reading";
      if (expectsContinue && !continued) {
        continued = true;
        res.writeContinue();
      }
      return readBody(req, config.maxBodyBytes, ticket, () => (tracked.lastProgress = performance.now())).then(
        (buffer) => {
          tracked.phase = "working";
          return buffer;
        },
        (err: unknown) => {
          // Over a limit mid-body: the rest is discarded so the client reads the answer.
          if (err instanceof HttpError) discardBody(req, discardCap);
          throw err;
        },
      );
    };

    try {
      const reply = route.handler({ req, id, params: match.params, body });
      if (reply instanceof Promise) reply.then(send, fail);
      else send(reply);
    } catch (err) {
      fail(err);
    }
  };

  return {
    onRequest: (req: IncomingMessage, res: ServerResponse) => handle(req, res, false),
    /** `Expect: 100-continue`: 100 is sent only once the request is admitted and its body is wanted. */
    onCheckContinue: (req: IncomingMessage, res: ServerResponse) => handle(req, res, true),
  };
}
