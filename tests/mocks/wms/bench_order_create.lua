-- wrk script: POST /api/v1/orders with a unique clientReference per request (the WMS's hottest write).
-- wrk -t2 -c16 -d10s -s tests/mocks/wms/bench_order_create.lua http://127.0.0.1:<port>
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/api/v1/orders"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = "wms-test-key"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"clientReference":"B%d-%d","externalId":"%d","shipTo":{"name":"Ada Lovelace","address1":"1 High Street",' ..
    '"city":"Manchester","postcode":"M1 1AA","country":"GB"},"lines":[{"sku":"SKU-00001","quantity":2,' ..
    '"externalLineId":"1"},{"sku":"SKU-00002","quantity":1,"externalLineId":"2"}]}', tid, counter, counter)
  return wrk.format(nil, nil, nil, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
