/**
 * A loopback fake of the two Cloud Storage JSON API calls the server makes
 * (list objects under a prefix; download one with alt=media), so the Vertex
 * download path is tested without reaching Google. The server finds it via
 * STORAGE_EMULATOR_HOST, which @google-cloud/storage honours.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeGcs {
  /** Value for STORAGE_EMULATOR_HOST. */
  host: string;
  requests: string[];
  close(): Promise<void>;
}

/** `gate`, when given, holds every download until it resolves (to observe a server that is still loading). */
export async function startFakeGcs(bucket: string, objects: Record<string, Buffer>, gate?: Promise<void>): Promise<FakeGcs> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    // The client may or may not prefix /storage/v1 depending on how the host is given.
    const path = url.pathname.replace(/^\/storage\/v1/, "");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const listing = `/b/${bucket}/o`;
    if (path === listing) {
      const prefix = url.searchParams.get("prefix") ?? "";
      const items = Object.entries(objects)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, data]) => ({ kind: "storage#object", bucket, name, size: String(data.length), generation: "1" }));
      return send(200, { kind: "storage#objects", items });
    }
    if (path.startsWith(`${listing}/`) && url.searchParams.get("alt") === "media") {
      const data = objects[decodeURIComponent(path.slice(listing.length + 1))];
      if (!data) return send(404, { error: { code: 404, message: "No such object" } });
      if (gate) await gate;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      return res.end(data);
    }
    send(404, { error: { code: 404, message: `fake GCS does not serve ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
