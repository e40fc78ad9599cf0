/** Request body reading and content-type checks. */
import type { IncomingMessage } from "node:http";
import { HttpError } from "../contracts/errors";

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

const tooLarge = (limit: number) =>
  // The rest of the body is never read, so the connection cannot be reused.
  new HttpError(413, `request body is larger than the ${limit}-byte limit (MAX_BODY_BYTES)`, { connection: "close" });

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
    // A client that hangs up mid-body must not leave this promise pending forever.
    req.once("close", () => {
      if (!req.complete) reject(new HttpError(400, "the client closed the connection before sending the whole body"));
    });
  });
}
