// Test-only support server for hydra-logout-ui. TEST ONLY: no security worth the name.
//
// One plain Node 20 HTTP server (no dependencies) on 127.0.0.1:5555 providing
//   - a login/consent auto-acceptor for Ory Hydra (urls.login / urls.consent),
//   - sample OpenID Connect relying parties under /rp/{name}/ that sign in with the
//     authorization code flow, start RP-initiated logout and record back-channel and
//     front-channel logout notifications for the tests to inspect.
//
// Environment: PORT (5555), SUPPORT_URL (http://127.0.0.1:$PORT, the browser-facing
// base URL of this server), HYDRA_PUBLIC_URL (http://127.0.0.1:4444),
// HYDRA_ADMIN_URL (http://127.0.0.1:4445).
//
// See testenv/README.md for the routes.

import http from "node:http";
import crypto from "node:crypto";
import { acceptConsent, acceptLogin, grantRequested } from "../lib/hydra-login.mjs";

const PORT = Number.parseInt(process.env.PORT ?? "5555", 10);
const HOST = "127.0.0.1";
const SELF_URL = trimSlash(process.env.SUPPORT_URL ?? `http://127.0.0.1:${PORT}`);
const HYDRA_PUBLIC_URL = trimSlash(process.env.HYDRA_PUBLIC_URL ?? "http://127.0.0.1:4444");
const HYDRA_ADMIN_URL = trimSlash(process.env.HYDRA_ADMIN_URL ?? "http://127.0.0.1:4445");

// Fixed, test-only client secret of every sample relying party.
const CLIENT_SECRET = "test-only-sample-rp-client-secret";
const SCOPE = "openid offline_access";
const DEFAULT_SUBJECT = "alice";
const MAX_RECORDS = 200;
const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";
const RP_NAME = /^[a-z0-9-]{1,64}$/;

// ---------------------------------------------------------------------------
// State (in memory, per process)

/** Last login requests seen by the acceptor, oldest first. */
let logins = [];

/** name -> relying party state */
const rps = new Map();

function rpState(name) {
  let rp = rps.get(name);
  if (!rp) {
    rp = {
      name,
      clientId: `rp-${name}`,
      clientName: defaultClientName(name),
      clientPromise: null,
      pending: new Map(), // authorization state -> { nonce, created }
      sessions: new Map(), // session id -> { id, subject, sid, id_token, created_at }
      lastSessionId: null,
      logoutStates: new Set(),
      backchannel: [],
      frontchannel: [],
    };
    rps.set(name, rp);
  }
  return rp;
}

function defaultClientName(name) {
  return `Sample App ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

function rpUrl(name, suffix = "") {
  return `${SELF_URL}/rp/${name}/${suffix}`;
}

function pushBounded(list, item) {
  list.push(item);
  if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
}

// ---------------------------------------------------------------------------
// Helpers

function trimSlash(s) {
  return s.replace(/\/+$/, "");
}

function randomToken() {
  return crypto.randomBytes(18).toString("base64url");
}

function escapeHtml(value) {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function parseCookies(req) {
  const out = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (!(k in out)) out[k] = v;
  }
  return out;
}

function cookie(name, value, path, { clear = false } = {}) {
  let c = `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax`;
  if (clear) c += "; Max-Age=0";
  return c;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, JSON.stringify(value, null, 2) + "\n", {
    "Content-Type": "application/json; charset=utf-8",
  });
}

function sendHtml(res, status, title, bodyHtml, headers = {}) {
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  .note { color: #666; font-size: 0.9rem; }
  code { background: #f3f3f3; padding: 0 0.2rem; }
  a.button { display: inline-block; padding: 0.4rem 0.9rem; border: 1px solid #444; border-radius: 4px; text-decoration: none; color: #222; }
</style>
</head>
<body>
${bodyHtml}
<p class="note">Test-only sample relying party for hydra-logout-ui.</p>
</body>
</html>
`;
  send(res, status, page, { "Content-Type": "text/html; charset=utf-8", ...headers });
}

