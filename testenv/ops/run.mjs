#!/usr/bin/env node
// Operational tests of hydra-logout-ui ("Reliability and operations"). TEST ONLY.
//
// Runs against a real Ory Hydra that scripts/ops-test.sh started (its own instance,
// so that stopping it does not disturb other test runs), with the release binary.
// Starts, on 127.0.0.1 only:
//   app A  :3010  HYDRA_ADMIN_URL = fault proxy :4465 → Hydra admin
//   app B  :3011  HYDRA_ADMIN_URL = Hydra admin (direct)
//   balancer :3020, round robin over A and B (same LOGOUT_UI_SECRET)
//   :3012  short-lived instances (a foreign secret; the graceful-shutdown victim)
// and drives flows at the HTTP level (no browser). Prints a table per case, the
// load figures, and `ops: N passed, N failed` last; exits 1 on any failure.
//
// Environment (all optional):
//   OPS_HYDRA_PUBLIC_URL / OPS_HYDRA_ADMIN_URL  (http://127.0.0.1:4474 / :4475)
//   OPS_CASES           comma-separated case names or prefixes to run (default: all)
//   OPS_LOAD_FLOWS      complete flows in the load case (default 200)
//   OPS_LOAD_CONCURRENCY flows in parallel (default 20)
//   OPS_LOAD_TIMEOUT_S  abort the load after this many seconds (default 600)
//   OPS_LOAD_CLIENTS    relying parties the load spreads over (default: concurrency)
//   OPS_HYDRA_PRESTART  shell command run before every `scripts/hydra.sh start`
//                       (scripts/ops-test.sh uses it to reset a PostgreSQL database)
//   OPS_RESULTS         where to write the results as JSON (target/ops/results.json)

import fs from "node:fs";
import path from "node:path";
import { Hydra, App, StepError, errorCodeOf, leakedInternals } from "./lib/flow.mjs";
import { request, pollUntil, sleep } from "./lib/http.mjs";
import { ProxyHandle } from "./lib/proxies.mjs";
import { AppProcess, stopAll, killAllSync, hydraSh, runHook, STATE, started } from "./lib/procs.mjs";
import { summarize, ms, table } from "./lib/report.mjs";

