-- crossing.lua: wrk script; every request registers a foreign truck entering at Dostyk with a
-- plate no request used before, so each one looks the plate up, matches a fresh UZ->KG permit
-- (verified by Kyrgyzstan) and records its ENTRANCE in the crossing's durable transaction.
-- The checkpoint's plate camera signs in with its device key (KAPKA_BENCH_DEVICE_KEY).
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  key = os.getenv("KAPKA_BENCH_DEVICE_KEY")
  nthreads = tonumber(os.getenv("KAPKA_BENCH_THREADS") or "2")
  k = 0
end

function request()
  local i = k * nthreads + tid
  k = k + 1
  local body = string.format('{"direction":"entry","vehicle_kind":"truck","plate":"BP%07d","plate_source":"camera",'
    .. '"vehicle_country":"UZ","weight_kg":31000,"scan_result":"clear","radiation_result":"clear",'
    .. '"persons":[{"name":"Bench Driver","nationality":"UZ","passport":"FB%07d","driver":true}]}', i, i)
  return wrk.format("POST", "/api/v1/crossings",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