function redirect(res, location, headers = {}) {
  send(res, 302, "", { Location: location, ...headers });
}

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls Hydra; never includes tokens in thrown messages. */
async function hydra(base, method, path, body, { form = false } = {}) {
  const headers = { Accept: "application/json" };
  let payload;
  if (body !== undefined) {
    if (form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body).toString();
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new HttpError(502, `cannot reach Hydra at ${base}: ${err.cause?.code ?? err.name}`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

function hydraError(what, r) {
  const e = r.json ?? {};
  const detail = [e.error, e.error_description, e.error_hint].filter(Boolean).join(": ");
  return new HttpError(502, `${what} failed: Hydra answered ${r.status}${detail ? ` (${detail})` : ""}`);
}

function decodeJwt(token) {
  const parts = String(token).split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS");
  const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
  const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], "base64url") };
}

// ---------------------------------------------------------------------------
// Hydra OAuth2 clients of the sample relying parties

const OVERRIDABLE = ["client_name", "client_uri", "logo_uri", "policy_uri", "tos_uri"];

function overridesFrom(query) {
  const o = {};
  for (const k of OVERRIDABLE) {
    const v = query.get(k);
    if (v !== null && v !== "") o[k] = v;
  }
  const skip = query.get("skip_logout_consent");
  if (skip === "true" || skip === "false") o.skip_logout_consent = skip === "true";
  return o;
}

function desiredClient(rp, existing, overrides) {
  const name = rp.name;
  const c = {
    client_id: rp.clientId,
    client_name: defaultClientName(name),
    client_secret: CLIENT_SECRET,
    client_uri: rpUrl(name),
    redirect_uris: [rpUrl(name, "callback")],
    post_logout_redirect_uris: [rpUrl(name, "logged-out")],
    backchannel_logout_uri: rpUrl(name, "backchannel"),
    backchannel_logout_session_required: true,
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    scope: SCOPE,
    token_endpoint_auth_method: "client_secret_post",
    skip_consent: false,
  };
  if (name.includes("fc")) {
    c.frontchannel_logout_uri = rpUrl(name, "frontchannel");
    c.frontchannel_logout_session_required = true;
  }
  // Keep presentation values of an existing client (e.g. set by an earlier
  // process with overrides) unless overridden now.
  if (existing) {
    for (const k of OVERRIDABLE) {
      if (typeof existing[k] === "string" && existing[k] !== "") c[k] = existing[k];
    }
    if (typeof existing.skip_logout_consent === "boolean") c.skip_logout_consent = existing.skip_logout_consent;
  }
  Object.assign(c, overrides);
  return c;
}

/** Creates or updates the Hydra client of the RP (idempotent: GET, then POST or PUT). */
function ensureClient(rp, overrides = {}) {
  const hasOverrides = Object.keys(overrides).length > 0;
  if (rp.clientPromise && !hasOverrides) return rp.clientPromise;
  const previous = rp.clientPromise ?? Promise.resolve();
  const p = previous
    .catch(() => {})
    .then(async () => {
      const path = `/admin/clients/${encodeURIComponent(rp.clientId)}`;
      const got = await hydra(HYDRA_ADMIN_URL, "GET", path);
      let r;
      if (got.status === 404) {
        r = await hydra(HYDRA_ADMIN_URL, "POST", "/admin/clients", desiredClient(rp, null, overrides));
        if (r.status !== 201) throw hydraError(`creating client ${rp.clientId}`, r);
      } else if (got.status === 200) {
        r = await hydra(HYDRA_ADMIN_URL, "PUT", path, desiredClient(rp, got.json, overrides));
        if (r.status !== 200) throw hydraError(`updating client ${rp.clientId}`, r);
      } else {
        throw hydraError(`reading client ${rp.clientId}`, got);
      }
      rp.clientName = r.json?.client_name || defaultClientName(rp.name);
      return r.json;
    });
  rp.clientPromise = p;
  p.catch(() => {
    if (rp.clientPromise === p) rp.clientPromise = null;
  });
  return p;
}

// ---------------------------------------------------------------------------
// Login / consent auto-acceptor

const admin = (method, path, body) => hydra(HYDRA_ADMIN_URL, method, path, body);

