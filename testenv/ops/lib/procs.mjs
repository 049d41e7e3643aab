// Starting and stopping the processes the operational tests need. TEST ONLY.

import { spawn, execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { request, sleep } from "./http.mjs";

export const ROOT = path.resolve(new URL("../../..", import.meta.url).pathname);
export const APP_BIN = process.env.OPS_APP_BIN ?? path.join(ROOT, "target/release/hydra-logout-ui");
export const STATE = path.join(ROOT, "target/ops");
export const LOGS = path.join(STATE, "logs");
export const PIDS = path.join(STATE, "pids");

const live = new Set();
/** Every instance started by this run, for the log checks at the end. */
export const started = [];

/** An app instance (the release binary), started from the repository root so it reads ./Leptos.toml. */
export class AppProcess {
  static async start({ name, port, adminUrl, publicUrl, secret, env = {} }) {
    fs.mkdirSync(LOGS, { recursive: true });
    fs.mkdirSync(PIDS, { recursive: true });
    const logFile = path.join(LOGS, `app-${name}.log`);
    const fd = fs.openSync(logFile, "a");
    fs.writeSync(fd, `=== ${new Date().toISOString()} starting ${name} on 127.0.0.1:${port} (admin ${adminUrl})\n`);
    const logOffset = fs.fstatSync(fd).size;
    // /metrics is on its own listener (never the app port): port + 5 (3015–3017 for the
    // instances on 3010–3012), inside the ops range.
    const metricsPort = port + 5;
    const child = spawn(APP_BIN, [], {
      cwd: ROOT,
      stdio: ["ignore", fd, fd],
      env: {
        PATH: process.env.PATH,
        HYDRA_ADMIN_URL: adminUrl,
        HYDRA_PUBLIC_URL: publicUrl,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LOGOUT_UI_SECRET: secret,
        RUST_LOG: "info",
        LOG_FORMAT: "json",
        HYDRA_TIMEOUT_MS: "1500",
        HYDRA_CONNECT_TIMEOUT_MS: "500",
        METRICS_ADDR: `127.0.0.1:${metricsPort}`,
        ...env,
      },
    });
    fs.closeSync(fd);
    const p = new AppProcess(name, port, child, logFile);
    p.logOffset = logOffset;
    p.metricsUrl = `http://127.0.0.1:${metricsPort}`;
    started.push(p);
    fs.writeFileSync(p.pidFile, `${child.pid}\n`);
    live.add(p);
    await p.waitAlive();
    return p;
  }

  constructor(name, port, child, logFile) {
    this.name = name;
    this.port = port;
    this.child = child;
    this.logFile = logFile;
    this.pidFile = path.join(PIDS, `app-${name}.pid`);
    this.url = `http://127.0.0.1:${port}`;
    this.exit = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        live.delete(this);
        fs.rmSync(this.pidFile, { force: true });
        resolve({ code, signal, at: performance.now() });
      });
    });
    this.exited = false;
    this.exit.then(() => (this.exited = true));
  }

  async waitAlive(timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) break;
      try {
        const r = await request(`${this.url}/health/alive`, { agent: false, timeoutMs: 1000 });
        if (r.status === 200) return;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    throw new Error(`app ${this.name} did not become alive on ${this.url}; log tail:\n${this.logTail()}`);
  }

  /** What this process wrote to its log. */
  ownLog() {
    try {
      const fd = fs.openSync(this.logFile, "r");
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - this.logOffset));
      fs.readSync(fd, buf, 0, buf.length, this.logOffset);
      fs.closeSync(fd);
      return buf.toString("utf8");
    } catch {
      return "";
    }
  }

  logTail(lines = 20) {
    try {
      return fs.readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Sends `signal`; resolves { code, signal, ms } once the process exited (KILL after `timeoutMs`). */
  async stop(signal = "SIGTERM", timeoutMs = 15000) {
    if (this.exited) return { code: null, signal: null, ms: 0, alreadyExited: true };
    const t0 = performance.now();
    this.child.kill(signal);
    const timer = new Promise((r) => setTimeout(() => r(null), timeoutMs));
    let res = await Promise.race([this.exit, timer]);
    let killed = false;
    if (!res) {
      killed = true;
      this.child.kill("SIGKILL");
      res = await this.exit;
    }
    return { code: res.code, signal: res.signal, ms: res.at - t0, killed };
  }
}

/** Ends every app instance still running (used on exit and on signals). */
export async function stopAll() {
  await Promise.all([...live].map((p) => p.stop("SIGTERM", 12000)));
}

export function killAllSync() {
  for (const p of live) {
    try {
      p.child.kill("SIGKILL");
    } catch {
      /* gone */
    }
  }
}

/** Runs scripts/hydra.sh CMD with the environment scripts/ops-test.sh exported (instance, ports, DSN). */
export function hydraSh(cmd, timeoutMs = 120000) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(path.join(ROOT, "scripts/hydra.sh"), [cmd], { env: process.env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ ok: !err, code: err?.code ?? 0, out: `${stdout}${stderr}`.trim(), ms: performance.now() - t0 });
    });
  });
}

/** Runs an optional hook script (e.g. one that resets a PostgreSQL database before Hydra starts). */
export function runHook(cmd, timeoutMs = 60000) {
  if (!cmd) return Promise.resolve({ ok: true, out: "" });
  return new Promise((resolve) => {
    execFile("bash", ["-c", cmd], { env: process.env, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ ok: !err, out: `${stdout}${stderr}`.trim() }),
    );
  });
}
