-- wrk script: report throughput and latency percentiles as one JSON line.
-- Optional environment: BENCH_METHOD, BENCH_BODY, BENCH_COOKIE, BENCH_CONTENT_TYPE, and
-- BENCH_PATHS_FILE: one path per line, each request takes the next one (a write that can be
-- done once per record, such as a status step); the threads take turns, so no path is sent twice
-- until the list is used up.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local content_type = os.getenv("BENCH_CONTENT_TYPE")
local paths_file = os.getenv("BENCH_PATHS_FILE")

local threads = {}
local thread_count = 0

setup = function(thread)
  thread:set("thread_number", thread_count)
  table.insert(threads, thread)
  thread_count = thread_count + 1
end

local paths = nil
local next_index = 0
local step = 1

init = function(args)
  if paths_file and paths_file ~= "" then
    paths = {}
    for line in io.lines(paths_file) do
      if line ~= "" then table.insert(paths, line) end
    end
    next_index = thread_number or 0
    step = tonumber(os.getenv("BENCH_THREADS") or "2")
  end
end

request = function()
  local headers = {}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if content_type and content_type ~= "" then headers["Content-Type"] = content_type end
  local path = nil
  if paths and #paths > 0 then
    path = paths[(next_index % #paths) + 1]
    next_index = next_index + step
  end
  return wrk.format(method, path, headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