async function handleLogin(req, res, query) {
  const challenge = query.get("login_challenge");
  if (!challenge) throw new HttpError(400, "missing login_challenge");
  const r = await acceptLogin(admin, challenge, (lr) => {
    // A remembered subject must be kept (Hydra otherwise restarts the flow with
    // prompt=login); otherwise the login_hint chooses the user.
    const subject = lr.subject || lr.oidc_context?.login_hint || DEFAULT_SUBJECT;
    pushBounded(logins, {
      skip: Boolean(lr.skip),
      subject,
      client_id: lr.client?.client_id ?? null,
      session_id: lr.session_id ?? null,
      received_at: new Date().toISOString(),
    });
    return { subject, remember: true, remember_for: 0 };
  });
  if (r.failed) throw hydraError(r.failed, r.res);
  redirect(res, r.redirectTo);
}

async function handleConsent(req, res, query) {
  const challenge = query.get("consent_challenge");
  if (!challenge) throw new HttpError(400, "missing consent_challenge");
  const r = await acceptConsent(admin, challenge, (cr) =>
    grantRequested(cr, {
      session: { id_token: { name: cr.subject === DEFAULT_SUBJECT ? "Alice Example" : cr.subject } },
    }),
  );
  if (r.failed) throw hydraError(r.failed, r.res);
  redirect(res, r.redirectTo);
}

// ---------------------------------------------------------------------------
// Sample relying parties

function currentSession(rp, req) {
  const id = parseCookies(req)[`rp_${rp.name}`];
  return id ? rp.sessions.get(id) ?? null : null;
}

function endSessionsBySid(rp, sid) {
  if (!sid) return;
  for (const [id, s] of rp.sessions) if (s.sid === sid) rp.sessions.delete(id);
}

async function rpHome(rp, req, res) {
  await ensureClient(rp);
  const s = currentSession(rp, req);
  const body = s
    ? `<h1>${escapeHtml(rp.clientName)}</h1>
<p id="status">Signed in as <strong id="subject">${escapeHtml(s.subject)}</strong>.</p>
<p class="note">Session id at the OpenID provider: <code id="sid">${escapeHtml(s.sid ?? "")}</code></p>
<p><a class="button" id="sign-out" href="/rp/${rp.name}/logout">Sign out</a></p>`
    : `<h1>${escapeHtml(rp.clientName)}</h1>
<p id="status">Not signed in.</p>
<p><a class="button" id="sign-in" href="/rp/${rp.name}/start">Sign in</a></p>`;
  sendHtml(res, 200, rp.clientName, body);
}

async function rpStart(rp, req, res, query) {
  await ensureClient(rp, overridesFrom(query));
  const state = randomToken();
  const nonce = randomToken();
  rp.pending.set(state, { nonce, created: Date.now() });
  // Drop stale pending authorizations.
  for (const [k, v] of rp.pending) if (Date.now() - v.created > 30 * 60_000) rp.pending.delete(k);
  const params = new URLSearchParams({
    response_type: "code",
    client_id: rp.clientId,
    redirect_uri: rpUrl(rp.name, "callback"),
    scope: SCOPE,
    state,
    nonce,
  });
  for (const k of ["login_hint", "prompt", "max_age", "ui_locales"]) {
    const v = query.get(k);
    if (v) params.set(k, v);
  }
  redirect(res, `${HYDRA_PUBLIC_URL}/oauth2/auth?${params}`, {
    "Set-Cookie": cookie(`rp_${rp.name}_state`, state, `/rp/${rp.name}`),
  });
}

