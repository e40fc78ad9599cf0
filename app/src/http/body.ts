/** Request body reading, content-type and content-encoding checks. */
import type { IncomingMessage } from "node:http";
import { HttpError } from "../contracts/errors";
import type { Ticket } from "./admission";

export type BodyKind = "json" | "csv";

/** A missing content type is read as JSON (the common curl-less client case). */
export function bodyKind(contentType: string | undefined, allowed: readonly BodyKind[]): BodyKind {
  const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
  const kind: BodyKind | undefined =
    type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))
      ? "json"
      : type === "text/csv"
        ? "csv"
        : undefined;
  if (!kind || !allowed.includes(kind)) {
    const accepted = allowed.map((k) => (k === "json" ? "application/json" : "text/csv")).join(" or ");
    throw new HttpError(415, `unsupported content type "${contentType}": send ${accepted}`);
  }
  return kind;
}

/**
 * Bodies are read as sent: a compressed body would be parsed as garbage (gzip)
 * or, worse, as text (br), so any coding but identity is refused with 415, as
 * RFC 9110 §15.5.16 prescribes for an unsupported Content-Encoding.
 */
export function checkEncoding(encoding: string | undefined): void {
  if (encoding === undefined) return;
  const codings = encoding.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity");
  if (codings.length > 0) {
    throw new HttpError(415, `unsupported Content-Encoding "${encoding}": send the body uncompressed`, { "accept-encoding": "identity" });
  }
}

export const tooLarge = (limit: number) => new HttpError(413, `request body is larger than the ${limit}-byte limit (MAX_BODY_BYTES)`);

/** The client went away mid-request: nothing can be answered, and it is not a server error. */
export class ClientAbort extends Error {}

export function declaredLength(req: IncomingMessage): number {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared > 0 ? declared : 0;
}

/**
 * Reads the body into one buffer. Past `limit` it rejects with 413; past the
 * ticket's byte budget with 503. Either way the rest of the body is then read
 * and discarded (see discardBody), so the client receives the answer instead of
 * a reset.
 */
export function readBody(req: IncomingMessage, limit: number, ticket: Ticket | undefined, onProgress: () => void): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = (err: Error) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      onProgress();
      size += chunk.length;
      if (size > limit) return stop(tooLarge(limit));
      // Bytes beyond the declared length (chunked uploads) count against the shared budget as they come.
      if (size > declared && ticket && !ticket.hold(Math.min(chunk.length, size - declared))) {
        return stop(new HttpError(503, "the server is holding too many request bytes; retry shortly", { "retry-after": "1" }));
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once("error", () => stop(new ClientAbort("request stream error")));
    // A client that hangs up mid-body must not leave this promise pending forever.
    req.once("close", () => {
      if (!req.complete) stop(new ClientAbort("the client closed the connection before sending the whole body"));
    });
  });
}

/**
 * Reads and throws away what is left of a body after an early answer (413, 415,
 * 503...), so the connection stays usable and the client, still writing, reads
 * the answer rather than a reset. A client that keeps sending past `cap` bytes
 * is cut off.
 */
export function discardBody(req: IncomingMessage, cap: number): void {
  if (req.complete || req.destroyed) return;
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.socket.destroy();
  });
  req.resume();
}
