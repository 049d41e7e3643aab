// A/B of app binaries on load-insensitive figures (started by bench/ab.sh, which
// starts the bench Hydra). For each binary in BENCH_AB_BINS (space separated,
// `name=path`):
//
// - `cpu` mode (default): starts it on 127.0.0.1:3040, sends BENCH_AB_WARMUP
//   prompts, then BENCH_AB_REQUESTS prompts one after the other over one kept-alive
//   connection, and reads the app's utime + stime from /proc/<pid>/stat before and
//   after: CPU µs per prompt (user and system). Rounds interleave the binaries
//   (BENCH_AB_ROUNDS) so that background load hits all of them alike.
// - `callgrind` mode: the same under `valgrind --tool=callgrind` with
//   instrumentation off until the warm-up is done, then on for the measured
//   prompts: user-space instructions per prompt (Ir), which does not depend on
//   the machine's load at all. Kernel work is not counted.
//
// Every binary's prompt is also saved (target/ab/<name>.html, headers in
// <name>.headers) with the per-response values (nonce, ticket, cookie, request
// id, date) replaced, so that `diff` shows any change of bytes.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import { Hydra } from "../testenv/ops/lib/flow.mjs";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const env = process.env;
const OUT = path.join(ROOT, "target/ab");
fs.mkdirSync(OUT, { recursive: true });
const MODE = env.BENCH_AB_MODE ?? "cpu";
const WARMUP = Number(env.BENCH_AB_WARMUP ?? (MODE === "cpu" ? 500 : 50));
const REQUESTS = Number(env.BENCH_AB_REQUESTS ?? (MODE === "cpu" ? 5000 : 200));
const ROUNDS = Number(env.BENCH_AB_ROUNDS ?? (MODE === "cpu" ? 3 : 1));
const PATH_KIND = env.BENCH_AB_PATH ?? "prompt"; // prompt | alive | page400
const APP = "127.0.0.1:3040";
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
const bins = (env.BENCH_AB_BINS ?? "").split(/\s+/).filter(Boolean).map((s) => {
  const [name, bin] = s.split("=");
  return { name, bin: path.resolve(bin) };
});
if (!bins.length) throw new Error("BENCH_AB_BINS is empty");

const hydra = new Hydra({ publicUrl: env.BENCH_HYDRA_PUBLIC_URL, adminUrl: env.BENCH_HYDRA_ADMIN_URL });
const pending = await hydra.pendingLogout({ prefix: "ab" });
const target = {
  prompt: `/logout?logout_challenge=${encodeURIComponent(pending.challenge)}`,
  alive: "/health/alive",
  page400: "/logout",
}[PATH_KIND];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (p) =>
  new Promise((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port: 3040, path: p, agent, headers: { accept: "text/html", "accept-language": "en" } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.rawHeaders, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
  });

