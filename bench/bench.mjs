// The benchmark: hydra-logout-ui against its floor, Ory Hydra's admin API.
// Started by bench/run.sh, which starts Hydra (instance "bench") and the app and
// passes their addresses and pids in the environment. Loopback only.
//
// For each concurrency in BENCH_CONCURRENCY (default 1,16,64), side by side:
//   floor   GET {admin}/admin/oauth2/auth/requests/logout?logout_challenge=C   (wrk)
//   prompt  GET {app}/logout?logout_challenge=C, Accept: text/html            (wrk)
// then, with fresh pending challenges (each: login, token, logout start, one
// prompt GET for its ticket and CSRF cookie; prepared one after the other):
//   decide  POST {app}/api/logout/decide ticket=…&decision=accept, each once (wrk + decide.lua)
// and the page weight of the prompt (HTML, CSS, JS, WASM: raw, gzip -9, brotli q11).
//
// Per run: requests/s, latency p50/p90/p99 (wrk), CPU seconds per 1000 requests of
// the app and of Hydra (/proc/<pid>/stat utime+stime), the app's VmHWM, Hydra's
// share of the app's latency (the app's own histogram on /metrics), and how busy
// the rest of the machine was. Results: stdout, target/bench/results.md and .json.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

import { Hydra, App } from "../testenv/ops/lib/flow.mjs";
import { request, form } from "../testenv/ops/lib/http.mjs";
import { table } from "../testenv/ops/lib/report.mjs";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const env = process.env;
const OUT = path.resolve(ROOT, env.BENCH_OUT ?? "target/bench");
const LOGS = path.join(OUT, "logs");
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const LEVELS = (env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number);
const DECISIONS = Number(env.BENCH_DECISIONS ?? 800);
const NOISE_MAX = Number(env.BENCH_NOISE_MAX ?? 10); // % of all CPUs used by other processes during a run
const RETRIES = Number(env.BENCH_RETRIES ?? 2); // extra attempts of a noisy floor/app pair (decisions: 1)
const C1_REPEATS = Math.max(1, Number(env.BENCH_C1_REPEATS ?? 3)); // floor/app pairs at concurrency 1 (median kept)
const BUDGET = Number(env.BENCH_BUDGET_SECONDS ?? 330); // this script's time, waits and repeats included
const PREP_S = 0.04; // seconds to prepare one decision (measured: 32–38 ms)
const BREAKDOWN_SECONDS = Number(env.BENCH_BREAKDOWN_SECONDS ?? 5); // 0: skip
const DECIDE_MAX_SECONDS = Number(env.BENCH_DECIDE_MAX_SECONDS ?? 60);
const APP_URL = env.BENCH_APP_URL ?? "http://127.0.0.1:3040";
// /metrics has its own listener; the app's default METRICS_ADDR is 127.0.0.1:9464.
const METRICS_URL = env.BENCH_METRICS_URL ?? "http://127.0.0.1:9464";
const ADMIN_URL = env.BENCH_HYDRA_ADMIN_URL ?? "http://127.0.0.1:4485";
const PUBLIC_URL = env.BENCH_HYDRA_PUBLIC_URL ?? "http://127.0.0.1:4484";
const APP_PID = Number(env.BENCH_APP_PID);
const HYDRA_PID = Number(env.BENCH_HYDRA_PID);
const NPROC = os.cpus().length;
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

// The targets of the issue "Performance: measure against the floor".
const TARGET = {
  overheadMs: 0.5, // app p50 − floor p50 at concurrency 1
  cpuPer1k: 0.1, // CPU seconds per 1000 prompt renders (100 µs each)
  rssMb: 30, // peak RSS under load
  htmlCssBr: 10 * 1024, // bytes, brotli (as end2end/tests/page-weight.spec.ts: 1 KB = 1024 B)
  totalBr: 60 * 1024,
};

fs.mkdirSync(LOGS, { recursive: true });
const log = (...a) => console.log("bench:", ...a);

// ---------------------------------------------------------------- /proc

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime (14) + stime (15)
}

function memKb(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
  return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
}

