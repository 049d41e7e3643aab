#!/usr/bin/env node
// Standalone fault proxy for manual experiments. TEST ONLY, loopback only.
//
//   node testenv/ops/fault-proxy.mjs [port] [upstream]      (4465, http://127.0.0.1:4445)
//   curl -X PUT 127.0.0.1:4465/__ops/fault -d '{"mode":"delay","ms":3000}'
//   curl -X PUT 127.0.0.1:4465/__ops/fault -d '{"mode":"status","status":500,"methods":["PUT"]}'
//   curl 127.0.0.1:4465/__ops/fault                          (mode and counters)
// Modes: pass, delay {ms}, hang, reset, status {status}, garbage; see lib/proxies.mjs.
import { startFaultProxy } from "./lib/proxies.mjs";

const port = Number(process.argv[2] ?? 4465);
const upstream = process.argv[3] ?? "http://127.0.0.1:4445";
const proxy = startFaultProxy({ port, upstream });
await proxy.listen();
console.log(`fault proxy on http://127.0.0.1:${port} → ${upstream}; control: /__ops/fault`);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => proxy.server.close(() => process.exit(0)));
