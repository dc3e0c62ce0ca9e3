-- status.lua: wrk script; "can I cross here, then, with this?" across checkpoints, times and
-- modes (open ones, lunch breaks, seasons, closures, refused modes), answered from memory.
local queries = {
  "/api/v1/checkpoints/irkeshtam/status?at=2026-11-24T12:00&mode=truck",
  "/api/v1/checkpoints/irkeshtam/status?at=2026-11-24T15:00",
  "/api/v1/checkpoints/torugart/status?at=2027-01-15T10:00&mode=truck",
  "/api/v1/checkpoints/korday/status?mode=car",
  "/api/v1/checkpoints/ak-tilek/status?mode=car",
  "/api/v1/checkpoints/izboskan/status?mode=bicycle&foreign=true",
  "/api/v1/checkpoints/kairagach/status",
  "/api/v1/checkpoints/dostyk/status?at=2026-11-24T03:00Z&mode=truck",
}
local i = 0

function request()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
