// Where the app's CPU goes while it serves the prompt at concurrency 1: a flat
// `perf` profile (timer sampling, 2 kHz) of the app process during a wrk run,
// grouped by crate. Started by `./bench/run.sh --profile`, which starts Hydra
// (instance "bench") and the app as for the benchmark. Writes
// target/bench/profile.md (and perf.data next to it).

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { Hydra } from "../testenv/ops/lib/flow.mjs";
import { table } from "../testenv/ops/lib/report.mjs";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const env = process.env;
const OUT = path.resolve(ROOT, env.BENCH_OUT ?? "target/bench");
const SECONDS = Number(env.BENCH_PROFILE_SECONDS ?? 8);
const APP_URL = env.BENCH_APP_URL ?? "http://127.0.0.1:3040";
const APP_PID = Number(env.BENCH_APP_PID);
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
const DATA = path.join(OUT, "perf.data");
const log = (...a) => console.log("profile:", ...a);

const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });

function times(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) / CLK_TCK, sys: Number(f[12]) / CLK_TCK };
}

const hydra = new Hydra({ publicUrl: env.BENCH_HYDRA_PUBLIC_URL, adminUrl: env.BENCH_HYDRA_ADMIN_URL });
const pending = await hydra.pendingLogout({ prefix: "profile" });
const url = `${APP_URL}/logout?logout_challenge=${encodeURIComponent(pending.challenge)}`;
const wrk = (s) => run("wrk", ["-t1", "-c1", `-d${s}s`, "-H", "Accept: text/html", url]);

await wrk(2); // warm-up
const t0 = times(APP_PID);
const perf = run("perf", ["record", "-F", "2000", "-g", "-p", String(APP_PID), "-o", DATA, "--", "sleep", String(SECONDS + 1)]);
await new Promise((r) => setTimeout(r, 300));
const w = await wrk(SECONDS);
const p = await perf;
const t1 = times(APP_PID);
if (p.code !== 0) throw new Error(`perf record failed:\n${p.out}`);
const requests = Number(/(\d+) requests in/.exec(w.out)?.[1] ?? NaN);
const user = t1.user - t0.user;
const sys = t1.sys - t0.sys;
log(`${requests} prompts in ${SECONDS} s; app user ${user.toFixed(2)} s, system ${sys.toFixed(2)} s`);