/** Whole machine: busy and total jiffies since boot (all CPUs). */
function machineJiffies() {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal (guest is inside user)
  const idle = f[3] + f[4]; // idle + iowait
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** This process (bench.mjs) and its reaped children (wrk): utime+stime, cutime+cstime. */
function selfCpu() {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { self: (Number(f[11]) + Number(f[12])) / CLK_TCK, children: (Number(f[13]) + Number(f[14])) / CLK_TCK };
}

/** Machine busy % over `ms` (all CPUs). */
async function machineBusyPct(ms = 2000) {
  const a = machineJiffies();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineJiffies();
  return ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

// Seconds this run may spend on waiting for other processes and on repeating
// noisy runs: the budget minus the planned work.
const PLAN_S =
  (LEVELS.length + (LEVELS.includes(1) ? C1_REPEATS - 1 : 0)) * (2 * (SECONDS + WARMUP) + 3) +
  (BREAKDOWN_SECONDS > 0 ? 2 * (BREAKDOWN_SECONDS + 1) + 3 : 0) +
  LEVELS.length * (DECISIONS * PREP_S + 5) +
  10;
let slack = BUDGET - PLAN_S;
const slackStart = slack;

/**
 * Waits (at most `maxS` seconds, and never beyond the slack) until the machine is
 * below BENCH_QUIET_CPU % busy; returns the last busy %.
 */
async function waitQuiet(maxS = 30) {
  const limit = Number(env.BENCH_QUIET_CPU ?? 25);
  const t = performance.now();
  const until = t + Math.min(maxS, Math.max(0, slack)) * 1000;
  let busy = await machineBusyPct(1000);
  while (busy >= limit && performance.now() < until) {
    log(`waiting for other processes to calm down (machine ${f1(busy)}% busy)`);
    busy = await machineBusyPct(3000);
  }
  slack -= (performance.now() - t) / 1000;
  return busy;
}

const loadavg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

// ---------------------------------------------------------------- metrics

async function hydraHistogram() {
  const res = await request(`${METRICS_URL}/metrics`, { agent: false, timeoutMs: 5000 });
  const out = {};
  for (const m of res.body.matchAll(
    /^logout_ui_hydra_request_duration_seconds_(sum|count)\{operation="([a-z]+)"\} ([0-9.e+-]+)$/gm,
  )) {
    out[m[2]] ??= { sum: 0, count: 0 };
    out[m[2]][m[1]] = Number(m[3]);
  }
  return out;
}

function histDelta(before, after, op) {
  const a = after[op] ?? { sum: 0, count: 0 };
  const b = before[op] ?? { sum: 0, count: 0 };
  return { sum: a.sum - b.sum, count: a.count - b.count };
}

// ---------------------------------------------------------------- wrk

/**
 * Runs wrk and returns the BENCH_JSON its done() hook printed.
 * `untilThreadsDone`: SIGINT wrk once every thread printed BENCH_THREAD_DONE.
 */
function wrk({ name, url, connections, seconds, script, scriptArgs = [], headers = [], untilThreadsDone = false }) {
  const threads = Math.min(connections, NPROC);
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "--latency",
    ...headers.flatMap((h) => ["-H", h]),
    "-s",
    path.join(ROOT, "bench/wrk", script),
    url,
    ...(scriptArgs.length ? ["--", ...scriptArgs] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let done = 0;
    let interrupted = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (untilThreadsDone && !interrupted) {
        done = (out.match(/^BENCH_THREAD_DONE$/gm) ?? []).length;
        if (done >= threads) {
          interrupted = true;
          child.kill("SIGINT");
        }
      }
    });
    child.stderr.on("data", (d) => (out += d));
    const hard = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(hard);
      fs.writeFileSync(path.join(LOGS, `wrk-${name}.txt`), `wrk ${args.join(" ")}\n\n${out}`);
      const m = /^BENCH_JSON (.*)$/m.exec(out);
      if (!m) return reject(new Error(`wrk ${name}: no result (exit ${code ?? signal}); see ${LOGS}/wrk-${name}.txt`));
      const r = JSON.parse(m[1]);
      r.threads = threads;
      r.allThreadsDone = untilThreadsDone ? done >= threads : undefined;
      resolve(r);
    });
  });
}

