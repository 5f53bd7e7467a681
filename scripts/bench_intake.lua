-- wrk script for the intake benchmark (scripts/bench.py): POSTs an aanmelding with a fresh Idempotency-Key
-- and jongereRef per request, and prints wrk's figures as one JSON line at the end.
--
--   wrk -t1 -c32 -d10s -s scripts/bench_intake.lua http://127.0.0.1:PORT -- <path> <run id> [<bearer key>] [<organisatie>] [GET]
--
-- Without a bearer key the request goes to the bare baseline endpoint (scripts/bench_baseline.py) with the same body;
-- with GET it only GETs <path> (the generator's own ceiling, against a trivially cheap endpoint).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path = args[1] or "/aanmeldingen"
  run = args[2] or "run"
  key = args[3]
  organisatie = args[4] or "Bench Voorziening"
  method = args[5] or "POST"
  prefix = string.format("bench-%s-%d-", run, tid)
  headers = { ["Content-Type"] = "application/json" }
  if key and key ~= "" then
    headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  if method == "GET" then
    return wrk.format("GET", path)
  end
  counter = counter + 1
  local ref = prefix .. counter
  headers["Idempotency-Key"] = ref
  local body = string.format(
    '{"aanmelder":{"organisatie":"%s","categorie":"VOORZIENING"},"onderwerp":"JONGERE","jongereRef":"%s",'
      .. '"leeftijdBijAanmelding":14,"regioJongere":"WESTHOEK","redenen":["REFLECTIE"]}',
    organisatie, ref)
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
