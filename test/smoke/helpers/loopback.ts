/**
 * Loopback servers for the smoke tests: a recording proxy in front of the real app server (it keeps each
 * request's path, headers and body, so auth is checked on what reached the wire, and maps SageMaker's runtime
 * path /endpoints/{name}/invocations onto the container's /invocations, as SageMaker does), and a scripted
 * server for answers the real app never gives (wrong shapes, slowness).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
    readonly method: string;
    readonly path: string;
    readonly headers: Record<string, string>;
    readonly body: Buffer;
}

export interface Loopback {
    readonly base: string;
    readonly port: number;
    readonly requests: RecordedRequest[];
    close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

async function listen(server: Server, requests: RecordedRequest[]): Promise<Loopback> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        base: `http://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

function record(req: IncomingMessage, body: Buffer): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
    return { method: req.method ?? "", path: req.url ?? "/", headers, body };
}

const SAGEMAKER_RUNTIME_PATH = /^\/endpoints\/[^/]+\/invocations$/;

/** Forwards every request to `upstream`, recording it; SageMaker runtime paths go to /invocations. */
export function startRecordingProxy(upstream: string): Promise<Loopback> {
    const requests: RecordedRequest[] = [];
    const target = new URL(upstream);
    const server = createServer(async (req, res) => {
        const body = await readAll(req);
        const recorded = record(req, body);
        requests.push(recorded);
        const path = SAGEMAKER_RUNTIME_PATH.test(recorded.path) ? "/invocations" : recorded.path;
        const forward = request(
            { hostname: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
            (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
            },
        );
        forward.on("error", (err) => {
            res.writeHead(502, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: `proxy: ${err.message}` }));
        });
        forward.end(body);
    });
    return listen(server, requests);
}

export type ScriptedHandler = (request: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** A server whose every answer is `handler`'s. */
export function startScriptedServer(handler: ScriptedHandler): Promise<Loopback> {
    const requests: RecordedRequest[] = [];
    const server = createServer(async (req, res) => {
        const recorded = record(req, await readAll(req));
        requests.push(recorded);
        await handler(recorded, res);
    });
    return listen(server, requests);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
}
