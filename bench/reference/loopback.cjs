// Preloaded into Ory's reference app by bench/run.sh (node --require): its
// app.listen(PORT) binds every interface; the benchmark keeps to loopback, so a
// listen() given only a port binds 127.0.0.1. Changes nothing else.
"use strict";
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  return listen.apply(this, args);
};
