-- wrk script: optional method/body/headers from the environment; prints one JSON line.
local method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY")
local cookie = os.getenv("WRK_COOKIE")
local csrf = os.getenv("WRK_CSRF")
local htmx = os.getenv("WRK_HTMX")

if method then wrk.method = method end
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie then wrk.headers["Cookie"] = cookie end
if csrf then wrk.headers["X-CSRFToken"] = csrf end
if htmx then wrk.headers["HX-Request"] = "true" end
wrk.headers["Accept-Encoding"] = "gzip"

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local codes = {}
  for code, count in pairs(statuses) do table.insert(codes, string.format('"%d": %d', code, count)) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    table.concat(codes, ", ")))
end
