// One small HTTP client on node:http, so that the tests control connections
// exactly (keep-alive pools for the load, fresh connections where a refused
// connection is the point). TEST ONLY.

import http from "node:http";

/** Keep-alive pool shared by the load and the flows. */
export const pooled = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

export class HttpError extends Error {
  constructor(message, { code, ms } = {}) {
    super(message);
    this.code = code;
    this.ms = ms;
  }
}

/**
 * request(url, { method, headers, body, jar, timeoutMs, agent }) →
 * { status, headers, setCookie: [], body, ms, location }
 *
 * `jar`: a CookieJar; its cookies are sent and the response's are stored.
 * `agent`: false for a fresh connection that is closed afterwards.
 * Never follows redirects. Rejects with HttpError (code ECONNREFUSED,
 * ECONNRESET, TIMEOUT, ...) when no response arrives.
 */
export function request(url, opts = {}) {
  const u = new URL(url);
  const method = opts.method ?? "GET";
  const headers = { ...(opts.headers ?? {}) };
  const path = u.pathname + u.search;
  if (opts.jar) {
    const cookie = opts.jar.header(u.pathname);
    if (cookie) headers.cookie = cookie;
  }
  let body = opts.body;
  if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body)) {
    body = JSON.stringify(body);
    headers["content-type"] ??= "application/json";
  }
  if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
  const timeoutMs = opts.timeoutMs ?? 30000;
  const agent = opts.agent === undefined ? pooled : opts.agent;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (code, message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new HttpError(`${method} ${u.origin}${u.pathname}: ${message}`, { code, ms: performance.now() - started }));
    };
    const req = http.request(
      { host: u.hostname, port: u.port || 80, method, path, headers, agent },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", (e) => fail(e.code ?? "ERESPONSE", e.message));
        res.on("aborted", () => fail("ECONNRESET", "response aborted"));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const setCookie = res.headers["set-cookie"] ?? [];
          if (opts.jar) opts.jar.store(setCookie, u.pathname);
          const location = res.headers.location;
          resolve({
            status: res.statusCode,
            headers: res.headers,
            setCookie,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
            location: location ? new URL(location, u).toString() : undefined,
          });
        });
      },
    );
    const timer = setTimeout(() => fail("TIMEOUT", `no complete response within ${timeoutMs} ms`), timeoutMs);
    req.on("error", (e) => fail(e.code ?? "EREQUEST", e.message));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** GET `url` until `pred(response)` holds or `timeoutMs` passes; returns the last response (or error). */
export async function pollUntil(url, pred, { timeoutMs = 10000, everyMs = 200, agent } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await request(url, { timeoutMs: 3000, agent });
    } catch (e) {
      last = e;
    }
    if (!(last instanceof Error) && pred(last)) return { ok: true, last, waitedMs: timeoutMs - (deadline - Date.now()) };
    if (Date.now() >= deadline) return { ok: false, last, waitedMs: timeoutMs };
    await sleep(everyMs);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function form(fields) {
  return new URLSearchParams(fields).toString();
}