/** Runs `fn` (a wrk run) and what the machine, the app and Hydra did meanwhile. */
async function measured(fn) {
  const h0 = await hydraHistogram();
  const m0 = machineJiffies();
  const a0 = cpuSeconds(APP_PID);
  const y0 = cpuSeconds(HYDRA_PID);
  const s0 = selfCpu();
  const r = await fn();
  const s1 = selfCpu();
  const a1 = cpuSeconds(APP_PID);
  const y1 = cpuSeconds(HYDRA_PID);
  const m1 = machineJiffies();
  const h1 = await hydraHistogram();
  const wall = m1.total - m0.total; // CPU-seconds available on all cores
  const busy = m1.busy - m0.busy;
  const app = a1 - a0;
  const hydra = y1 - y0;
  const wrkCpu = s1.children - s0.children; // wrk, reaped by this process after the run
  const own = s1.self - s0.self;
  return {
    ...r,
    seconds: r.duration_us / 1e6,
    rps: r.requests / (r.duration_us / 1e6),
    appCpu: app,
    hydraCpu: hydra,
    appCpuPer1k: (app / r.requests) * 1000,
    hydraCpuPer1k: (hydra / r.requests) * 1000,
    machineBusyPct: (busy / wall) * 100,
    wrkPct: ((wrkCpu + own) / wall) * 100, // the load generator (wrk + this script)
    backgroundPct: (Math.max(0, busy - app - hydra - wrkCpu - own) / wall) * 100, // everyone else on the machine
    mem: memKb(APP_PID),
    hydraGet: histDelta(h0, h1, "get"),
    hydraAccept: histDelta(h0, h1, "accept"),
  };
}

// ---------------------------------------------------------------- flows

const hydra = new Hydra({ publicUrl: PUBLIC_URL, adminUrl: ADMIN_URL });
const app = new App(APP_URL);

async function withRetry(what, fn, attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw new Error(`${what}: ${e.message}`);
      log(`${what} failed (${e.message}), retrying`);
    }
  }
}

/**
 * `n` pending RP-initiated logouts, each through one prompt GET: the prepared
 * decision requests ("Cookie\tbody" lines), one after the other (Hydra's SQLite
 * does not take parallel flows; see testenv/ops/README.md).
 */
async function prepareDecisions(client, n, tag) {
  const lines = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const line = await withRetry(`prepare ${tag} #${i}`, async () => {
      const p = await hydra.pendingLogout({ client, subject: `bench-${tag}-${i}` });
      const pr = await app.prompt(p.challenge, p.session.jar);
      if (pr.status !== 200 || !pr.ticket) throw new Error(`prompt → ${pr.status}, ticket ${pr.ticket ? "yes" : "no"}`);
      const csrf = [...p.session.jar.cookies.values()].find((c) => c.name.endsWith("logout_csrf"));
      if (!csrf) throw new Error("the prompt set no logout_csrf cookie");
      return `${csrf.name}=${csrf.value}\t${form({ ticket: pr.ticket, decision: "accept" })}`;
    });
    lines.push(line);
  }
  return { lines, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------- page weight

async function pageWeight(promptUrl) {
  const res = await request(promptUrl, { headers: { accept: "text/html" }, agent: false });
  if (res.status !== 200) throw new Error(`prompt for the page weight → ${res.status}`);
  const assets = [{ kind: "html", url: "/logout?logout_challenge=…", body: Buffer.from(res.body, "utf8") }];
  const refs = new Set();
  for (const m of res.body.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="(\/[^"]+)"/g)) refs.add(m[1]);
  for (const ref of refs) {
    const kind = ref.split("?")[0].split(".").pop();
    if (!["css", "js", "wasm"].includes(kind)) continue;
    const r = await fetch(`${APP_URL}${ref}`);
    if (r.status !== 200) throw new Error(`${ref} → ${r.status}`);
    assets.push({ kind, url: ref, body: Buffer.from(await r.arrayBuffer()) });
  }
  for (const a of assets) {
    a.raw = a.body.length;
    a.gzip = zlib.gzipSync(a.body, { level: 9 }).length;
    a.br = zlib.brotliCompressSync(a.body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: a.body.length },
    }).length;
    delete a.body;
  }
  const sum = (kinds, k) => assets.filter((a) => kinds.includes(a.kind)).reduce((s, a) => s + a[k], 0);
  return {
    assets,
    htmlCss: { raw: sum(["html", "css"], "raw"), gzip: sum(["html", "css"], "gzip"), br: sum(["html", "css"], "br") },
    total: {
      raw: sum(["html", "css", "js", "wasm"], "raw"),
      gzip: sum(["html", "css", "js", "wasm"], "gzip"),
      br: sum(["html", "css", "js", "wasm"], "br"),
    },
  };
}

