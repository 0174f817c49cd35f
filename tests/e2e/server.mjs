// A tiny static file server for dist/, on 127.0.0.1 and a free port. Node built-ins only.
//
//   import { startServer } from "./server.mjs";  const s = await startServer(dir);  ... s.close()
//   node tests/e2e/server.mjs [dir] [port]        (serves dist/ by hand; port 0 = any free port)

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".map": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Resolves a request path inside `root`, or null if it would escape it. */
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, "." + path.posix.normalize("/" + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

/**
 * Serves `root` until `close()`. Returns { url, origin, requests, close }, where
 * `requests` lists every request as { method, path, status }.
 */
export async function startServer(root, port = 0) {
  root = path.resolve(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url, "http://localhost").pathname;
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      requests.push({ method: req.method, path: urlPath, status });
      res.writeHead(status, {
        "Content-Type": type,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let file = resolveInside(root, urlPath);
    if (!file) return send(404, "not found\n");
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      send(200, body, MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream");
    } catch {
      send(404, "not found\n");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: origin + "/",
    origin,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = process.argv[2] ?? path.join(here, "..", "..", "dist");
  const s = await startServer(dir, Number(process.argv[3] ?? 0));
  console.log(`serving ${path.resolve(dir)} at ${s.url} (Ctrl-C to stop)`);
}
