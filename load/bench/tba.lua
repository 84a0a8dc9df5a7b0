-- wrk script: each request carries its own pre-signed TBA header (see sign.py); thread t uses lines t, t+n, ...
-- env: HEADERS=<file of Authorization headers>, METHOD=GET|POST, BODY=<json file for POST>
local headers = {}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = #threads == 0 and 2 or #threads
  local i = 0
  for line in io.lines(os.getenv("HEADERS")) do
    if i % 2 == id then table.insert(headers, line) end
    i = i + 1
  end
  next_header = 1
  method = os.getenv("METHOD") or "GET"
  body = nil
  if os.getenv("BODY") then
    local f = io.open(os.getenv("BODY"), "r"); body = f:read("*a"); f:close()
  end
end

function request()
  local h = headers[next_header]
  next_header = next_header + 1
  if h == nil then h = "exhausted" end
  local hdrs = {["Authorization"] = h}
  if body then hdrs["Content-Type"] = "application/json" end
  return wrk.format(method, nil, hdrs, body)
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