async function rpCallback(rp, req, res, query) {
  const fail = (message) =>
    sendHtml(res, 400, "Sign-in failed", `<h1>Sign-in failed</h1><p id="error">${escapeHtml(message)}</p>
<p><a href="/rp/${rp.name}/">Back to ${escapeHtml(rp.clientName)}</a></p>`);
  if (query.get("error")) {
    return fail(`${query.get("error")}: ${query.get("error_description") ?? ""}`);
  }
  const state = query.get("state");
  const code = query.get("code");
  const cookieState = parseCookies(req)[`rp_${rp.name}_state`];
  const pending = state ? rp.pending.get(state) : undefined;
  if (!state || !code || state !== cookieState || !pending) {
    return fail("missing code or state, or state does not match this browser's sign-in attempt");
  }
  rp.pending.delete(state);
  await ensureClient(rp);
  const tok = await hydra(
    HYDRA_PUBLIC_URL,
    "POST",
    "/oauth2/token",
    {
      grant_type: "authorization_code",
      code,
      redirect_uri: rpUrl(rp.name, "callback"),
      client_id: rp.clientId,
      client_secret: CLIENT_SECRET,
    },
    { form: true },
  );
  if (tok.status !== 200 || !tok.json?.id_token) {
    const e = tok.json ?? {};
    return fail(`token exchange failed with ${tok.status} ${e.error ?? ""} ${e.error_description ?? ""}`.trim());
  }
  let claims;
  let kid;
  try {
    const d = decodeJwt(tok.json.id_token);
    claims = d.payload;
    kid = d.header.kid;
  } catch {
    return fail("the ID token could not be decoded");
  }
  // Warm the JWKS cache now: Hydra's first /.well-known/jwks.json call can take
  // seconds (it generates a missing key set), which would otherwise delay the
  // recording of the first back-channel logout token.
  if (kid) publicKey(kid).catch(() => {});
  if (claims.nonce !== pending.nonce) return fail("the ID token's nonce does not match");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(rp.clientId)) return fail("the ID token's audience does not include this client");
  const session = {
    id: randomToken(),
    subject: claims.sub,
    sid: claims.sid ?? null,
    id_token: tok.json.id_token,
    created_at: new Date().toISOString(),
  };
  // Replace this browser's previous session, if any.
  const old = currentSession(rp, req);
  if (old) rp.sessions.delete(old.id);
  rp.sessions.set(session.id, session);
  rp.lastSessionId = session.id;
  res.setHeader("Set-Cookie", [
    cookie(`rp_${rp.name}`, session.id, `/rp/${rp.name}`),
    cookie(`rp_${rp.name}_state`, "", `/rp/${rp.name}`, { clear: true }),
  ]);
  redirect(res, `/rp/${rp.name}/`);
}

async function rpLogout(rp, req, res, query) {
  await ensureClient(rp);
  const s = currentSession(rp, req);
  if (!s) {
    // Not signed in here: OP-initiated logout (relies on Hydra's own session cookie).
    return redirect(res, `${HYDRA_PUBLIC_URL}/oauth2/sessions/logout`);
  }
  const params = new URLSearchParams();
  params.set("id_token_hint", s.id_token);
  params.set("post_logout_redirect_uri", query.get("post_logout_redirect_uri") ?? rpUrl(rp.name, "logged-out"));
  // ?state= (empty) omits the state; ?state=x uses x; default is a random value.
  const state = query.has("state") ? query.get("state") : randomToken();
  if (state) {
    params.set("state", state);
    rp.logoutStates.add(state);
    s.logout_state = state;
  }
  for (const k of ["ui_locales", "logout_hint", "client_id"]) {
    const v = query.get(k);
    if (v) params.set(k, v);
  }
  redirect(res, `${HYDRA_PUBLIC_URL}/oauth2/sessions/logout?${params}`);
}

function rpLoggedOut(rp, req, res, query) {
  const s = currentSession(rp, req);
  if (s) rp.sessions.delete(s.id);
  const state = query.get("state");
  const check = state === null ? "none" : rp.logoutStates.has(state) ? "issued" : "unknown";
  sendHtml(
    res,
    200,
    `Signed out of ${rp.clientName}`,
    `<h1>Signed out of ${escapeHtml(rp.clientName)}</h1>
<p>State: <code id="state">${escapeHtml(state ?? "")}</code> <span id="state-check" class="note">${check}</span></p>
<p><a class="button" href="/rp/${rp.name}/">Back to ${escapeHtml(rp.clientName)}</a></p>`,
    { "Set-Cookie": cookie(`rp_${rp.name}`, "", `/rp/${rp.name}`, { clear: true }) },
  );
}

// JWKS cache for logout token verification: kid -> KeyObject
const jwksCache = new Map();

async function publicKey(kid) {
  if (jwksCache.has(kid)) return jwksCache.get(kid);
  const r = await hydra(HYDRA_PUBLIC_URL, "GET", "/.well-known/jwks.json");
  if (r.status !== 200) throw new Error(`jwks answered ${r.status}`);
  for (const k of r.json?.keys ?? []) {
    try {
      jwksCache.set(k.kid, crypto.createPublicKey({ key: k, format: "jwk" }));
    } catch {
      // ignore keys node cannot import
    }
  }
  return jwksCache.get(kid) ?? null;
}