// ---------------------------------------------------------------- formatting

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const f3 = (v) => (Number.isFinite(v) ? v.toFixed(3) : "–");
const msOf = (us) => us / 1000;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const errorsOf = (r) => {
  const e = r.errors;
  const n = e.connect + e.read + e.write + e.status + e.timeout + (r.bad ?? 0);
  return n ? `${n} (${Object.entries(e).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).concat(r.bad ? [`not-303-to-Hydra ${r.bad}: ${r.bad_kinds}`] : []).join(", ")})` : "0";
};
const verdict = (ok) => (ok ? "met" : "NOT met");

// ---------------------------------------------------------------- main

const startedAt = new Date();
const t0 = performance.now();
const meta = {
  started: startedAt.toISOString(),
  loadavgStart: loadavg(),
  quiet: env.BENCH_QUIET_NOTE ?? "not checked",
  seconds: SECONDS,
  warmup: WARMUP,
  levels: LEVELS,
  decisions: DECISIONS,
  machine: env.BENCH_MACHINE ?? "",
  versions: env.BENCH_VERSIONS ?? "",
};
log(`load average at start: ${meta.loadavgStart}; ${meta.quiet}`);

const client = await withRetry("client", () => hydra.createClient("bench"));
const pending = await withRetry("pending logout", () => hydra.pendingLogout({ client, subject: "bench-prompt" }));
const C = encodeURIComponent(pending.challenge);
const floorUrl = `${ADMIN_URL}/admin/oauth2/auth/requests/logout?logout_challenge=${C}`;
const promptUrl = `${APP_URL}/logout?logout_challenge=${C}`;
{
  const f = await request(floorUrl, { agent: false });
  const p = await app.prompt(pending.challenge);
  if (f.status !== 200) throw new Error(`floor GET → ${f.status}`);
  if (p.status !== 200 || !p.ticket) throw new Error(`prompt GET → ${p.status}`);
}

const runs = [];
const headers = ["Accept: text/html"];

/** One wrk GET run (after an unmeasured warm-up) with everything measured around it. */
async function getRun(kind, url, c, seconds, warmup, attempt, tag = "") {
  const name = `${kind}-c${c}${tag}${attempt > 1 ? `-try${attempt}` : ""}`;
  if (warmup > 0) await wrk({ name: `${name}-warmup`, url, connections: c, seconds: warmup, script: "report.lua", headers });
  const r = await measured(() => wrk({ name, url, connections: c, seconds, script: "report.lua", headers }));
  log(
    `${name}: ${Math.round(r.rps)} req/s, p50 ${f2(msOf(r.latency_us.p50))} ms, p99 ${f2(msOf(r.latency_us.p99))} ms, ` +
      `app ${kind === "floor" ? "-" : Math.round(r.appCpuPer1k * 1000)} µs CPU/req, background ${f1(r.backgroundPct)}%, errors ${errorsOf(r)}`,
  );
  return { kind, c, ...r };
}

/**
 * Runs a group of GET runs that are compared with each other (floor and app at
 * one concurrency) and repeats the whole group, up to BENCH_RETRIES times, when
 * other processes on the machine used more than BENCH_NOISE_MAX % of its CPUs
 * during any of them; keeps the quietest attempt.
 */
async function guarded(label, specs, tag = "") {
  let best;
  let attempt = 0;
  const cost = specs.reduce((a, [, , , seconds, warmup]) => a + seconds + warmup + 1, 0);
  while (attempt <= RETRIES) {
    attempt++;
    if (attempt > 1) {
      if (slack < cost) {
        log(`${label}: no time left in the budget (BENCH_BUDGET_SECONDS=${BUDGET}) to repeat it`);
        attempt--;
        break;
      }
      slack -= cost;
    }
    await waitQuiet(attempt > 1 ? 30 : 15);
    const group = [];
    for (const [kind, url, c, seconds, warmup] of specs) group.push(await getRun(kind, url, c, seconds, warmup, attempt, tag));
    const noise = Math.max(...group.map((r) => r.backgroundPct));
    if (!best || noise < best.noise) best = { group, noise, attempt };
    if (noise <= NOISE_MAX) break;
    log(`${label}: other processes used up to ${f1(noise)}% of the machine (limit ${NOISE_MAX}%)${attempt <= RETRIES ? ", repeating" : ""}`);
  }
  return best.group.map((r) => ({ ...r, attempt: best.attempt, attempts: attempt }));
}

