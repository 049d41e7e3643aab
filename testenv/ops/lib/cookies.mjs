// A minimal cookie jar for one simulated browser. TEST ONLY.
//
// Everything here runs on 127.0.0.1, and cookies are per host, not per port: the
// app's `logout_csrf` cookie and Hydra's session/CSRF cookies share one jar, as
// they would in a browser. Honours Path, Max-Age and Expires; ignores Domain
// (single host) and Secure (plain http on loopback; Secure cookies are kept but
// never sent, like a browser would on http).

export class CookieJar {
  constructor() {
    /** name|path -> { name, value, path, expires (ms or null), secure } */
    this.cookies = new Map();
  }

  /** Stores the `Set-Cookie` header values of one response (array or string). */
  store(setCookie, requestPath = "/") {
    if (!setCookie) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(requestPath);
      let expires = null;
      let secure = false;
      for (const attr of attrs) {
        const i = attr.indexOf("=");
        const k = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? "" : attr.slice(i + 1).trim();
        if (k === "path" && v.startsWith("/")) path = v;
        else if (k === "max-age" && /^-?\d+$/.test(v)) expires = Date.now() + Number(v) * 1000;
        else if (k === "expires" && expires === null) {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) expires = t;
        } else if (k === "secure") secure = true;
      }
      const key = `${name}|${path}`;
      if (expires !== null && expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, expires, secure });
    }
  }

  /** The `Cookie` header for a request to `path` (undefined when empty). */
  header(path = "/") {
    const now = Date.now();
    const out = [];
    for (const [key, c] of this.cookies) {
      if (c.expires !== null && c.expires <= now) {
        this.cookies.delete(key);
        continue;
      }
      if (c.secure) continue;
      if (pathMatches(path, c.path)) out.push(c);
    }
    // Longer paths first, as RFC 6265 asks.
    out.sort((a, b) => b.path.length - a.path.length);
    return out.length ? out.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  get(name) {
    for (const c of this.cookies.values()) if (c.name === name) return c.value;
    return undefined;
  }

  clone() {
    const j = new CookieJar();
    for (const [k, v] of this.cookies) j.cookies.set(k, { ...v });
    return j;
  }
}

function defaultPath(requestPath) {
  const p = requestPath.split("?")[0];
  if (!p.startsWith("/") || p.lastIndexOf("/") === 0) return "/";
  return p.slice(0, p.lastIndexOf("/"));
}

function pathMatches(requestPath, cookiePath) {
  const p = requestPath.split("?")[0] || "/";
  if (p === cookiePath) return true;
  if (!p.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || p[cookiePath.length] === "/";
}
