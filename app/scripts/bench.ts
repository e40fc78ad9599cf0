/**
 * `npm run bench`: starts the built server on the sample model (access logs
 * and metrics on, logs written to a file) and drives it with autocannon from
 * this separate process: req/s and p50/p99 at 1 and 16 connections for
 * single-row JSON requests, plus cold start (spawn → first 200 prediction).
 *
 * autocannon keeps latencies in an integer-millisecond histogram, too coarse
 * for sub-millisecond answers, so percentiles come from its per-response
 * `responseTime` events (float ms) instead.
 *
 * Env: BENCH_SECONDS (default 10), COLD_STARTS (default 7).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { freePort } from "./free-port";

const APP = join(__dirname, "..");
const SERVER = join(APP, "dist", "server.js");
const MODEL_DIR = join(APP, "model");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COLD_STARTS = Number(process.env.COLD_STARTS ?? 7);
const ROW = [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6];
const BODY = JSON.stringify({ instances: [ROW] });

function predictOnce(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/predict", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end(BODY);
  });
}

function startServer(port: number, env: Record<string, string>, logFile?: string): ChildProcess {
  // Logs go straight to a file (or /dev/null for cold starts), so reading them costs this process nothing.
  const out = openSync(logFile ?? "/dev/null", "w");
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? "", MODEL_DIR, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", out, "inherit"],
  });
  closeSync(out);
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function coldStart(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = startServer(port, {});
  try {
    for (;;) {
      if ((await predictOnce(port)) === 200) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await stop(child);
  }
}

interface Load {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU used, as % of one core: tells whether the server or the load generator was the limit. */
  serverCpu: number;
  clientCpu: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds, from /proc (Linux only; NaN elsewhere). */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function drive(server: ChildProcess, port: number, connections: number, seconds: number, label: string): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  const serverCpuBefore = processCpuSeconds(server.pid!);
  const clientCpuBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options = {
      url: `http://127.0.0.1:${port}/predict`,
      method: "POST" as const,
      headers: { "content-type": "application/json" },
      body: BODY,
      connections,
      duration: seconds,
    };
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
    });
  });
  const wall = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  return {
    serverCpu: ((processCpuSeconds(server.pid!) - serverCpuBefore) / wall) * 100,
    clientCpu: ((clientCpu.user + clientCpu.system) / 1e6 / wall) * 100,
    label,
    rps: result.requests.average,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors + result.non2xx,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  if (!existsSync(join(MODEL_DIR, "model.onnx"))) throw new Error("app/model/model.onnx is missing: run npm run train first");

  const colds: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) colds.push(await coldStart());

  const logDir = mkdtempSync(join(tmpdir(), "bench-logs-"));
  const loads: Load[] = [];
  for (const accessLog of ["true", "false"]) {
    const port = await freePort();
    const logFile = join(logDir, `access-${accessLog}.log`);
    const server = startServer(port, { ACCESS_LOG: accessLog, LOG_LEVEL: "info" }, logFile);
    while ((await predictOnce(port)) !== 200) await new Promise((r) => setTimeout(r, 5));
    await drive(server, port, 16, 2, "warm-up");
    const suffix = accessLog === "true" ? "" : ", access log off";
    if (accessLog === "true") loads.push(await drive(server, port, 1, SECONDS, `1 connection${suffix}`));
    loads.push(await drive(server, port, 16, SECONDS, `16 connections${suffix}`));
    await stop(server);
    const lines = readFileSync(logFile, "utf8").split("\n").length - 1;
    console.error(`  server with ACCESS_LOG=${accessLog} wrote ${lines} log lines`);
  }
  rmSync(logDir, { recursive: true, force: true });

  const rows = [
    ["load (single-row POST /predict)", "req/s", "p50 ms", "p99 ms", "errors", "server CPU", "autocannon CPU"],
    ...loads.map((l) => [l.label, l.rps.toFixed(0), l.p50.toFixed(3), l.p99.toFixed(3), String(l.errors), `${l.serverCpu.toFixed(0)}%`, `${l.clientCpu.toFixed(0)}%`]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
  console.log(`cold start (spawn → first 200 prediction), median of ${colds.length}: ${median(colds).toFixed(0)} ms  [${colds.map((c) => c.toFixed(0)).join(", ")}]`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