// At concurrency 1 (the overhead target) the pair runs C1_REPEATS times; the
// pair with the median p50 overhead goes into the main table, all are listed.
const overheadOf = (g) => g[1].latency_us.p50 - g[0].latency_us.p50;
let c1Repeats = [];
for (const c of LEVELS) {
  const reps = c === 1 ? C1_REPEATS : 1;
  const groups = [];
  for (let k = 1; k <= reps; k++) {
    log(`concurrency ${c}: floor and prompt, ${SECONDS} s each${reps > 1 ? ` (pair ${k} of ${reps})` : ""}`);
    const tag = reps > 1 ? `-pair${k}` : "";
    groups.push(
      await guarded(`c${c}${tag}`, [
        ["floor", floorUrl, c, SECONDS, WARMUP],
        ["prompt", promptUrl, c, SECONDS, WARMUP],
      ], tag),
    );
  }
  const sorted = [...groups].sort((a, b) => overheadOf(a) - overheadOf(b));
  if (reps > 1) c1Repeats = groups;
  runs.push(...sorted[Math.floor((sorted.length - 1) / 2)]);
}

// Where the app's own time goes, at concurrency 1: the HTTP stack and middleware
// alone (/health/alive), a full Leptos page without Hydra (/logout without a
// challenge: the 400 "Incomplete sign-out link" page; wrk counts the 400s as
// "status" errors, expected here), against the prompt above.
const breakdown = [];
if (BREAKDOWN_SECONDS > 0) {
  log(`breakdown: /health/alive and the 400 page, ${BREAKDOWN_SECONDS} s each at concurrency 1`);
  breakdown.push(
    ...(await guarded("breakdown", [
      ["alive", `${APP_URL}/health/alive`, 1, BREAKDOWN_SECONDS, 1],
      ["page400", `${APP_URL}/logout`, 1, BREAKDOWN_SECONDS, 1],
    ])),
  );
}

log("page weight of the prompt");
const weight = await pageWeight(promptUrl);

const prep = [];
async function decideRun(c, warm, attempt) {
  const tag = `c${c}${attempt > 1 ? `-try${attempt}` : ""}`;
  log(`decide-${tag}: preparing ${DECISIONS + warm} pending logouts`);
  const { lines, ms } = await prepareDecisions(client, DECISIONS + warm, tag);
  prep.push({ c, attempt, n: lines.length, ms });
  log(`decide-${tag}: prepared in ${(ms / 1000).toFixed(1)} s (${f1(ms / lines.length)} ms each)`);
  for (const line of lines.splice(0, warm)) {
    const [cookie, body] = line.split("\t");
    const r = await request(`${APP_URL}/api/logout/decide`, {
      method: "POST",
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded", cookie, "sec-fetch-site": "same-origin" },
      body,
    });
    if (r.status !== 303) throw new Error(`warm-up decision → ${r.status}`);
  }
  const file = path.join(OUT, `decisions-c${c}.tsv`);
  fs.writeFileSync(file, lines.join("\n") + "\n", { mode: 0o600 });
  await waitQuiet(attempt > 1 ? 30 : 15);
  const r = await measured(() =>
    wrk({
      name: `decide-${tag}`,
      url: APP_URL,
      connections: c,
      seconds: DECIDE_MAX_SECONDS,
      script: "decide.lua",
      scriptArgs: [file, String(Math.min(c, NPROC))],
      untilThreadsDone: true,
    }),
  );
  fs.rmSync(file, { force: true });
  log(
    `decide-${tag}: ${r.requests} decisions (${r.ok} ok) in ${f2(r.seconds)} s, ${Math.round(r.rps)} req/s, p50 ${f2(msOf(r.latency_us.p50))} ms, ` +
      `app ${Math.round(r.appCpuPer1k * 1000)} µs CPU/req, background ${f1(r.backgroundPct)}%, errors ${errorsOf(r)}`,
  );
  return { kind: "decide", c, ...r };
}

