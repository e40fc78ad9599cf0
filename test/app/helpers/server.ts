/**
 * Starts the real built server (`node app/dist/server.js`) as a child process
 * on an ephemeral loopback port, with the environment a target would give it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../../app/scripts/free-port";

export const APP_DIR = join(__dirname, "..", "..", "..", "app");
/** APP_SERVER_JS runs the suite against another build (e.g. the previous commit's, to see a test fail on it). */
export const SERVER_JS = process.env.APP_SERVER_JS ?? join(APP_DIR, "dist", "server.js");
export const SAMPLE_MODEL_DIR = join(APP_DIR, "model");

export function assertBuilt(): void {
  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run npm --prefix app ci && npm --prefix app run build`);
}

export interface RunningServer {
  port: number;
  base: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** The port variable the target uses; defaults to PORT. */
  portVariable?: string;
  args?: string[];
  /** Replaces `node app/dist/server.js ...args` (e.g. the image's ENTRYPOINT), run from `cwd`. */
  command?: string[];
  cwd?: string;
  /** Wait until this GET path answers 200 (default /health/ready); false: do not wait. */
  waitFor?: string | false;
  /** Never read the server's stdout, as a stalled log collector would not (output() then holds stderr only). */
  stallStdout?: boolean;
}

export async function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<RunningServer> {
  assertBuilt();
  const port = await freePort();
  const [program, ...argv] = options.command ?? [process.execPath, SERVER_JS, ...(options.args ?? [])];
  const child = spawn(program!, argv, {
    cwd: options.cwd,
    // No drain window unless a test asks for one: every test server is stopped with SIGTERM.
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", LOG_LEVEL: "info", DRAIN_MS: "0", [options.portVariable ?? "PORT"]: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  if (options.stallStdout) child.stdout!.pause();
  else child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const server: RunningServer = {
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
  if (options.waitFor !== false) await waitUntil(server, options.waitFor ?? "/health/ready");
  return server;
}

async function waitUntil(server: RunningServer, path: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output()}`);
    try {
      const res = await fetch(server.base + path);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await server.stop();
  throw new Error(`server did not answer 200 on ${path} within ${timeoutMs} ms:\n${server.output()}`);
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(server: RunningServer, path: string, init: RequestInit = {}): Promise<JsonReply> {
  const res = await fetch(server.base + path, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** The value of one Prometheus sample from /metrics text (0 when absent). */
export function metric(text: string, name: string, labels = ""): number {
  const escaped = (name + labels).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`^${escaped} (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

export function postJson(server: RunningServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  return call(server, path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
