// Reverse proxies as operators put in front of the app, for scripts/deploy-test.sh. TEST ONLY.
//
//   node proxy.mjs prefix <port> <prefix> <upstream-port>[,<post-upstream-port>]
//       http://127.0.0.1:<port><prefix>/x → http://127.0.0.1:<upstream-port>/x (the prefix is
//       stripped, as Kubernetes ingress rewrites and Traefik's StripPrefix do). Anything outside
//       the prefix gets 404 "outside the prefix", so a URL the app generates without its base
//       path fails visibly in the browser. With a second port, POSTs go to that replica and
//       everything else to the first: the prompt and the decision are always served by
//       different replicas. Responses carry `x-replica: <upstream port>`.
//   node proxy.mjs tls <port> <upstream-port> <cert.pem> <key.pem>
//       https://127.0.0.1:<port>/x → http://127.0.0.1:<upstream-port>/x: TLS ends here, the app
//       speaks plain http behind it.
//
// Both add X-Forwarded-For/-Proto/-Host, and a bogus X-Forwarded-Prefix: the app must not
// build URLs from request headers. Logs one line per request (method, path without the query,
// status). Loopback only.
import http from "node:http";
import https from "node:https";
import { readFileSync } from "node:fs";

const [mode, portArg, ...rest] = process.argv.slice(2);
const port = Number(portArg);
let prefix = "";
let upstreams;
let tls = null;
if (mode === "prefix") {
  prefix = rest[0].replace(/\/+$/, "");
  upstreams = rest[1].split(",").map(Number);
} else if (mode === "tls") {
  upstreams = [Number(rest[0])];
  tls = { cert: readFileSync(rest[1]), key: readFileSync(rest[2]) };
} else {
  console.error("usage: proxy.mjs prefix <port> <prefix> <upstream-port> | tls <port> <upstream-port> <cert> <key>");
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function handle(req, res) {
  const pathOnly = (req.url ?? "/").split("?")[0];
  const log = (status) => console.log(`${mode} ${req.method} ${pathOnly} -> ${status}`);
  let upstreamPath = req.url ?? "/";
  if (prefix) {
    if (upstreamPath !== prefix && !upstreamPath.startsWith(`${prefix}/`) && !upstreamPath.startsWith(`${prefix}?`)) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`outside the ${prefix}/ prefix\n`);
      log(404);
      return;
    }
    upstreamPath = upstreamPath.slice(prefix.length) || "/";
    if (upstreamPath.startsWith("?")) upstreamPath = `/${upstreamPath}`;
  }
  const headers = { ...req.headers };
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  headers["x-forwarded-proto"] = tls ? "https" : "http";
  headers["x-forwarded-host"] = req.headers.host ?? "";
  headers["x-forwarded-prefix"] = "/not-the-prefix";
  const upstreamPort = req.method === "POST" ? upstreams[upstreams.length - 1] : upstreams[0];
  const upstream = http.request(
    { host: "127.0.0.1", port: upstreamPort, method: req.method, path: upstreamPath, headers, agent },
    (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, "x-replica": String(upstreamPort) });
      up.pipe(res);
      log(up.statusCode);
    },
  );
  upstream.setTimeout(30_000, () => upstream.destroy(new Error("upstream timeout")));
  upstream.on("error", (err) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`bad gateway: ${err.code ?? err.message}\n`);
    else res.destroy();
    log(502);
  });
  req.pipe(upstream);
}

const server = tls ? https.createServer(tls, handle) : http.createServer(handle);
server.listen(port, "127.0.0.1", () => console.log(`${mode} proxy listening on 127.0.0.1:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