for (const [i, c] of LEVELS.entries()) {
  // The first decisions of the process are sent (unmeasured) before the first run.
  let best = await decideRun(c, i === 0 ? 20 : 0, 1);
  let attempts = 1;
  const cost = DECISIONS * PREP_S + 5;
  if (best.backgroundPct > NOISE_MAX && RETRIES > 0) {
    if (slack >= cost) {
      log(`decide-c${c}: other processes used ${f1(best.backgroundPct)}% of the machine (limit ${NOISE_MAX}%), repeating with fresh challenges`);
      slack -= cost;
      attempts = 2;
      const again = await decideRun(c, 0, 2);
      if (again.backgroundPct < best.backgroundPct) best = { ...again, attempt: 2 };
    } else {
      log(`decide-c${c}: noisy (${f1(best.backgroundPct)}%), but no time left in the budget to repeat it`);
    }
  }
  runs.push({ attempt: 1, ...best, attempts });
}

const end = { loadavg: loadavg(), mem: memKb(APP_PID), hydraMem: memKb(HYDRA_PID), elapsedS: (performance.now() - t0) / 1000 };

// ---------------------------------------------------------------- report

const byKey = (kind, c) => runs.find((r) => r.kind === kind && r.c === c);
const hydraShare = (r) => {
  // mean time the app waited for Hydra per request, from its own histogram
  const waited = r.hydraGet.sum + r.hydraAccept.sum;
  return { ms: (waited / r.requests) * 1000, calls: `${r.hydraGet.count} GET${r.hydraAccept.count ? ` + ${r.hydraAccept.count} PUT` : ""}` };
};

const repeatsTable = table(
  ["pair", "floor p50 ms", "app p50 ms", "p50 overhead ms", "app/floor p50", "floor req/s", "app req/s", "app CPU µs / render", "other processes %"],
  c1Repeats.map((g, i) => [
    `${i + 1}${g === c1Repeats.find((x) => x[0] === byKey("floor", 1)) ? " (in the table above: median)" : ""}`,
    f3(msOf(g[0].latency_us.p50)),
    f3(msOf(g[1].latency_us.p50)),
    f3(msOf(overheadOf(g))),
    f2(g[1].latency_us.p50 / g[0].latency_us.p50),
    Math.round(g[0].rps),
    Math.round(g[1].rps),
    Math.round(g[1].appCpuPer1k * 1000),
    f1(Math.max(g[0].backgroundPct, g[1].backgroundPct)),
  ]),
);
const c1Overheads = c1Repeats.map((g) => msOf(overheadOf(g)));

const mainRows = runs.map((r) => {
  const label = { floor: "floor: Hydra admin GET", prompt: "app: GET /logout (prompt)", decide: "app: POST decide (accept)" }[r.kind];
  const share = r.kind === "floor" ? null : hydraShare(r);
  return [
    label,
    r.c,
    r.requests,
    Math.round(r.rps),
    f2(msOf(r.latency_us.p50)),
    f2(msOf(r.latency_us.p90)),
    f2(msOf(r.latency_us.p99)),
    f2(msOf(r.latency_us.mean)),
    share
      ? `${f2(share.ms)} (${Math.round((share.ms / msOf(r.latency_us.mean)) * 100)}%)` +
        (r.hydraAccept.count ? `: GET ${f2((r.hydraGet.sum / r.hydraGet.count) * 1000)} + PUT ${f2((r.hydraAccept.sum / r.hydraAccept.count) * 1000)}` : "")
      : "–",
    r.kind === "floor" ? "–" : f3(r.appCpuPer1k),
    f3(r.hydraCpuPer1k),
    r.kind === "floor" ? "–" : f1(r.mem.hwm / 1024),
    errorsOf(r),
  ];
});
const mainTable = table(
  ["run", "c", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "mean ms", "Hydra wait ms/req (share of mean)", "app CPU-s /1000", "Hydra CPU-s /1000", "app VmHWM MB", "errors"],
  mainRows,
);

const ratioRows = LEVELS.map((c) => {
  const fl = byKey("floor", c);
  const pr = byKey("prompt", c);
  return [
    c,
    f3(msOf(fl.latency_us.p50)),
    f3(msOf(pr.latency_us.p50)),
    f2(pr.latency_us.p50 / fl.latency_us.p50),
    f3(msOf(pr.latency_us.p50 - fl.latency_us.p50)),
    f2(pr.latency_us.p99 / fl.latency_us.p99),
    f2(pr.rps / fl.rps),
  ];
});
const ratioTable = table(
  ["c", "floor p50 ms", "app p50 ms", "p50 app/floor", "p50 overhead ms", "p99 app/floor", "req/s app/floor"],
  ratioRows,
);

