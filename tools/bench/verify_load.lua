-- wrk script: POST /v1/tokens/verify, each fresh token once.
-- The tokens file (one token a line) is KEYBOUND_BENCH_TOKENS; with N wrk
-- threads (`-- N` after the URL), thread i sends tokens i, i+N, i+2N, ...
-- so no token is sent twice while the list lasts (the bench sizes it so it
-- lasts; a wrap-around shows up as non-2xx responses, i.e. replays).
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  local nthreads = tonumber(args[1]) or 1
  local path = os.getenv("KEYBOUND_BENCH_TOKENS")
  local headers = { ["Content-Type"] = "application/json" }
  requests = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id and #line > 0 then
      requests[#requests + 1] = wrk.format("POST", nil, headers, '{"token":"' .. line .. '"}')
    end
    i = i + 1
  end
  index = 0
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end