/** Checks a logout token as an RP should (OpenID Connect Back-Channel Logout 1.0, section 2.6). */
async function verifyLogoutToken(rp, token) {
  const errors = [];
  let header = null;
  let claims = null;
  try {
    const d = decodeJwt(token);
    header = d.header;
    claims = d.payload;
    if (d.header.alg !== "RS256") errors.push(`alg is ${d.header.alg}, expected RS256`);
    const key = d.header.kid ? await publicKey(d.header.kid) : null;
    if (!key) errors.push("no JWKS key for the token's kid");
    else if (!crypto.verify("RSA-SHA256", Buffer.from(d.signingInput), key, d.signature)) errors.push("bad signature");
    if (trimSlash(String(claims.iss ?? "")) !== HYDRA_PUBLIC_URL) errors.push(`unexpected iss ${claims.iss}`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(rp.clientId)) errors.push("aud does not include the client");
    if (typeof claims.iat !== "number" || Math.abs(Date.now() / 1000 - claims.iat) > 300) errors.push("iat missing or not recent");
    if (!claims.jti) errors.push("jti missing");
    if (!claims.events || typeof claims.events[BACKCHANNEL_EVENT] !== "object") errors.push("events claim missing");
    if (!claims.sid && !claims.sub) errors.push("neither sid nor sub");
    if ("nonce" in claims) errors.push("nonce must not be present");
  } catch (err) {
    errors.push(`undecodable token: ${err.message}`);
  }
  return { header, claims, verification: { ok: errors.length === 0, errors } };
}

async function rpBackchannel(rp, req, res) {
  const body = await readBody(req);
  const token = new URLSearchParams(body).get("logout_token");
  if (!token) return sendJson(res, 400, { error: "invalid_request", error_description: "missing logout_token" });
  const received_at = new Date().toISOString();
  const checked = await verifyLogoutToken(rp, token);
  pushBounded(rp.backchannel, { logout_token: token, received_at, ...checked });
  if (checked.verification.ok) endSessionsBySid(rp, checked.claims.sid);
  send(res, 200, "");
}

function rpFrontchannel(rp, req, res, query) {
  const iss = query.get("iss");
  const sid = query.get("sid");
  pushBounded(rp.frontchannel, { iss, sid, received_at: new Date().toISOString() });
  endSessionsBySid(rp, sid);
  sendHtml(res, 200, "Front-channel logout", `<p id="frontchannel">Front-channel logout received by ${escapeHtml(rp.clientName)}.</p>`);
}

function rpEvents(rp, req, res) {
  const s = currentSession(rp, req) ?? (rp.lastSessionId ? rp.sessions.get(rp.lastSessionId) : null) ?? null;
  sendJson(res, 200, {
    client_id: rp.clientId,
    backchannel: rp.backchannel,
    frontchannel: rp.frontchannel,
    session: s ? { sid: s.sid, subject: s.subject } : null,
  });
}

// ---------------------------------------------------------------------------
// Router

function indexPage(res) {
  sendHtml(
    res,
    200,
    "hydra-logout-ui test environment",
    `<h1>hydra-logout-ui test environment</h1>
<ul>
  <li><a href="/rp/demo/">Sample App Demo</a> (back-channel logout)</li>
  <li><a href="/rp/shop-fc/">Sample App Shop-fc</a> (back- and front-channel logout)</li>
</ul>
<p class="note">Sign in to one or both, then sign out to see the logout UI at <code>http://127.0.0.1:3000/logout</code>.</p>`,
  );
}

/**
 * A page embedding `?src=` (http/https only) in an iframe: another origin trying to
 * frame the app, for clickjacking tests. Served from this real loopback server
 * because Chromium's Local Network Access checks block pages that are not on a
 * local address (such as pages faked by Playwright's routing) from framing
 * 127.0.0.1 at all, which would hide what the app's own headers do.
 */