const noiseRows = [...runs, ...breakdown].map((r) => [
  `${r.kind}-c${r.c}`,
  r.attempts > 1 ? `${r.attempt} of ${r.attempts}` : "1",
  f2(r.seconds),
  f1(r.machineBusyPct),
  f1((r.appCpu / (r.seconds * NPROC)) * 100),
  f1((r.hydraCpu / (r.seconds * NPROC)) * 100),
  f1(r.wrkPct),
  `${f1(r.backgroundPct)}${r.backgroundPct > NOISE_MAX ? " (noisy)" : ""}`,
]);
const noiseTable = table(
  ["run", "attempt kept", "seconds", `machine busy % (of ${NPROC} CPUs)`, "app %", "Hydra %", "wrk + bench.mjs %", "other processes %"],
  noiseRows,
);

const weightTable = table(
  ["asset", "raw", "gzip -9", "brotli q11"],
  [
    ...weight.assets.map((a) => [`${a.kind.toUpperCase()} ${a.url}`, `${a.raw} B`, `${a.gzip} B`, `${a.br} B`]),
    ["HTML + CSS", `${weight.htmlCss.raw} B`, `${weight.htmlCss.gzip} B`, `${weight.htmlCss.br} B (${kb(weight.htmlCss.br)})`],
    ["everything", `${weight.total.raw} B`, `${weight.total.gzip} B`, `${weight.total.br} B (${kb(weight.total.br)})`],
  ],
);

const c1 = LEVELS.includes(1) ? 1 : LEVELS[0];
const overheadC1 = msOf(byKey("prompt", c1).latency_us.p50 - byKey("floor", c1).latency_us.p50);
const promptCpu = runs.filter((r) => r.kind === "prompt").map((r) => [r.c, r.appCpuPer1k]);
const worstCpu = Math.max(...promptCpu.map(([, v]) => v));
const peakRssMb = end.mem.hwm / 1024;
const targets = [
  [
    `app p50 overhead over the floor at concurrency ${c1}`,
    `≤ ${TARGET.overheadMs} ms`,
    `${f3(overheadC1)} ms (${f3(msOf(byKey("prompt", c1).latency_us.p50))} vs ${f3(msOf(byKey("floor", c1).latency_us.p50))})` +
      (c1Overheads.length > 1 ? `; median of ${c1Overheads.length} pairs: ${c1Overheads.map(f3).join(", ")} ms` : ""),
    verdict(overheadC1 <= TARGET.overheadMs),
  ],
  [
    "app CPU per prompt render (worst concurrency)",
    `≤ ${TARGET.cpuPer1k} CPU-s / 1000 (100 µs each)`,
    `${f3(worstCpu)} CPU-s / 1000 (${promptCpu.map(([c, v]) => `c${c} ${Math.round(v * 1000)} µs`).join(", ")})`,
    verdict(worstCpu <= TARGET.cpuPer1k),
  ],
  ["app peak RSS under load (VmHWM, process lifetime)", `≤ ${TARGET.rssMb} MB`, `${f1(peakRssMb)} MB`, verdict(peakRssMb <= TARGET.rssMb)],
  ["prompt HTML + CSS, brotli", `≤ 10 KB`, kb(weight.htmlCss.br), verdict(weight.htmlCss.br <= TARGET.htmlCssBr)],
  ["prompt HTML + CSS + JS + WASM, brotli", `≤ 60 KB`, kb(weight.total.br), verdict(weight.total.br <= TARGET.totalBr)],
];
const breakdownRows = [
  ...breakdown.map((r) => [
    { alive: "GET /health/alive (HTTP stack + middleware)", page400: "GET /logout without challenge (400 page: Leptos render, no Hydra)" }[r.kind],
    Math.round(r.rps),
    f3(msOf(r.latency_us.p50)),
    Math.round(r.appCpuPer1k * 1000),
  ]),
  ...(byKey("prompt", 1)
    ? [["GET /logout?logout_challenge=C (prompt: Hydra GET + render + ticket)", Math.round(byKey("prompt", 1).rps), f3(msOf(byKey("prompt", 1).latency_us.p50)), Math.round(byKey("prompt", 1).appCpuPer1k * 1000)]]
    : []),
  ...(byKey("decide", 1)
    ? [["POST /api/logout/decide (Hydra GET + PUT, 303)", Math.round(byKey("decide", 1).rps), f3(msOf(byKey("decide", 1).latency_us.p50)), Math.round(byKey("decide", 1).appCpuPer1k * 1000)]]
    : []),
];
const breakdownTable = table(["request (concurrency 1)", "req/s", "p50 ms", "app CPU µs / request"], breakdownRows);