function times(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) / CLK_TCK, sys: Number(f[12]) / CLK_TCK };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(b) {
  const appEnv = {
    PATH: env.PATH,
    HOME: env.HOME ?? "/root",
    METRICS_ADDR: "off",
    HYDRA_ADMIN_URL: env.BENCH_HYDRA_ADMIN_URL,
    HYDRA_PUBLIC_URL: env.BENCH_HYDRA_PUBLIC_URL,
    LOGOUT_UI_SECRET: "bench-only-secret-0123456789abcdefghijkl",
    LEPTOS_SITE_ADDR: APP,
    LEPTOS_SITE_ROOT: path.join(ROOT, "target/site"),
    RUST_LOG: env.BENCH_AB_RUST_LOG ?? "warn",
  };
  for (const kv of (env.BENCH_AB_APP_ENV ?? "").split(/\s+/).filter(Boolean)) {
    const i = kv.indexOf("=");
    appEnv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const cgOut = path.join(OUT, `callgrind.${b.name}.out`);
  const [cmd, args] =
    MODE === "callgrind"
      ? ["valgrind", ["--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${cgOut}`, b.bin]]
      : [b.bin, []];
  const logFile = fs.openSync(path.join(OUT, `${b.name}.log`), "w");
  const child = spawn(cmd, args, { cwd: ROOT, env: appEnv, stdio: ["ignore", logFile, logFile] });
  for (let i = 0; i < 600; i++) {
    try {
      const r = await get("/health/alive");
      if (r.status === 200) return { child, cgOut };
    } catch {}
    if (child.exitCode !== null) throw new Error(`${b.name} exited; see ${OUT}/${b.name}.log`);
    await sleep(100);
  }
  throw new Error(`${b.name} did not start`);
}

async function stop(child) {
  child.kill("SIGTERM");
  for (let i = 0; i < 300 && child.exitCode === null; i++) await sleep(100);
  if (child.exitCode === null) child.kill("SIGKILL");
}

function normalise(r) {
  const scrub = (s) =>
    s
      .replace(/nonce="[^"]*"/g, 'nonce="N"')
      .replace(/crossorigin="[^"]*"/g, 'crossorigin="N"')
      .replace(/'nonce-[^']*'/g, "'nonce-N'")
      .replace(/name="ticket" value="[^"]*"/g, 'name="ticket" value="T"')
      .replace(/(logout_csrf[^=]*)=[^;]*/g, "$1=C");
  const h = [];
  for (let i = 0; i < r.headers.length; i += 2) {
    const k = r.headers[i].toLowerCase();
    let v = r.headers[i + 1];
    if (k === "date" || k === "x-request-id") v = "X";
    h.push(`${k}: ${scrub(v)}`);
  }
  return { headers: `${r.status}\n${h.join("\n")}\n`, body: scrub(r.body) };
}

const results = Object.fromEntries(bins.map((b) => [b.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const b of bins) {
    const { child, cgOut } = await start(b);
    for (let i = 0; i < WARMUP; i++) await get(target);
    const sample = normalise(await get(target));
    fs.writeFileSync(path.join(OUT, `${b.name}.${PATH_KIND}.html`), sample.body);
    fs.writeFileSync(path.join(OUT, `${b.name}.${PATH_KIND}.headers`), sample.headers);
    let figure;
    if (MODE === "callgrind") {
      execFileSync("callgrind_control", ["-i", "on", String(child.pid)]);
      for (let i = 0; i < REQUESTS; i++) await get(target);
      execFileSync("callgrind_control", ["-i", "off", String(child.pid)]);
      await stop(child);
      const text = fs.readFileSync(cgOut, "utf8");
      const m = /^totals:\s+(\d+)/m.exec(text);
      figure = Number(m[1]) / REQUESTS;
    } else if (MODE === "strace") {
      // Syscalls per request: strace attached to every thread for the measured requests.
      const sOut = path.join(OUT, `strace.${b.name}.txt`);
      const tids = fs.readdirSync(`/proc/${child.pid}/task`);
      const st = spawn("strace", [...(env.BENCH_AB_STRACE_ARGS ?? "-c").split(" "), "-o", sOut, ...tids.flatMap((t) => ["-p", t])], { stdio: "ignore" });
      await sleep(1000);
      for (let i = 0; i < REQUESTS; i++) await get(target);
      st.kill("SIGINT");
      await new Promise((r) => st.on("exit", r));
      await stop(child);
      const text = fs.readFileSync(sOut, "utf8");
      const total = /^\S+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+(?:\d+\s+)?total$/m.exec(text);
      figure = Number(total?.[1] ?? NaN) / REQUESTS;
      console.log(`ab: ${b.name}: ${figure.toFixed(2)} syscalls per ${PATH_KIND} request\n${text}`);
    } else {
      const t0 = times(child.pid);
      const w0 = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) await get(target);
      const wall = Number(process.hrtime.bigint() - w0) / 1e6 / REQUESTS;
      const t1 = times(child.pid);
      await stop(child);
      const us = (x) => ((x / REQUESTS) * 1e6).toFixed(1);
      figure = ((t1.user + t1.sys - t0.user - t0.sys) / REQUESTS) * 1e6;
      console.log(`ab: round ${round + 1} ${b.name}: ${figure.toFixed(1)} µs CPU/req (user ${us(t1.user - t0.user)}, system ${us(t1.sys - t0.sys)}), ${wall.toFixed(3)} ms mean latency, load ${fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
    }
    results[b.name].push(figure);
    if (MODE === "callgrind") console.log(`ab: ${b.name}: ${Math.round(figure)} instructions per ${PATH_KIND} request`);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`\nab: ${MODE}, ${PATH_KIND}, ${REQUESTS} requests after ${WARMUP} warm-up, ${ROUNDS} round(s)`);
for (const b of bins) {
  const r = results[b.name];
  const unit = { callgrind: "Ir/req", strace: "syscalls/req", cpu: "µs CPU/req" }[MODE];
  console.log(`ab: ${b.name.padEnd(16)} median ${median(r).toFixed(MODE === "callgrind" ? 0 : 1)} ${unit}  (${r.map((x) => x.toFixed(MODE === "callgrind" ? 0 : 1)).join(", ")})`);
}
for (const b of bins.slice(1)) {
  for (const kind of ["html", "headers"]) {
    const a = fs.readFileSync(path.join(OUT, `${bins[0].name}.${PATH_KIND}.${kind}`), "utf8");
    const c = fs.readFileSync(path.join(OUT, `${b.name}.${PATH_KIND}.${kind}`), "utf8");
    console.log(`ab: ${b.name} ${kind} ${a === c ? "identical to" : "DIFFERS from"} ${bins[0].name}`);
  }
}
