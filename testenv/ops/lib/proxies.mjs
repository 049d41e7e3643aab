// Two small HTTP proxies for the operational tests. TEST ONLY, loopback only.
//
// FaultProxy: in front of Hydra's admin API, with runtime-switchable faults:
//   { mode: "pass" }                      forward unchanged
//   { mode: "delay", ms }                 wait `ms`, then forward
//   { mode: "hang" }                      never answer (until the client gives up)
//   { mode: "reset" }                     reset the client's connection (TCP RST)
//   { mode: "status", status: 500 }       answer with that status and a JSON error
//   { mode: "garbage" }                   200 with a body that is not JSON
// Optional `methods: ["PUT"]` limits the fault to those methods (others pass).
// Besides the in-process control (ProxyHandle.set), the mode can be read and set
// over HTTP on the proxy itself: GET /__ops/fault, PUT /__ops/fault {"mode": ...}
// (a path Hydra does not have), for manual experiments with fault-proxy.mjs.
// When the upstream cannot be reached in pass mode, the client's connection is
// reset, which is what the app would see without the proxy.
//
// Balancer: round-robin over several upstreams; each response carries
// `x-ops-backend: <upstream port>`; an unreachable upstream gives 502.
//
// Both run inside a worker thread (proxy-worker.mjs) so the load generator's event
// loop does not add to their latency; ProxyHandle (below) is the main-thread side.

import http from "node:http";
import { Worker } from "node:worker_threads";

const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function forward(req, res, target, { onError, extraHeaders = {} }) {
  const headers = { ...req.headers };
  const up = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: upstreamAgent },
    (ures) => {
      res.writeHead(ures.statusCode, { ...ures.headers, ...extraHeaders });
      ures.pipe(res);
      ures.on("error", () => res.destroy());
    },
  );
  up.on("error", (e) => onError(e));
  req.pipe(up);
  res.on("close", () => {
    if (!res.writableFinished) up.destroy();
  });
}

function reset(req) {
  const s = req.socket;
  if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
  else s.destroy();
}

export function startFaultProxy({ port, upstream }) {
  const target = new URL(upstream);
  let mode = { mode: "pass" };
  const stats = { requests: 0, faulted: 0, byMode: {}, upstreamErrors: 0 };
  const server = http.createServer((req, res) => {
    if (req.url === "/__ops/fault") return controlOverHttp(req, res);
    stats.requests++;
    const m = mode;
    const applies = m.mode !== "pass" && (!m.methods || m.methods.includes(req.method));
    const effective = applies ? m.mode : "pass";
    stats.byMode[effective] = (stats.byMode[effective] ?? 0) + 1;
    if (applies) stats.faulted++;
    const pass = () =>
      forward(req, res, target, {
        onError: () => {
          stats.upstreamErrors++;
          reset(req);
        },
      });
    switch (effective) {
      case "pass":
        return pass();
      case "delay": {
        const t = setTimeout(pass, m.ms ?? 1500);
        res.on("close", () => clearTimeout(t));
        return;
      }
      case "hang":
        return; // the socket stays open; the client's timeout ends it
      case "reset":
        return reset(req);
      case "status": {
        const body = JSON.stringify({ error: "server_error", error_description: "injected by the ops fault proxy", status_code: m.status ?? 500 });
        res.writeHead(m.status ?? 500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        return res.end(body);
      }
      case "garbage": {
        const body = "\u0000\u00ff<html>not json {{{ ]]] \u0007 ops fault proxy";
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        return res.end(body);
      }
      default:
        res.writeHead(500);
        return res.end();
    }
  });
  const MODES = ["pass", "delay", "hang", "reset", "status", "garbage"];
  function controlOverHttp(req, res) {
    const reply = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET") return reply(200, { mode, stats });
    if (req.method !== "PUT") return reply(405, { error: "GET or PUT" });
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      try {
        const next = JSON.parse(raw);
        if (!MODES.includes(next.mode)) throw new Error(`mode must be one of ${MODES.join(", ")}`);
        mode = next;
        reply(200, { mode });
      } catch (e) {
        reply(400, { error: e.message });
      }
    });
  }
  server.keepAliveTimeout = 30000;
  return {
    server,
    listen: () => new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve)),
    control(msg) {
      if (msg.cmd === "set") {
        mode = msg.mode;
        return { mode };
      }
      if (msg.cmd === "stats") return { mode, stats: structuredClone(stats) };
      if (msg.cmd === "resetStats") {
        Object.assign(stats, { requests: 0, faulted: 0, byMode: {}, upstreamErrors: 0 });
        return {};
      }
      throw new Error(`unknown command ${msg.cmd}`);
    },
  };
}

export function startBalancer({ port, upstreams }) {
  const targets = upstreams.map((u) => new URL(u));
  let next = 0;
  const stats = { requests: 0, byBackend: {}, upstreamErrors: 0 };
  const server = http.createServer((req, res) => {
    stats.requests++;
    const target = targets[next];
    next = (next + 1) % targets.length;
    stats.byBackend[target.port] = (stats.byBackend[target.port] ?? 0) + 1;
    forward(req, res, target, {
      extraHeaders: { "x-ops-backend": target.port },
      onError: () => {
        stats.upstreamErrors++;
        if (!res.headersSent) {
          res.writeHead(502, { "content-type": "text/plain", "x-ops-backend": target.port });
          res.end("bad gateway (ops balancer)\n");
        } else res.destroy();
      },
    });
  });
  server.keepAliveTimeout = 30000;
  return {
    server,
    listen: () => new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve)),
    control(msg) {
      if (msg.cmd === "stats") return { stats: structuredClone(stats) };
      if (msg.cmd === "resetStats") {
        Object.assign(stats, { requests: 0, byBackend: {}, upstreamErrors: 0 });
        return {};
      }
      throw new Error(`unknown command ${msg.cmd}`);
    },
  };
}

/** Main-thread handle of a proxy running in a worker thread. */
export class ProxyHandle {
  static async start(kind, options) {
    const worker = new Worker(new URL("./proxy-worker.mjs", import.meta.url), { workerData: { kind, options } });
    const h = new ProxyHandle(worker, `${kind}:${options.port}`);
    await h.ready;
    return h;
  }

  constructor(worker, name) {
    this.worker = worker;
    this.name = name;
    this.seq = 0;
    this.pending = new Map();
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    worker.on("message", (m) => {
      if (m.ready) return this.readyResolve();
      if (m.listenError) return this.readyReject(new Error(`${name}: ${m.listenError}`));
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    worker.on("error", (e) => this.readyReject(e));
  }

  call(msg) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  set(mode) {
    return this.call({ cmd: "set", mode });
  }

  stats() {
    return this.call({ cmd: "stats" });
  }

  resetStats() {
    return this.call({ cmd: "resetStats" });
  }

  async stop() {
    try {
      await Promise.race([this.call({ cmd: "close" }), new Promise((r) => setTimeout(r, 2000))]);
    } finally {
      await this.worker.terminate();
    }
  }
}
