// Drives OpenID Connect flows against a real Ory Hydra at the HTTP level, the way a
// browser and a relying party would, and the app's two endpoints. TEST ONLY.
//
// A "browser" is a CookieJar. Hydra's login and consent are accepted through the
// admin API (no UI is ever loaded), the code is exchanged for an ID token, and an
// RP-initiated logout is started with it; Hydra's 302 to `urls.logout` carries the
// logout challenge, which is then handed to whichever app instance is under test.

import crypto from "node:crypto";
import { CookieJar } from "./cookies.mjs";
import { request, form } from "./http.mjs";
import { acceptConsent, acceptLogin } from "../../lib/hydra-login.mjs";

export class StepError extends Error {
  constructor(step, message, detail) {
    super(`${step}: ${message}`);
    this.step = step;
    this.detail = detail;
  }
}

const CLIENT_SECRET = "ops-test-client-secret-0123456789";
const RP_ORIGIN = "http://127.0.0.1:5599"; // never contacted: only redirect targets

export const uid = (p) => `${p}-${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
const enc = encodeURIComponent;

export class Hydra {
  constructor({ publicUrl, adminUrl, timeoutMs = 30000 }) {
    this.publicUrl = publicUrl.replace(/\/$/, "");
    this.adminUrl = adminUrl.replace(/\/$/, "");
    this.timeoutMs = timeoutMs;
  }

  async admin(method, path, body) {
    const res = await request(`${this.adminUrl}${path}`, { method, body, timeoutMs: this.timeoutMs });
    let json;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    return { ...res, json };
  }

  /** Registers a relying party (client_secret_post, scope openid). */
  async createClient(prefix = "ops") {
    const clientId = uid(prefix);
    const redirect = `${RP_ORIGIN}/${clientId}/callback`;
    const postLogout = `${RP_ORIGIN}/${clientId}/logged-out`;
    const res = await this.admin("POST", "/admin/clients", {
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      client_name: `Ops ${prefix}`,
      client_uri: "https://app.example/",
      redirect_uris: [redirect],
      post_logout_redirect_uris: [postLogout],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      scope: "openid",
      token_endpoint_auth_method: "client_secret_post",
    });
    if (res.status !== 201) throw new StepError("client", `POST /admin/clients → ${res.status}`, res.body.slice(0, 300));
    return { clientId, redirect, postLogout };
  }

  /**
   * Signs `subject` in with a fresh browser (jar) through the authorization code
   * flow and returns { jar, idToken, timings }.
   */
  async login(client, subject = "alice", jar = new CookieJar()) {
    const t0 = performance.now();
    const auth = new URL(`${this.publicUrl}/oauth2/auth`);
    auth.search = form({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: client.redirect,
      scope: "openid",
      state: crypto.randomBytes(12).toString("hex"),
      nonce: crypto.randomBytes(12).toString("hex"),
    });
    let next = auth.toString();
    let code;
    for (let hop = 0; hop < 10 && !code; hop++) {
      const res = await request(next, { jar, timeoutMs: this.timeoutMs });
      if (!res.location) throw new StepError("auth", `no redirect from ${new URL(next).pathname}: ${res.status}`, res.body.slice(0, 300));
      const loc = new URL(res.location);
      const login = loc.searchParams.get("login_challenge");
      const consent = loc.searchParams.get("consent_challenge");
      if (login || consent) {
        const call = (method, path, body) => this.admin(method, path, body);
        const r = login
          ? await acceptLogin(call, login, { subject, remember: true, remember_for: 0 })
          : await acceptConsent(call, consent, { grant_scope: ["openid"], remember: true });
        const step = login ? "login-accept" : "consent-accept";
        if (r.failed) throw new StepError(step, `${r.res.status}`, r.res.body.slice(0, 300));
        next = r.redirectTo;
      } else if (res.location.startsWith(client.redirect)) {
        code = loc.searchParams.get("code");
        if (!code) throw new StepError("auth", `callback without code: ${loc.searchParams.get("error")}`);
      } else {
        next = res.location;
      }
    }
    if (!code) throw new StepError("auth", "the authorization flow did not return a code");
    const tok = await request(`${this.publicUrl}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form({
        grant_type: "authorization_code",
        code,
        redirect_uri: client.redirect,
        client_id: client.clientId,
        client_secret: CLIENT_SECRET,
      }),
      timeoutMs: this.timeoutMs,
    });
    let idToken;
    try {
      idToken = JSON.parse(tok.body).id_token;
    } catch {
      /* reported below */
    }
    if (tok.status !== 200 || !idToken) throw new StepError("token", `${tok.status}`, tok.body.slice(0, 300));
    return { jar, idToken, ms: performance.now() - t0 };
  }

  /** Starts an RP-initiated logout; returns { challenge, location, state }. */
  async startLogout(client, session, state = crypto.randomBytes(12).toString("hex")) {
    const url = new URL(`${this.publicUrl}/oauth2/sessions/logout`);
    url.search = form({ id_token_hint: session.idToken, post_logout_redirect_uri: client.postLogout, state });
    const res = await request(url.toString(), { jar: session.jar, timeoutMs: this.timeoutMs });
    const challenge = res.location && new URL(res.location).searchParams.get("logout_challenge");
    if (res.status !== 302 || !challenge) {
      throw new StepError("logout-start", `expected 302 to urls.logout, got ${res.status} ${res.location ?? ""}`, res.body.slice(0, 300));
    }
    return { challenge, location: res.location, state };
  }

  /** Follows the app's redirect to Hydra (logout_verifier) with the browser; returns Hydra's answer. */
  async complete(session, location) {
    if (!location?.startsWith(`${this.publicUrl}/oauth2/sessions/logout?`)) {
      throw new StepError("decide", `not a redirect to Hydra's logout endpoint: ${location}`);
    }
    return request(location, { jar: session.jar, timeoutMs: this.timeoutMs });
  }

  /** The post-logout URL Hydra must end at. */
  expectedFinal(client, state) {
    return `${client.postLogout}?state=${enc(state)}`;
  }

  /** Everything up to a pending logout challenge: client (optional), login, logout start. */
  async pendingLogout({ client, subject = "alice", prefix = "ops" } = {}) {
    client ??= await this.createClient(prefix);
    const session = await this.login(client, subject);
    const logout = await this.startLogout(client, session);
    return { client, session, ...logout };
  }
}