const report = await run("perf", ["report", "-i", DATA, "--no-children", "--sort", "dso,sym", "-g", "none", "--stdio"]);
const groups = new Map();
const top = [];
for (const line of report.out.split("\n")) {
  const m = /^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)$/.exec(line);
  if (!m) continue;
  const [, pct, dso, kind, sym] = m;
  let key;
  if (kind === "k") key = "kernel (syscalls, loopback TCP, scheduling)";
  else if (dso.startsWith("libc") && /malloc|free|realloc|_int_|unlink_chunk|consolidate/.test(sym)) key = "libc malloc/free";
  else if (dso.startsWith("libc") && /mem(move|cpy|set|cmp)/.test(sym)) key = "libc memmove/memcpy";
  else if (dso.startsWith("libc")) key = "libc (other)";
  else if (dso.startsWith("libm")) key = "libc (other)";
  else if (dso.startsWith("[vdso]")) key = "kernel (syscalls, loopback TCP, scheduling)";
  else {
    // The crate of the symbol: its first path segment, or for "<T as crate::Trait>" the trait's crate.
    const s = sym.replace(/^core::ptr::drop_in_place</, "").replace(/^[<&(\[]+/, "").replace(/^impl /, "").replace(/^[<&\[]+/, "");
    const as = /^([^ ]+) as ([^ ]+)/.exec(s);
    key = (as && !as[1].includes("::") ? as[2] : s).split("::")[0].replace(/[<>&()[\]]/g, "") || dso;
    if (/^(reactive_graph|tachys|leptos|leptos_router|leptos_meta|leptos_config|leptos_axum|leptos_server|hydration_context|any_spawner|throw_error|or_poisoned|server_fn|slotmap|guardian|either_of)$/.test(key)) key = "Leptos (reactive_graph, tachys, leptos*)";
    else if (/^(hyper|hyper_util|hyper_rustls|http|http_body|http_body_util|httparse|axum|axum_core|tower|tower_http|tower_layer|tower_service|reqwest|rustls|h2|bytes|want)$/.test(key)) key = "HTTP (hyper, axum, tower, reqwest, http)";
    else if (/^(tokio|mio|futures_util|futures_core|futures_task|futures_channel|pin_project_lite|async_lock|event_listener)$/.test(key)) key = "async runtime (tokio, futures)";
    else if (/^(url|percent_encoding|idna|form_urlencoded)$/.test(key)) key = "URL parsing (url, percent_encoding)";
    else if (/^(core|alloc|std|hashbrown|indexmap|compiler_builtins)$/.test(key) || key.startsWith("__")) key = "Rust std (core, alloc, hashbrown, indexmap)";
    else if (/^(serde|serde_core|serde_json|serde_urlencoded|serde_qs)$/.test(key)) key = "serde";
    else if (/^(fluent|fluent_bundle|fluent_templates|intl_memoizer|unic_langid|fluent_syntax)/.test(key)) key = "Fluent (i18n)";
    else if (/^(chacha20|chacha20poly1305|poly1305|aead|getrandom|rand|rand_core|rand_chacha|base64|subtle|cipher|universal_hash)$/.test(key)) key = "ticket + CSRF (XChaCha20-Poly1305, random, base64)";
    else if (/^(tracing|tracing_core|tracing_subscriber|prometheus|uuid)$/.test(key)) key = "tracing, metrics, request id";
    else if (key === "hydra_logout_ui") key = "hydra_logout_ui (own code)";
  }
  groups.set(key, (groups.get(key) ?? 0) + Number(pct));
  if (top.length < 25) top.push([`${pct}%`, dso, sym.length > 110 ? `${sym.slice(0, 107)}…` : sym]);
}
const sortedGroups = [...groups.entries()].sort((a, b) => b[1] - a[1]);
const small = sortedGroups.filter(([, v]) => v < 0.3);
const groupRows = [
  ...sortedGroups.filter(([, v]) => v >= 0.3).map(([k, v]) => [k, `${v.toFixed(1)}%`]),
  ...(small.length ? [[`other (${small.length} crates under 0.3% each)`, `${small.reduce((a, [, v]) => a + v, 0).toFixed(1)}%`]] : []),
];
const perReq = (s) => ((s / requests) * 1e6).toFixed(0);
const md = `# Profile of the prompt at concurrency 1

\`./bench/run.sh --profile\`: \`perf record -F 2000 -g\` on the app (release binary, \`RUST_LOG=warn\`) while
wrk sends \`GET /logout?logout_challenge=C\` over one connection for ${SECONDS} s (after a 2 s warm-up).
Timer-based sampling (no hardware counters in this VM): kernel samples bunch up where interrupts are
re-enabled (\`finish_task_switch\`, \`_raw_spin_unlock_irqrestore\`), so read the kernel total, not its lines.

${requests} prompts; the app used ${(user + sys).toFixed(2)} CPU-s (${perReq(user + sys)} µs per prompt, with perf attached):
user ${user.toFixed(2)} s (${perReq(user)} µs per prompt), system ${sys.toFixed(2)} s (${perReq(sys)} µs per prompt).

${table(["where", "share of the app's samples"], groupRows)}

Top symbols:

${table(["self", "object", "symbol"], top)}
`;
fs.writeFileSync(path.join(OUT, "profile.md"), md);
console.log(`\n${md}`);
log(`written ${path.relative(ROOT, path.join(OUT, "profile.md"))}`);
