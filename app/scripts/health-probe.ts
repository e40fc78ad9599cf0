/**
 * Run by `npm run bench` as its own process (so the load generator's event loop
 * does not delay it): GETs PROBE_PATH on a fresh connection every PROBE_EVERY_MS
 * until SIGTERM, then prints the latencies (ms) as JSON. A probe that fails or
 * takes over 5 s is recorded as 5000.
 */
import { request } from "node:http";

const port = Number(process.env.PORT);
const path = process.env.PROBE_PATH ?? "/ping";
const every = Number(process.env.PROBE_EVERY_MS ?? 20);
const latencies: number[] = [];
let failures = 0;
let stopping = false;

function probe(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const done = (ok: boolean) => {
      if (!ok) failures++;
      latencies.push(ok ? performance.now() - started : 5000);
      resolve();
    };
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => done(false));
    req.end();
  });
}

process.once("SIGTERM", () => (stopping = true));
void (async () => {
  while (!stopping) {
    await probe();
    await new Promise((r) => setTimeout(r, every));
  }
  process.stdout.write(JSON.stringify({ latencies, failures }));
})();
