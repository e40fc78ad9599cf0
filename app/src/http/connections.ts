/**
 * Keeps the open connections below MAX_CONNECTIONS (itself below the
 * open-file limit), with the last HEALTH_CONNECTION_RESERVE slots kept for
 * health checks: past the soft cap, the oldest connections that are not in a
 * request (idle keep-alives, clients still trickling headers: slowloris) are
 * closed to make room, and prediction requests on new connections are shed.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Metrics } from "../observability/metrics";

interface Tracked {
  /** Requests started on it so far. */
  requests: number;
  /** A request is being handled (from its headers to its response's end). */
  busy: boolean;
  /** When it last finished a response or was opened: how long it has been idle. */
  idleSince: number;
}

/** A connection younger than this may be a health check whose headers are on the way. */
const EVICTION_MIN_IDLE_MS = 250;

export class ConnectionGuard {
  private readonly sockets = new Map<Socket, Tracked>();

  constructor(
    private readonly maxConnections: number,
    private readonly reserve: number,
    private readonly metrics: Metrics,
  ) {}

  get softCap(): number {
    return this.maxConnections - this.reserve;
  }

  get open(): number {
    return this.sockets.size;
  }

  install(server: Server): void {
    // Node refuses (accepts and closes at once) connections past this, so the fd limit is never reached.
    server.maxConnections = this.maxConnections;
    server.on("connection", (socket: Socket) => this.onConnection(socket));
  }

  private onConnection(socket: Socket): void {
    const now = performance.now();
    if (this.sockets.size >= this.softCap) this.evict(now, this.sockets.size - this.softCap + 1);
    this.sockets.set(socket, { requests: 0, busy: false, idleSince: now });
    this.metrics.connections.set(this.sockets.size);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.metrics.connections.set(this.sockets.size);
    });
  }

  /** Closes up to `count` connections that are not in a request, oldest first. */
  private evict(now: number, count: number): void {
    let evicted = 0;
    for (const [socket, tracked] of this.sockets) {
      if (evicted >= count) break;
      if (tracked.busy || now - tracked.idleSince < EVICTION_MIN_IDLE_MS) continue;
      socket.destroy();
      this.sockets.delete(socket);
      this.metrics.connectionsEvicted.labels(tracked.requests === 0 ? "no_request" : "idle").inc();
      evicted++;
    }
  }

  requestStarted(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (!tracked) return;
    tracked.busy = true;
    tracked.requests++;
  }

  requestEnded(socket: Socket | null): void {
    const tracked = socket ? this.sockets.get(socket) : undefined;
    if (!tracked) return;
    tracked.busy = false;
    tracked.idleSince = performance.now();
  }

  /** True when this socket sits in the reserved slots: only health checks are served on it. */
  inReserve(): boolean {
    return this.sockets.size > this.softCap;
  }

  /** Sockets not in a request (for shutdown). */
  idleSockets(): Socket[] {
    return [...this.sockets].filter(([, t]) => !t.busy).map(([s]) => s);
  }
}
