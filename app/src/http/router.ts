/**
 * A tiny exact-path router: every route here is a fixed path except the Open
 * Inference Protocol's /v2/models/{name}/..., which are matched by pattern.
 * (Fixed paths also keep Vertex's "...:predict" routes literal.)
 */
import type { IncomingMessage } from "node:http";

export interface Reply {
  status: number;
  body: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: IncomingMessage;
  id: string;
  params: Record<string, string>;
  /** The body, read under admission control (only on body routes). */
  body(): Promise<Buffer>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  /** Metric label: the route template, never the raw path. */
  label: string;
  handler: Handler;
  /** Takes a request body: admission control, size limit and content-encoding checks apply. */
  body: boolean;
}

export type Match =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

interface PatternRoute {
  pattern: RegExp;
  names: string[];
  methods: Map<string, Route>;
}

export class Router {
  private readonly exact = new Map<string, Map<string, Route>>();
  private readonly patterns: PatternRoute[] = [];

  add(method: string, path: string, handler: Handler): this {
    const methods = this.exact.get(path) ?? new Map<string, Route>();
    methods.set(method, { label: path, handler, body: method === "POST" });
    this.exact.set(path, methods);
    return this;
  }

  /** `template` uses `{name}` placeholders, each matching one path segment. */
  addTemplate(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (name) {
          names.push(name);
          return "([^/]+)";
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("");
    let entry = this.patterns.find((p) => p.pattern.source === `^${source}$`);
    if (!entry) {
      entry = { pattern: new RegExp(`^${source}$`), names, methods: new Map() };
      this.patterns.push(entry);
    }
    entry.methods.set(method, { label: template, handler, body: method === "POST" });
    return this;
  }

  match(method: string, path: string): Match {
    const methods = this.exact.get(path);
    if (methods) return pick(methods, method, {});
    for (const entry of this.patterns) {
      const m = entry.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      entry.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1] ?? "")));
      return pick(entry.methods, method, params);
    }
    return { kind: "not-found" };
  }
}

function pick(methods: Map<string, Route>, method: string, params: Record<string, string>): Match {
  const route = methods.get(method) ?? (method === "HEAD" ? methods.get("GET") : undefined);
  return route ? { kind: "found", route, params } : { kind: "method-not-allowed", allowed: [...methods.keys()] };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
