-- apply.lua: wrk script; every request applies for a KG->UZ bilateral permit for a vehicle
-- no request used before (so the duplicate check never refuses), spread over many carriers.
-- Reads bench/out/carriers.txt: one "token first_vehicle_id vehicle_count" line per carrier.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  carriers = {}
  for line in io.lines(os.getenv("KAPKA_BENCH_CARRIERS")) do
    local tok, first, n = line:match("(%S+) (%d+) (%d+)")
    table.insert(carriers, {tok = tok, first = tonumber(first), n = tonumber(n)})
  end
  nthreads = tonumber(os.getenv("KAPKA_BENCH_THREADS") or "2")
  k = 0
end

function request()
  local i = k * nthreads + tid
  k = k + 1
  local c = carriers[(i % #carriers) + 1]
  local v = math.floor(i / #carriers) % c.n
  local body = string.format('{"partner":"UZ","type":1,"vehicle_id":%d}', c.first + v)
  return wrk.format("POST", "/api/v1/permit-applications",
    {["Authorization"] = "Bearer " .. c.tok, ["Content-Type"] = "application/json"}, body)
end