function framePage(res, query) {
  const src = query.get("src") ?? "";
  let ok = false;
  try {
    ok = ["http:", "https:"].includes(new URL(src).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new HttpError(400, "src must be an http(s) URL");
  sendHtml(
    res,
    200,
    "Framing page",
    `<h1 id="framer">Framing page</h1>
<iframe id="framed" title="framed page" src="${escapeHtml(src)}" width="600" height="400"></iframe>`,
  );
}

/**
 * A plain HTML form that POSTs `field.<name>=<value>` query parameters as fields to
 * `?action=` (http/https only) when `#submit` is clicked: a page of another origin
 * submitting a form cross-origin, with or without JavaScript (e.g. an end-session
 * request by POST).
 */
function formPage(res, query) {
  const action = query.get("action") ?? "";
  let ok = false;
  try {
    ok = ["http:", "https:"].includes(new URL(action).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new HttpError(400, "action must be an http(s) URL");
  const fields = [...query.entries()]
    .filter(([k]) => k.startsWith("field."))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k.slice(6))}" value="${escapeHtml(v)}">`)
    .join("\n");
  sendHtml(
    res,
    200,
    "Form page",
    `<h1 id="form-page">Form page</h1>
<form method="post" action="${escapeHtml(action)}">
${fields}
<button id="submit" type="submit">Send</button>
</form>`,
  );
}

async function route(req, res, url) {
  const { pathname, searchParams: query } = url;
  const method = req.method;

  if (pathname === "/" && method === "GET") return indexPage(res);
  if (pathname === "/support/health" && method === "GET") return sendJson(res, 200, { status: "ok" });
  if (pathname === "/support/logins" && method === "GET") {
    return sendJson(res, 200, {
      logins,
      counts: {
        skip_false: logins.filter((l) => !l.skip).length,
        skip_true: logins.filter((l) => l.skip).length,
      },
    });
  }
  if (pathname === "/support/reset" && method === "POST") {
    logins = [];
    for (const rp of rps.values()) {
      rp.backchannel = [];
      rp.frontchannel = [];
    }
    return sendJson(res, 200, { status: "reset" });
  }
  if (pathname === "/support/frame" && method === "GET") return framePage(res, query);
  if (pathname === "/support/form" && method === "GET") return formPage(res, query);
  if (pathname === "/login" && method === "GET") return handleLogin(req, res, query);
  if (pathname === "/consent" && method === "GET") return handleConsent(req, res, query);

  const m = /^\/rp\/([^/]+)(\/.*)?$/.exec(pathname);
  if (m) {
    const name = m[1];
    if (!RP_NAME.test(name)) throw new HttpError(404, "relying party names must match [a-z0-9-]+");
    const rp = rpState(name);
    const sub = m[2] ?? "";
    if (sub === "") return redirect(res, `/rp/${name}/`);
    const key = `${method} ${sub}`;
    switch (key) {
      case "GET /":
        return rpHome(rp, req, res);
      case "GET /start":
        return rpStart(rp, req, res, query);
      case "GET /callback":
        return rpCallback(rp, req, res, query);
      case "GET /logout":
        return rpLogout(rp, req, res, query);
      case "GET /logged-out":
        return rpLoggedOut(rp, req, res, query);
      case "POST /backchannel":
        return rpBackchannel(rp, req, res);
      case "GET /frontchannel":
        return rpFrontchannel(rp, req, res, query);
      case "GET /events":
        return rpEvents(rp, req, res);
      default:
        break;
    }
  }
  throw new HttpError(404, "not found");
}

const server = http.createServer(async (req, res) => {
  let url;
  try {
    url = new URL(req.url ?? "/", "http://127.0.0.1");
  } catch {
    url = new URL("http://127.0.0.1/");
  }
  // One line per request: method and path, never the query (challenges, tokens).
  console.log(`${new Date().toISOString()} ${req.method} ${url.pathname}`);
  try {
    await route(req, res, url);
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    const message = err instanceof HttpError ? err.message : "internal error";
    if (!(err instanceof HttpError)) console.error(`error: ${err?.stack ?? err}`);
    else if (status >= 500) console.error(`error: ${message}`);
    if (res.headersSent) return res.end();
    sendHtml(res, status, "Error", `<h1>Error ${status}</h1><p id="error">${escapeHtml(message)}</p>`);
  }
});

server.listen(PORT, HOST, () => {
  console.log(`support server listening on ${SELF_URL} (Hydra public ${HYDRA_PUBLIC_URL}, admin ${HYDRA_ADMIN_URL})`);
});

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
