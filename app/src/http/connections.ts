/**
 * Keeps the open connections at most MAX_CONNECTIONS (itself below the
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
    // Not server.maxConnections: Node drops connections past it before anyone can choose what to close, and a
    // health check arriving while slowloris sockets fill the table would be the one dropped.
    server.on("connection", (socket: Socket) => this.onConnection(socket));
  }

  private onConnection(socket: Socket): void {
    const now = performance.now();
    if (this.sockets.size >= this.softCap) this.evict(now, this.sockets.size - this.softCap + 1, this.sockets.size >= this.maxConnections);
    if (this.sockets.size >= this.maxConnections) {
      // Every slot is in a request: refuse this one rather than run out of file descriptors.
      this.metrics.connectionsEvicted.labels("over_limit").inc();
      socket.destroy();
      return;
    }
    this.sockets.set(socket, { requests: 0, busy: false, idleSince: now });
    this.metrics.connections.set(this.sockets.size);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.metrics.connections.set(this.sockets.size);
    });
  }

  /**
   * Closes up to `count` connections that are not in a request, oldest first. Below the hard cap a connection
   * younger than EVICTION_MIN_IDLE_MS is spared (its headers may be on the way); at the cap, none is.
   */
  private evict(now: number, count: number, atCap: boolean): void {
    let evicted = 0;
    for (const [socket, tracked] of this.sockets) {
      if (evicted >= count) break;
      if (tracked.busy || (!atCap && now - tracked.idleSince < EVICTION_MIN_IDLE_MS)) continue;
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
