-- wrk script for scripts/bench.py: cycles through requests and writes the figures as JSON.
--   BENCH_METHOD    GET or POST
--   BENCH_REQUESTS  file with one request a line: path <TAB> body (body may be empty)
--   BENCH_HEADERS   extra headers, one "Name: value" a line
--   BENCH_REPORT    where done() writes its JSON
local method = os.getenv("BENCH_METHOD") or "GET"
local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end

local requests = {}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local path, body = string.match(line, "^([^\t]*)\t?(.*)$")
    if body == "" then body = nil end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_REPORT"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