/** The app's HTTP surface, as a browser without JavaScript uses it. */
export class App {
  constructor(baseUrl, timeoutMs = 30000) {
    this.base = baseUrl.replace(/\/$/, "");
    this.timeoutMs = timeoutMs;
  }

  /** GET /logout?logout_challenge=… → { status, ticket?, res }. Stores the CSRF cookie in the jar. */
  async prompt(challenge, jar, { extraQuery = "", agent } = {}) {
    const res = await request(`${this.base}/logout?logout_challenge=${enc(challenge)}${extraQuery}`, {
      headers: { accept: "text/html" },
      jar,
      agent,
      timeoutMs: this.timeoutMs,
    });
    return { status: res.status, ticket: ticketOf(res.body), res };
  }

  async get(pathAndQuery, jar) {
    return request(`${this.base}${pathAndQuery}`, { headers: { accept: "text/html" }, jar, timeoutMs: this.timeoutMs });
  }

  /** POST /api/logout/decide as a plain form → { status, location, res }. */
  async decide(ticket, decision, jar, { headers = {} } = {}) {
    const res = await request(`${this.base}/api/logout/decide`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "text/html",
        "sec-fetch-site": "same-origin",
        ...headers,
      },
      body: form({ ticket, decision }),
      jar,
      timeoutMs: this.timeoutMs,
    });
    return { status: res.status, location: res.location, res };
  }
}

export function ticketOf(html) {
  const m = /<input[^>]*name="ticket"[^>]*value="([^"]*)"/.exec(html ?? "");
  return m ? m[1].replaceAll("&amp;", "&") : undefined;
}

export function errorCodeOf(html) {
  const m = /data-error="([^"]*)"/.exec(html ?? "");
  return m ? m[1] : undefined;
}

/** Strings that must never reach a user-facing page (internals of the app or its upstream). */
export function leakedInternals(html, extra = []) {
  const needles = [
    "127.0.0.1:4465",
    "reqwest",
    "hyper::",
    "error sending request",
    "connection refused",
    "Connection refused",
    "panicked",
    "stack backtrace",
    "RUST_BACKTRACE",
    "src/server",
    "HydraError",
    "/admin/oauth2",
    "tcp connect error",
    "operation timed out",
    ...extra,
  ];
  return needles.filter((n) => html.includes(n));
}