const env = process.env;
const int = (v, d) => (v && /^\d+$/.test(v) ? Number(v) : d);
const cfg = {
  hydraPublic: env.OPS_HYDRA_PUBLIC_URL ?? "http://127.0.0.1:4474",
  hydraAdmin: env.OPS_HYDRA_ADMIN_URL ?? "http://127.0.0.1:4475",
  faultPort: 4465,
  lbPort: 3020,
  portA: 3010,
  portB: 3011,
  portExtra: 3012,
  secret: "ops-test-shared-secret-0123456789abcdef",
  otherSecret: "ops-test-other-secret-fedcba9876543210",
  timeoutMs: 1500,
  connectTimeoutMs: 500,
  loadFlows: int(env.OPS_LOAD_FLOWS, 200),
  loadConcurrency: int(env.OPS_LOAD_CONCURRENCY, 20),
  loadTimeoutS: int(env.OPS_LOAD_TIMEOUT_S, 600),
  loadClients: int(env.OPS_LOAD_CLIENTS, 0),
  prestart: env.OPS_HYDRA_PRESTART ?? "",
  results: env.OPS_RESULTS ?? path.join(STATE, "results.json"),
  only: (env.OPS_CASES ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  hydraLog: env.OPS_HYDRA_LOG ?? "",
};
const FAULT_URL = `http://127.0.0.1:${cfg.faultPort}`;

const hydra = new Hydra({ publicUrl: cfg.hydraPublic, adminUrl: cfg.hydraAdmin });
const env_ = { proxy: null, lb: null, a: null, b: null };

// ---------------------------------------------------------------------------
// Case machinery

class Ctx {
  constructor(name) {
    this.name = name;
    this.checks = [];
    this.notes = [];
  }
  check(label, ok, detail = "") {
    this.checks.push({ label, ok: !!ok, detail: ok ? "" : String(detail) });
    return !!ok;
  }
  /** A check whose failure makes the rest of the case meaningless. */
  require(label, ok, detail = "") {
    if (!this.check(label, ok, detail)) throw new StepError(label, String(detail));
  }
  note(s) {
    this.notes.push(s);
  }
}

const cases = [];
const caseDef = (name, timeoutS, fn) => cases.push({ name, timeoutS, fn });

/** One line per case for the results table. */
const WHAT = {
  "fault-delay": "admin API 3 s slow: 503 + Retry-After, not ready, recovers",
  "fault-reset": "admin API resets connections: 503, not ready, recovers",
  "fault-5xx": "admin API answers 500: 503, not ready, recovers",
  "fault-503": "admin API answers 503 (retried read): 503, not ready, recovers",
  "fault-garbage": "admin API answers 200 garbage: 503, not ready, recovers",
  "fault-decision-put-5xx": "accept PUT fails: 303 …&failed=1; same ticket later succeeds",
  "replicas-balancer": "prompt and decision on different replicas via :3020",
  "replicas-cross": ":3010→:3011 and back; no CSRF cookie → back to the prompt",
  "replicas-foreign-secret": "replica with another secret refuses the ticket",
  "graceful-shutdown": "SIGTERM with 2 requests in flight: drained, refused, exit 0",
  "hydra-stopped": "Hydra stopped mid-flow: failed=1, 503, not ready; restart heals",
  load: "complete RP-initiated logouts via the balancer, 0 failures",
  "replicas-exit": "both replicas exit 0 on SIGTERM at the end",
  "app-logs": "every log line JSON; no challenge, token or admin URL in logs",
};

async function runCase({ name, timeoutS, fn }) {
  const t = new Ctx(name);
  const t0 = performance.now();
  let error;
  let timer;
  try {
    await Promise.race([
      fn(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutS} s`)), timeoutS * 1000);
      }),
    ]);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  const failed = t.checks.filter((c) => !c.ok);
  const ok = !error && failed.length === 0;
  const result = {
    name,
    ok,
    seconds: (performance.now() - t0) / 1000,
    checks: t.checks.length,
    failed: failed.map((c) => `${c.label}${c.detail ? `: ${c.detail}` : ""}`),
    error: error ? `${error.message}${error.detail ? ` — ${String(error.detail).slice(0, 300)}` : ""}` : undefined,
    notes: t.notes,
    data: t.data,
  };
  const mark = ok ? "PASS" : "FAIL";
  console.log(`[${mark}] ${name} (${result.seconds.toFixed(1)} s, ${t.checks.length} checks)`);
  for (const n of t.notes) console.log(`       · ${n}`);
  for (const f of result.failed) console.log(`       ✗ ${f}`);
  if (result.error) console.log(`       ✗ ${result.error}`);
  return result;
}

// ---------------------------------------------------------------------------
// Helpers shared by the cases

const appA = () => new App(env_.a.url);
const appB = () => new App(env_.b.url);
const lb = () => new App(`http://127.0.0.1:${cfg.lbPort}`);

/** Prompt → accept → Hydra → post-logout URL, with checks. Returns the final Location. */
async function acceptAndFinish(t, label, { app, decideApp = app, flow, ticket }) {
  if (!ticket) {
    const p = await app.prompt(flow.challenge, flow.session.jar);
    t.require(`${label}: prompt 200 with a ticket`, p.status === 200 && p.ticket, `status ${p.status}`);
    t.require(`${label}: CSRF cookie set`, flow.session.jar.get("logout_csrf"), p.res.setCookie.join(" | ") || "no Set-Cookie");
    ticket = p.ticket;
  }
  const d = await decideApp.decide(ticket, "accept", flow.session.jar);
  t.require(
    `${label}: accept → 303 to Hydra`,
    d.status === 303 && d.location?.startsWith(`${cfg.hydraPublic}/oauth2/sessions/logout?logout_verifier=`),
    `${d.status} ${d.location}`,
  );
  const done = await hydra.complete(flow.session, d.location);
  const expected = hydra.expectedFinal(flow.client, flow.state);
  t.check(`${label}: Hydra ends at the post-logout URL with the state`, done.status === 302 && done.location === expected, `${done.status} ${done.location} (expected ${expected})`);
  return done.location;
}

async function readyStatus(url) {
  try {
    return (await request(`${url}/health/ready`, { agent: false, timeoutMs: 3000 })).status;
  } catch (e) {
    return e.code;
  }
}

async function metricsOf(url) {
  const r = await request(`${url}/metrics`, { timeoutMs: 5000 });
  const out = {};
  for (const line of r.body.split("\n")) {
    const m = /^(logout_ui_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (m) out[`${m[1]}${m[2] ?? ""}`] = Number(m[3]);
  }
  return out;
}

const sumMetric = (m, prefix, labelPart = "") =>
  Object.entries(m)
    .filter(([k]) => k.startsWith(prefix) && k.includes(labelPart))
    .reduce((a, [, v]) => a + v, 0);

// ---------------------------------------------------------------------------
// 1. Fault proxy in front of the admin API

const FAULTS = [
  { name: "fault-delay", mode: { mode: "delay", ms: 3000 }, kind: "timeout", what: "3 s delay (> HYDRA_TIMEOUT_MS 1.5 s)" },
  { name: "fault-reset", mode: { mode: "reset" }, kind: "connect", what: "TCP reset on every request" },
  { name: "fault-5xx", mode: { mode: "status", status: 500 }, kind: "status", what: "500 with a JSON error" },
  { name: "fault-503", mode: { mode: "status", status: 503 }, kind: "status", what: "503 (the read is retried)" },
  { name: "fault-garbage", mode: { mode: "garbage" }, kind: "body", what: "200 with a non-JSON body" },
];

for (const f of FAULTS) {
  caseDef(f.name, 60, async (t) => {
    const flow = await hydra.pendingLogout({ prefix: f.name });
    const before = await metricsOf(env_.a.metricsUrl);
    await env_.proxy.set(f.mode);
    await env_.proxy.resetStats();
    const pid = env_.a.child.pid;

    const p = await appA().prompt(flow.challenge, flow.session.jar);
    t.check("GET /logout → 503", p.status === 503, `status ${p.status}`);
    t.check("Retry-After present", /^\d+$/.test(p.res.headers["retry-after"] ?? ""), `Retry-After: ${p.res.headers["retry-after"]}`);
    t.check('page is the "unavailable" error', errorCodeOf(p.res.body) === "unavailable", `data-error=${errorCodeOf(p.res.body)}`);
    t.check("no ticket on the error page", !p.ticket);
    const leaks = leakedInternals(p.res.body);
    t.check("page shows no internals", leaks.length === 0, leaks.join(", "));
    t.check("answered within the configured bound", p.res.ms < 5000, `${Math.round(p.res.ms)} ms`);
    const st = (await env_.proxy.stats()).stats;
    t.note(`${f.what}: 503 in ${ms(p.res.ms)}, ${st.faulted} admin call(s) faulted (retries included)`);

    const notReady = await pollUntil(`${env_.a.url}/health/ready`, (r) => r.status === 503, { timeoutMs: 6000, agent: false });
    t.check("/health/ready → 503", notReady.ok, notReady.last?.status ?? notReady.last?.code);
    if (notReady.ok) {
      const leaksReady = leakedInternals(notReady.last.body);
      t.check("/health/ready body shows no internals", leaksReady.length === 0, leaksReady.join(", "));
    }
    const after = await metricsOf(env_.a.metricsUrl);
    const key = `logout_ui_hydra_errors_total`;
    const delta = sumMetric(after, key, `kind="${f.kind}"`) - sumMetric(before, key, `kind="${f.kind}"`);
    t.check(`metrics count the fault (kind="${f.kind}")`, delta > 0, `delta ${delta}`);

    // Recovery without restarting the app.
    await env_.proxy.set({ mode: "pass" });
    const ready = await pollUntil(`${env_.a.url}/health/ready`, (r) => r.status === 200, { timeoutMs: 6000, agent: false });
    t.check("/health/ready → 200 again after recovery", ready.ok, ready.last?.status ?? ready.last?.code);
    await acceptAndFinish(t, "recovered flow", { app: appA(), flow });
    t.check("same app process (no restart)", env_.a.child.pid === pid && !env_.a.exited);
  });
}

caseDef("fault-decision-put-5xx", 60, async (t) => {
  const flow = await hydra.pendingLogout({ prefix: "put5xx" });
  await env_.proxy.set({ mode: "pass" });
  const p = await appA().prompt(flow.challenge, flow.session.jar);
  t.require("prompt 200 with a ticket", p.status === 200 && p.ticket, `status ${p.status}`);

  await env_.proxy.set({ mode: "status", status: 500, methods: ["PUT"] });
  const d = await appA().decide(p.ticket, "accept", flow.session.jar);
  const loc = d.location ? new URL(d.location) : null;
  t.check(
    "decision during PUT 5xx → 303 /logout?…&failed=1",
    d.status === 303 && loc?.pathname === "/logout" && loc.searchParams.get("failed") === "1" && loc.searchParams.get("logout_challenge") === flow.challenge,
    `${d.status} ${d.location}`,
  );
  if (loc) {
    const back = await appA().get(loc.pathname + loc.search, flow.session.jar);
    t.check("the prompt comes back with a retry notice", back.status === 200 && back.body.includes("Please try again"), `status ${back.status}`);
  }
  await env_.proxy.set({ mode: "pass" });
  const final = await acceptAndFinish(t, "same ticket after recovery", { app: appA(), flow, ticket: p.ticket });
  t.note(`PUT 500 → ${d.status} ${loc ? loc.pathname + "?…&failed=1" : d.location}; same ticket after recovery → ${final ? "signed out" : "?"}`);
});

// ---------------------------------------------------------------------------
// 3. Replicas behind a load balancer

caseDef("replicas-balancer", 60, async (t) => {
  const flow = await hydra.pendingLogout({ prefix: "lb" });
  const p = await lb().prompt(flow.challenge, flow.session.jar);
  t.require("prompt through the balancer: 200 with a ticket", p.status === 200 && p.ticket, `status ${p.status}`);
  const d = await lb().decide(p.ticket, "accept", flow.session.jar);
  const b1 = p.res.headers["x-ops-backend"];
  const b2 = d.res.headers["x-ops-backend"];
  t.check("prompt and decision served by different replicas", b1 && b2 && b1 !== b2, `${b1} / ${b2}`);
  t.require("accept → 303 to Hydra", d.status === 303 && d.location?.includes("logout_verifier="), `${d.status} ${d.location}`);
  const done = await hydra.complete(flow.session, d.location);
  const expected = hydra.expectedFinal(flow.client, flow.state);
  t.check("Hydra ends at the post-logout URL with the state", done.status === 302 && done.location === expected, `${done.status} ${done.location}`);
  t.note(`prompt from :${b1}, decision on :${b2}`);
});

caseDef("replicas-cross", 60, async (t) => {
  for (const [from, to] of [
    [appA(), appB()],
    [appB(), appA()],
  ]) {
    const label = `${new URL(from.base).port}→${new URL(to.base).port}`;
    const flow = await hydra.pendingLogout({ prefix: "cross" });
    const p = await from.prompt(flow.challenge, flow.session.jar);
    t.require(`${label}: prompt 200`, p.status === 200 && p.ticket, `status ${p.status}`);
    // Without the CSRF cookie the other replica must refuse (the binding is checked
    // there too) and lead back to the prompt for the same challenge (SECURITY.md 17).
    const bare = await to.decide(p.ticket, "accept", undefined);
    const back = bare.location ? new URL(bare.location, to.base) : undefined;
    t.check(
      `${label}: without the CSRF cookie → 303 /logout?…&failed=1`,
      bare.status === 303 && back?.pathname === "/logout" && back.searchParams.get("logout_challenge") === flow.challenge && back.searchParams.get("failed") === "1",
      `${bare.status} ${bare.location?.replace(/logout_challenge=[^&]+/, "logout_challenge=…")}`,
    );
    await acceptAndFinish(t, label, { app: from, decideApp: to, flow, ticket: p.ticket });
  }
});

caseDef("replicas-foreign-secret", 60, async (t) => {
  const c = await AppProcess.start({
    name: "foreign",
    port: cfg.portExtra,
    adminUrl: cfg.hydraAdmin,
    publicUrl: cfg.hydraPublic,
    secret: cfg.otherSecret,
  });
  try {
    const flow = await hydra.pendingLogout({ prefix: "foreign" });
    const p = await appA().prompt(flow.challenge, flow.session.jar);
    t.require("prompt on :3010 200", p.status === 200 && p.ticket, `status ${p.status}`);
    const d = await new App(c.url).decide(p.ticket, "accept", flow.session.jar);
    t.check("instance with another secret → 303 /error?error=forbidden", d.status === 303 && d.location?.endsWith("/error?error=forbidden"), `${d.status} ${d.location}`);
    // The refusal changed nothing: the right replica still completes it.
    await acceptAndFinish(t, "same ticket on :3011", { app: appB(), flow, ticket: p.ticket });
  } finally {
    const s = await c.stop("SIGTERM");
    t.check("foreign instance exits 0 on SIGTERM", s.code === 0, JSON.stringify(s));
  }
});

// ---------------------------------------------------------------------------
// 4. Graceful shutdown

caseDef("graceful-shutdown", 60, async (t) => {
  const victim = await AppProcess.start({
    name: "victim",
    port: cfg.portExtra,
    adminUrl: FAULT_URL,
    publicUrl: cfg.hydraPublic,
    secret: cfg.secret,
    env: { HYDRA_TIMEOUT_MS: "5000", HYDRA_CONNECT_TIMEOUT_MS: "1000" },
  });
  const app = new App(victim.url);
  try {
    await env_.proxy.set({ mode: "pass" });
    const f1 = await hydra.pendingLogout({ prefix: "drain-get" });
    const f2 = await hydra.pendingLogout({ prefix: "drain-post" });
    const p2 = await app.prompt(f2.challenge, f2.session.jar, { agent: false });
    t.require("prompt for the in-flight decision", p2.status === 200 && p2.ticket, `status ${p2.status}`);

    await env_.proxy.set({ mode: "delay", ms: 1500 });
    await env_.proxy.resetStats();
    // Two slow requests in flight: a prompt (GET) and a decision (POST).
    const inflightGet = app.prompt(f1.challenge, f1.session.jar, { agent: false }).then(
      (r) => ({ r, at: performance.now() }),
      (e) => ({ e, at: performance.now() }),
    );
    const inflightPost = app.decide(p2.ticket, "accept", f2.session.jar).then(
      (r) => ({ r, at: performance.now() }),
      (e) => ({ e, at: performance.now() }),
    );
    // Wait until both reached the (delaying) proxy, i.e. are inside the app.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && (await env_.proxy.stats()).stats.faulted < 2) await sleep(20);
    const tTerm = performance.now();
    const stopping = victim.stop("SIGTERM", 15000);
    await sleep(200);

    // New connections are refused while the two requests drain.
    let refused = 0;
    let accepted = 0;
    let settledBefore = false;
    for (let i = 0; i < 3; i++) {
      try {
        await request(`${victim.url}/health/alive`, { agent: false, timeoutMs: 1000 });
        accepted++;
      } catch (e) {
        if (e.code === "ECONNREFUSED") refused++;
        else accepted++;
      }
      await sleep(100);
    }
    const race = await Promise.race([inflightGet.then(() => true), sleep(0).then(() => false)]);
    settledBefore = race;
    t.check("new connections refused after SIGTERM", refused === 3 && accepted === 0, `refused ${refused}, other ${accepted}`);
    t.check("…while the in-flight requests were still running", !settledBefore);

    const g = await inflightGet;
    const po = await inflightPost;
    t.check("in-flight GET /logout completes (200 with a ticket)", g.r?.status === 200 && g.r?.ticket, g.e?.message ?? `status ${g.r?.status}`);
    t.check("in-flight POST decision completes (303 to Hydra)", po.r?.status === 303 && po.r?.location?.includes("logout_verifier="), po.e?.message ?? `${po.r?.status} ${po.r?.location}`);
    const s = await stopping;
    t.check("process exits with status 0", s.code === 0 && !s.killed, JSON.stringify(s));
    t.check("exits within the 10 s bound", s.ms < 10500, `${Math.round(s.ms)} ms`);
    const lastResponse = Math.max(g.at, po.at);
    t.check("exit after the in-flight responses", tTerm + s.ms >= lastResponse - 50, `exit ${Math.round(s.ms)} ms after TERM, last response ${Math.round(lastResponse - tTerm)} ms after TERM`);
    t.note(`SIGTERM at +0; in-flight GET done at +${Math.round(g.at - tTerm)} ms, POST at +${Math.round(po.at - tTerm)} ms; exit ${s.code} at +${Math.round(s.ms)} ms`);

    // Nothing lost: both flows finish on a surviving replica / at Hydra.
    await env_.proxy.set({ mode: "pass" });
    if (po.r?.status === 303) {
      const done = await hydra.complete(f2.session, po.r.location);
      t.check("drained decision: Hydra completes the logout", done.location === hydra.expectedFinal(f2.client, f2.state), `${done.status} ${done.location}`);
    }
    if (g.r?.ticket) await acceptAndFinish(t, "drained prompt's ticket on :3011", { app: appB(), flow: f1, ticket: g.r.ticket });
  } finally {
    await env_.proxy.set({ mode: "pass" });
    if (!victim.exited) await victim.stop("SIGKILL");
  }
});

// ---------------------------------------------------------------------------
// 2. Hydra stopped mid-flow

caseDef("hydra-stopped", 180, async (t) => {
  await env_.proxy.set({ mode: "pass" });
  const flow = await hydra.pendingLogout({ prefix: "stop" });
  const p = await appB().prompt(flow.challenge, flow.session.jar);
  t.require("prompt before the stop", p.status === 200 && p.ticket, `status ${p.status}`);

  const stopped = await hydraSh("stop");
  t.require("scripts/hydra.sh stop", stopped.ok, stopped.out);
  const pidA = env_.a.child.pid;
  const pidB = env_.b.child.pid;

  const d = await appB().decide(p.ticket, "accept", flow.session.jar);
  const loc = d.location ? new URL(d.location) : null;
  t.check("decision → 303 /logout?…&failed=1", d.status === 303 && loc?.pathname === "/logout" && loc.searchParams.get("failed") === "1", `${d.status} ${d.location}`);
  t.check("decision answered promptly", d.res.ms < 5000, `${Math.round(d.res.ms)} ms`);
  for (const [label, app] of [
    [":3011 (direct)", appB()],
    [":3010 (via proxy)", appA()],
  ]) {
    const g = await app.prompt(flow.challenge, flow.session.jar);
    t.check(`${label} GET /logout → 503 + Retry-After`, g.status === 503 && g.res.headers["retry-after"], `${g.status} ${g.res.headers["retry-after"]}`);
    const leaks = leakedInternals(g.res.body, ["127.0.0.1:4475", "4475"]);
    t.check(`${label} page shows no internals`, leaks.length === 0, leaks.join(", "));
  }
  const nr = await pollUntil(`${env_.b.url}/health/ready`, (r) => r.status === 503, { timeoutMs: 6000, agent: false });
  t.check("/health/ready → 503 while Hydra is down", nr.ok, nr.last?.status ?? nr.last?.code);

  const hook = await runHook(cfg.prestart);
  t.require("pre-start hook", hook.ok, hook.out);
  const started = await hydraSh("start");
  t.require("scripts/hydra.sh start", started.ok, started.out);
  const t0 = performance.now();
  const rb = await pollUntil(`${env_.b.url}/health/ready`, (r) => r.status === 200, { timeoutMs: 10000, everyMs: 100, agent: false });
  const ra = await pollUntil(`${env_.a.url}/health/ready`, (r) => r.status === 200, { timeoutMs: 10000, everyMs: 100, agent: false });
  t.check("/health/ready → 200 within a few seconds (:3011)", rb.ok, rb.last?.status ?? rb.last?.code);
  t.check("/health/ready → 200 within a few seconds (:3010)", ra.ok, ra.last?.status ?? ra.last?.code);
  t.note(`hydra.sh start took ${(started.ms / 1000).toFixed(1)} s; ready again ${Math.round(performance.now() - t0)} ms after it returned`);

  // The old ticket: Hydra's database is new on each start with SQLite (challenge gone);
  // with a persistent database it survives. Reported, not asserted.
  const old = await appB().decide(p.ticket, "accept", flow.session.jar);
  t.note(`old ticket after restart → ${old.status} ${old.location?.replace(/logout_challenge=[^&]+/, "logout_challenge=…")}`);
  if (old.status === 303 && old.location?.includes("logout_verifier=")) await hydra.complete(flow.session, old.location);

  for (const [label, app] of [
    ["new flow on :3011", appB()],
    ["new flow on :3010", appA()],
  ]) {
    const f = await hydra.pendingLogout({ prefix: "restart" });
    await acceptAndFinish(t, label, { app, flow: f });
  }
  t.check("apps not restarted", env_.a.child.pid === pidA && env_.b.child.pid === pidB && !env_.a.exited && !env_.b.exited);
});

// ---------------------------------------------------------------------------
// 5. Load

/** Counts regex matches in the part of Hydra's log written since `fromOffset`. */
function countInLog(file, fromOffset, patterns) {
  const out = Object.fromEntries(Object.keys(patterns).map((k) => [k, 0]));
  if (!file || !fs.existsSync(file)) return out;
  const fd = fs.openSync(file, "r");
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(Math.max(0, size - fromOffset));
  fs.readSync(fd, buf, 0, buf.length, fromOffset);
  fs.closeSync(fd);
  const text = buf.toString("utf8");
  for (const [k, re] of Object.entries(patterns)) out[k] = (text.match(re) ?? []).length;
  return out;
}

const HYDRA_LOG_PATTERNS = {
  "database is locked": /database is locked/g,
  "SQLSTATE errors": /SQLSTATE/g,
  "5xx answers": /[\[ ]status:5\d\d\b/g,
  "requests ≥ 10 s": /took:(?:[1-9]\d+(?:\.\d+)?s|\d+m[\d.]+s|\d+h)/g,
};

caseDef("load", cfg.loadTimeoutS + 120, async (t) => {
  const N = cfg.loadFlows;
  const C = Math.max(1, Math.min(cfg.loadConcurrency, N));
  const nClients = cfg.loadClients || C;
  await env_.proxy.set({ mode: "pass" });
  await env_.lb.resetStats();
  const logOffset = cfg.hydraLog && fs.existsSync(cfg.hydraLog) ? fs.statSync(cfg.hydraLog).size : 0;
  const metricsBefore = [await metricsOf(env_.a.metricsUrl), await metricsOf(env_.b.metricsUrl)];

  const tc = performance.now();
  const clients = [];
  for (let i = 0; i < nClients; i += 10) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(10, nClients - i) }, () => hydra.createClient("load")))));
  }
  const clientMs = performance.now() - tc;

  const app = lb();
  const lat = { login: [], start: [], prompt: [], decide: [], complete: [], flow: [] };
  const failures = [];
  let completed = 0;
  let wrongRedirect = 0;
  let next = 0;
  let aborted = false;
  const t0 = performance.now();
  const abortAt = t0 + cfg.loadTimeoutS * 1000;

  async function oneFlow(i) {
    const client = clients[i % clients.length];
    const f0 = performance.now();
    let step = "login";
    try {
      const session = await hydra.login(client, `load-${i}`);
      lat.login.push(session.ms);
      step = "logout-start";
      const s0 = performance.now();
      const logout = await hydra.startLogout(client, session, `st-${i}-${Math.random().toString(36).slice(2, 10)}`);
      lat.start.push(performance.now() - s0);
      step = "prompt";
      const p = await app.prompt(logout.challenge, session.jar);
      if (p.status !== 200 || !p.ticket) throw new StepError("prompt", `status ${p.status} (${errorCodeOf(p.res.body) ?? "no error code"}) via :${p.res.headers["x-ops-backend"]}`);
      lat.prompt.push(p.res.ms);
      step = "decide";
      const d = await app.decide(p.ticket, "accept", session.jar);
      if (d.status !== 303 || !d.location?.startsWith(`${cfg.hydraPublic}/oauth2/sessions/logout?logout_verifier=`)) {
        throw new StepError("decide", `${d.status} ${d.location?.replace(/logout_challenge=[^&]+/, "logout_challenge=…")} via :${d.res.headers["x-ops-backend"]}`);
      }
      lat.decide.push(d.res.ms);
      step = "complete";
      const done = await hydra.complete(session, d.location);
      lat.complete.push(done.ms);
      const expected = hydra.expectedFinal(client, logout.state);
      if (done.status !== 302 || done.location !== expected) {
        wrongRedirect++;
        failures.push({ i, step: "final-redirect", message: `${done.status} ${done.location}` });
        return;
      }
      lat.flow.push(performance.now() - f0);
      completed++;
    } catch (e) {
      failures.push({ i, step: e.step ?? step, message: e.message, detail: e.detail });
    }
  }

  async function worker() {
    for (;;) {
      if (next >= N) return;
      if (performance.now() > abortAt) {
        aborted = true;
        return;
      }
      await oneFlow(next++);
    }
  }
  let lastPrint = performance.now();
  const progress = setInterval(() => {
    if (performance.now() - lastPrint > 9500) {
      lastPrint = performance.now();
      console.log(`       … load: ${completed} done, ${failures.length} failed, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }, 1000);
  await Promise.all(Array.from({ length: C }, worker));
  clearInterval(progress);
  const wall = (performance.now() - t0) / 1000;
  const notRun = N - completed - failures.length;
  const lbStats = (await env_.lb.stats()).stats;
  const metricsAfter = [await metricsOf(env_.a.metricsUrl), await metricsOf(env_.b.metricsUrl)];
  const hydraErrDelta = metricsAfter.map((m, k) => sumMetric(m, "logout_ui_hydra_errors_total") - sumMetric(metricsBefore[k], "logout_ui_hydra_errors_total"));
  const logCounts = countInLog(cfg.hydraLog, logOffset, HYDRA_LOG_PATTERNS);

  const byStep = {};
  for (const f of failures) byStep[f.step] = (byStep[f.step] ?? 0) + 1;
  const distinct = [...new Map(failures.map((f) => [`${f.step}: ${f.message}`, f])).values()].slice(0, 6);

  t.data = {
    flows: N,
    concurrency: C,
    clients: nClients,
    completed,
    failed: failures.length - wrongRedirect,
    wrongRedirect,
    notRun,
    aborted,
    wallSeconds: wall,
    flowsPerSecond: completed / wall,
    clientSetupMs: clientMs,
    latency: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, summarize(v)])),
    failuresByStep: byStep,
    sampleFailures: distinct,
    balancer: lbStats,
    appHydraErrors: hydraErrDelta,
    hydraLog: logCounts,
  };
  t.check(`all ${N} flows ran (no abort)`, notRun === 0 && !aborted, `${notRun} not run, aborted=${aborted}`);
  t.check("0 failed flows", failures.length - wrongRedirect === 0, JSON.stringify(byStep));
  t.check("0 wrong redirects", wrongRedirect === 0, wrongRedirect);
  t.check("both replicas served", Object.keys(lbStats.byBackend).length === 2, JSON.stringify(lbStats.byBackend));
  t.note(`${completed}/${N} completed at concurrency ${C} in ${wall.toFixed(1)} s (${(completed / wall).toFixed(1)} flows/s); failed ${failures.length - wrongRedirect}, wrong redirect ${wrongRedirect}, not run ${notRun}`);
  t.note(`balancer: ${JSON.stringify(lbStats.byBackend)}; app Hydra-call errors during load: A ${hydraErrDelta[0]}, B ${hydraErrDelta[1]}`);
  t.note(`Hydra log during load: ${Object.entries(logCounts).map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  for (const f of distinct) t.note(`failure sample: #${f.i} ${f.step}: ${f.message}${f.detail ? ` — ${String(f.detail).slice(0, 200)}` : ""}`);
});

// ---------------------------------------------------------------------------
// Main

/** After all instances stopped: their logs are structured and keep secrets out. */
function logsCase() {
  const t = new Ctx("app-logs");
  let lines = 0;
  let notJson = 0;
  const leaks = {};
  const warnKinds = {};
  for (const p of started) {
    for (const line of p.ownLog().split("\n")) {
      if (!line.trim()) continue;
      lines++;
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        notJson++;
        continue;
      }
      for (const needle of ["logout_challenge=", "id_token_hint", "eyJ", "ticket=", "4465/admin", "4475/admin"]) {
        if (line.includes(needle)) leaks[needle] = (leaks[needle] ?? 0) + 1;
      }
      if (rec.level === "WARN" || rec.level === "ERROR") {
        const k = `${rec.level} ${rec.fields?.message ?? rec.message ?? ""}`.slice(0, 90);
        warnKinds[k] = (warnKinds[k] ?? 0) + 1;
      }
    }
  }
  t.check("app instances logged", lines > 0, "no log lines");
  t.check("every log line is JSON (LOG_FORMAT=json)", notJson === 0, `${notJson} of ${lines} lines`);
  t.check("no challenge, ID token, ticket or admin URL in the logs", Object.keys(leaks).length === 0, JSON.stringify(leaks));
  t.note(`${lines} lines from ${started.length} instances; warnings/errors: ${Object.entries(warnKinds).map(([k, v]) => `${k} ×${v}`).join("; ") || "none"}`);
  const failed = t.checks.filter((c) => !c.ok);
  const r = { name: "app-logs", ok: failed.length === 0, seconds: 0, checks: t.checks.length, failed: failed.map((c) => `${c.label}: ${c.detail}`), notes: t.notes };
  console.log(`[${r.ok ? "PASS" : "FAIL"}] app-logs (${t.checks.length} checks)`);
  for (const n of r.notes) console.log(`       · ${n}`);
  for (const f of r.failed) console.log(`       ✗ ${f}`);
  return r;
}

async function setup() {
  const ready = await pollUntil(`${cfg.hydraAdmin}/health/ready`, (r) => r.status === 200, { timeoutMs: 10000 });
  if (!ready.ok) throw new Error(`Hydra admin ${cfg.hydraAdmin} not ready (start it with scripts/ops-test.sh)`);
  env_.proxy = await ProxyHandle.start("fault", { port: cfg.faultPort, upstream: cfg.hydraAdmin });
  const common = { publicUrl: cfg.hydraPublic, secret: cfg.secret };
  [env_.a, env_.b] = await Promise.all([
    AppProcess.start({ name: "a", port: cfg.portA, adminUrl: FAULT_URL, ...common }),
    AppProcess.start({ name: "b", port: cfg.portB, adminUrl: cfg.hydraAdmin, ...common }),
  ]);
  env_.lb = await ProxyHandle.start("balancer", {
    port: cfg.lbPort,
    upstreams: [env_.a.url, env_.b.url],
  });
}

async function teardown() {
  const out = {};
  for (const [k, p] of [
    ["a", env_.a],
    ["b", env_.b],
  ]) {
    if (p && !p.exited) out[k] = await p.stop("SIGTERM", 12000);
  }
  await stopAll();
  await env_.lb?.stop();
  await env_.proxy?.stop();
  return out;
}

let tearingDown = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    if (tearingDown) {
      killAllSync();
      process.exit(130);
    }
    tearingDown = true;
    console.log(`\nops: ${sig}, stopping what was started`);
    await teardown().catch(() => killAllSync());
    process.exit(130);
  });
}

async function main() {
  const selected = cases.filter((c) => !cfg.only.length || cfg.only.some((o) => c.name === o || c.name.startsWith(o)));
  const t0 = performance.now();
  console.log(
    `ops: Hydra ${cfg.hydraPublic} (admin ${cfg.hydraAdmin}); apps :${cfg.portA} (admin via fault proxy :${cfg.faultPort}) and :${cfg.portB} (direct); balancer :${cfg.lbPort}; load ${cfg.loadFlows} flows × ${cfg.loadConcurrency}`,
  );
  const results = [];
  try {
    await setup();
    for (const c of selected) results.push(await runCase(c));
  } catch (e) {
    console.log(`ops: setup failed: ${e.message}`);
    results.push({ name: "setup", ok: false, seconds: 0, checks: 1, failed: [e.message], notes: [] });
  } finally {
    tearingDown = true;
    const setupOk = !!(env_.a && env_.b);
    const t1 = performance.now();
    const exits = await teardown().catch((e) => ({ error: { code: e.message } }));
    if (setupOk) {
      const bad = Object.entries(exits).filter(([, s]) => s.code !== 0);
      results.push(logsCase());
      results.push({
        name: "replicas-exit",
        ok: bad.length === 0,
        seconds: (performance.now() - t1) / 1000,
        checks: Object.keys(exits).length,
        failed: bad.map(([k, s]) => `app ${k} exit ${JSON.stringify(s)}`),
        notes: [],
      });
    }
  }

  console.log("\nResults");
  console.log(
    table(
      ["case", "what", "result", "checks", "time"],
      results.map((r) => [r.name, WHAT[r.name] ?? "", r.ok ? "PASS" : "FAIL", `${r.checks - r.failed.length}/${r.checks}`, `${r.seconds.toFixed(1)} s`]),
    ),
  );
  const load = results.find((r) => r.name === "load")?.data;
  if (load) {
    console.log(
      `\nLoad: ${load.flows} flows at concurrency ${load.concurrency} over ${load.clients} clients — completed ${load.completed}, failed ${load.failed}, wrong redirect ${load.wrongRedirect}, not run ${load.notRun}; ${load.wallSeconds.toFixed(1)} s, ${load.flowsPerSecond.toFixed(1)} flows/s`,
    );
    const L = load.latency;
    console.log(
      table(
        ["step", "n", "p50", "p90", "p99", "max"],
        [
          ["prompt GET /logout (app)", L.prompt],
          ["decision POST /api/logout/decide (app)", L.decide],
          ["whole flow", L.flow],
          ["  login + token (Hydra)", L.login],
          ["  logout start (Hydra)", L.start],
          ["  completion (Hydra)", L.complete],
        ].map(([k, s]) => [k, s.n, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)]),
      ),
    );
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  fs.mkdirSync(path.dirname(cfg.results), { recursive: true });
  fs.writeFileSync(cfg.results, JSON.stringify({ at: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, results }, null, 2));
  console.log(`\nops: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
// Worker threads and keep-alive sockets must not keep the process alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
