-- wrk script: POST one POS sale per request, each with a unique externalid (thread id + counter).
-- Usage: wrk -t2 -c16 -d10s -s bench_sale.lua http://127.0.0.1:PORT
-- Env: POS_REGISTER (register id), POS_AUTH (base64 "apiid:password"), POS_PATH (orders path).
local counter = 0
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("id", nthreads)
end

function init(args)
  wrk.method = "POST"
  wrk.path = os.getenv("POS_PATH") or "/v2/accounts/10020/sites/1/orders.json"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Basic " .. (os.getenv("POS_AUTH") or "")
  register = os.getenv("POS_REGISTER") or ""
  run = os.getenv("POS_RUN") or "R"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"externalid":"%s-%d-%d","registerid":"%s","orderitems":[' ..
    '{"sku":"SKU-0001","quantity":1,"moneynetpriceperunit":"10.00","vatvalue":20},' ..
    '{"sku":"SKU-0002","quantity":2,"moneynetpriceperunit":"5.00","vatvalue":20},' ..
    '{"orderitemtype":30,"moneyrowdiscount":"1.20"}],' ..
    '"payments":[{"name":"Card","moneyamount":"22.80"}]}',
    run, id, counter, register)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors <= 3 then print("status " .. status .. ": " .. body) end
  end
end
