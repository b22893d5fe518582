-- wrk script for Garap's benchmark: the paths given after "--" are requested in turn, and the
-- summary is one JSON line with the latency percentiles (microseconds) wrk recorded.
local paths = {}
local next_path = 1

init = function(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
  if #paths == 0 then
    paths[1] = "/"
  end
end

request = function()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"p50":%d,"p95":%d,"p99":%d,"requests":%d,"duration":%d,"errors":%d,"non2xx":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
