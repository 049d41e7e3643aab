// Worker-thread host of one proxy from proxies.mjs. TEST ONLY.
import { parentPort, workerData } from "node:worker_threads";
import { startFaultProxy, startBalancer } from "./proxies.mjs";

const { kind, options } = workerData;
const proxy = kind === "fault" ? startFaultProxy(options) : startBalancer(options);

proxy
  .listen()
  .then(() => parentPort.postMessage({ ready: true }))
  .catch((e) => parentPort.postMessage({ listenError: `cannot listen on 127.0.0.1:${options.port}: ${e.code ?? e.message}` }));

parentPort.on("message", (msg) => {
  if (msg.cmd === "close") {
    proxy.server.closeAllConnections?.();
    proxy.server.close(() => parentPort.postMessage({ id: msg.id, result: {} }));
    return;
  }
  try {
    parentPort.postMessage({ id: msg.id, result: proxy.control(msg) });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: e.message });
  }
});
