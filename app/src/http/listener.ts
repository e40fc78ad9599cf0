/**
 * The node:http request listener: routing, request ids, error bodies,
 * metrics and one access-log line per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../contracts/errors";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
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

export function createListener(router: Router, state: ServerState, metrics: Metrics, logger: Logger, accessLog: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const id = requestId(req);
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const match = router.match(method, path);
    let label = "unmatched";

    /** `error` is logged even when access logs are off. */
    const send = (reply: Reply, error?: string): void => {
      const headers: Record<string, string | number> = {
        "content-type": reply.contentType ?? "application/json",
        "content-length": Buffer.byteLength(reply.body),
        "x-request-id": id,
        ...reply.headers,
      };
      if (state.closing) headers.connection = "close";
      res.writeHead(reply.status, headers);
      res.end(method === "HEAD" ? undefined : reply.body);

      const status = String(reply.status);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requestDuration.labels(label, method, status).observe(seconds);
      metrics.requests.labels(label, method, status).inc();
      if (accessLog || error !== undefined) {
        const line = { reqId: id, method, path, route: label, status: reply.status, ms: Math.round(seconds * 1e6) / 1000, error };
        if (reply.status >= 500) logger.error(line, "request");
        else logger.info(line, "request");
      }
    };

    const fail = (err: unknown): void => {
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
    label = match.route.label;
    try {
      const reply = match.route.handler({ req, id, params: match.params });
      if (reply instanceof Promise) reply.then(send, fail);
      else send(reply);
    } catch (err) {
      fail(err);
    }
  };
}