const targetTable = table(["target", "bound", "measured", "verdict"], targets);

const prepLine = prep.map((p) => `c${p.c}${p.attempt > 1 ? ` (again)` : ""}: ${p.n} in ${(p.ms / 1000).toFixed(1)} s`).join(", ");
const md = `# hydra-logout-ui benchmark results

Generated by \`./bench/run.sh\` at ${meta.started} (took ${Math.round(end.elapsedS)} s after the start of Hydra and the app).

- Machine: ${meta.machine || `${NPROC} CPUs`}
- Versions: ${meta.versions}
- Quiet check: ${meta.quiet}
- Load average (1/5/15 min): ${meta.loadavgStart} at the start, ${end.loadavg} at the end
- Time budget: ${BUDGET} s for this script (planned work ${Math.round(PLAN_S)} s); ${Math.round(slackStart - slack)} s of the ${Math.round(slackStart)} s slack went to waiting for other processes and repeating noisy runs
- Each GET run: ${WARMUP} s warm-up (not counted), then ${SECONDS} s with wrk (\`-t min(c, ${NPROC})\`); decisions: ${DECISIONS} fresh challenges per concurrency, each accepted exactly once (prepared: ${prepLine})
- Floor: \`GET ${ADMIN_URL}/admin/oauth2/auth/requests/logout?logout_challenge=C\` (Hydra v2.3.0, SQLite WAL, \`scripts/hydra.sh\` instance \`bench\`); app: \`${APP_URL}\`, release binary, \`RUST_LOG=warn\`

## Results

${mainTable}

"Hydra wait" is the app's own \`logout_ui_hydra_request_duration_seconds\` (sum over the run ÷ requests): the mean time per request the app spent waiting on Hydra's admin API (prompt: one GET; decision: one GET + one PUT accept, each call's mean shown), and its share of the mean latency wrk saw. Calls counted during the runs: ${runs.filter((r) => r.kind !== "floor").map((r) => `${r.kind}-c${r.c} ${r.hydraGet.count} GET${r.hydraAccept.count ? ` + ${r.hydraAccept.count} PUT` : ""} for ${r.requests} requests`).join("; ")} (the GET runs' few extra calls are requests still in flight when wrk stopped counting). CPU-s /1000: utime+stime from \`/proc/<pid>/stat\` over the run per 1000 requests. VmHWM is the app's peak resident set since it started (it only grows from row to row).

## App vs floor (GET prompt vs Hydra's GET)

${ratioTable}

${c1Repeats.length > 1 ? `### Concurrency 1, every pair (floor then app, ${SECONDS} s each)\n\n${repeatsTable}\n\n` : ""}## Where the app's CPU goes (concurrency 1)

${breakdown.length ? breakdownTable : "(skipped: BENCH_BREAKDOWN_SECONDS=0)"}

## Page weight of the prompt

${weightTable}

## Targets

${targetTable}

## Machine load during the runs

Share of all ${NPROC} CPUs over each measured run (from \`/proc/stat\` and the processes' own counters). "Other processes" is everyone else on this shared machine; a floor/app pair in which it exceeded ${NOISE_MAX}% was repeated (up to ${RETRIES} times, within the time budget) and the quietest attempt kept; a noisy decision run was repeated once with fresh challenges.

${noiseTable}

App at the end: VmHWM ${f1(end.mem.hwm / 1024)} MB, VmRSS ${f1(end.mem.rss / 1024)} MB. Hydra at the end: VmHWM ${f1(end.hydraMem.hwm / 1024)} MB.
`;

fs.writeFileSync(path.join(OUT, "results.md"), md);
fs.writeFileSync(
  path.join(OUT, "results.json"),
  JSON.stringify({ meta, end, prep, runs, c1Repeats, breakdown, weight, targets, ratio: ratioRows }, null, 2),
);
console.log(`\n${md}`);
log(`written ${path.relative(ROOT, path.join(OUT, "results.md"))} and results.json; wrk output in ${path.relative(ROOT, LOGS)}/`);
