-- wrk script for the decision run: every prepared request is sent exactly once.
--
--   wrk -t T -c C -d <upper bound> -s bench/wrk/decide.lua http://127.0.0.1:3040 -- FILE T [PATH STATUS]
--
-- FILE has one prepared decision per line: "<Cookie header>\t<form body>",
-- posted as a form to PATH (default /api/logout/decide: the app; the reference
-- app takes its form at /logout).
-- Line k goes to thread (k mod T). Each thread walks its share once; when it is
-- used up, request() hands wrk an empty request (nothing is written, the
-- connection just idles), and once the thread has all its responses it prints
-- "BENCH_THREAD_DONE" and stops its event loop. bench.mjs sends SIGINT when all
-- threads are done, which ends wrk's fixed-duration sleep early, so wrk's own
-- duration (and requests/s) covers the work and not the upper bound.
--
-- A decision counts as "ok" when the server answers STATUS (default 303: the
-- app; Express's res.redirect in the reference sends 302) to Hydra's
-- /oauth2/sessions/logout?logout_verifier=… (the accept went through).

local counter = 0                 -- main state only: hands out thread ids
function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
  threads = threads or {}
  table.insert(threads, thread)
end

-- thread state
local reqs, sent, got, verified = {}, 0, 0, false
local expect = 303
ok, bad, statuses = 0, 0, ""
local seen = {}

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  local path = args[3] or "/api/logout/decide"
  expect = tonumber(args[4] or "303")
  local k = 0
  for line in io.lines(file) do
    if k % nthreads == thread_id then
      local cookie, body = line:match("^([^\t]*)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Accept"] = "text/html",
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = cookie,
        ["Origin"] = "http://" .. wrk.headers["Host"],
        ["Sec-Fetch-Site"] = "same-origin",
      }, body)
    end
    k = k + 1
  end
end

function request()
  -- wrk calls request() once on thread 0 before the run to check the script's
  -- output; hand it the first request without consuming it.
  if thread_id == 0 and not verified then
    verified = true
    return reqs[1] or wrk.format("GET", "/health/alive")
  end
  sent = sent + 1
  if sent <= #reqs then return reqs[sent] end
  return ""
end

function response(status, headers, body)
  got = got + 1
  local loc = headers["location"] or headers["Location"] or ""
  if status == expect and loc:find("/oauth2/sessions/logout?logout_verifier=", 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
    local key = tostring(status) .. " " .. (loc:gsub("%?.*", "?…"))
    if not seen[key] then seen[key] = true; statuses = statuses .. key .. "; " end
  end
  if got == #reqs then
    io.stdout:write("BENCH_THREAD_DONE\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local tok, tbad, tst = 0, 0, ""
  for _, t in ipairs(threads) do
    tok = tok + (t:get("ok") or 0)
    tbad = tbad + (t:get("bad") or 0)
    tst = tst .. (t:get("statuses") or "")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"ok":%d,"bad":%d,"bad_kinds":"%s",' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p75":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d,"stdev":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, tok, tbad, (tst:gsub('"', "'")),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, latency.stdev))
end
