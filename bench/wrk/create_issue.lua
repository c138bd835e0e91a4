-- wrk script for the REST benchmark (bench/api_bench.cc): POST /v1/issues with a bearer
-- token and a JSON body. The tokens come as script arguments (wrk ... -- TOKEN [TOKEN...]);
-- each connection uses one of them in turn, so several companies' tokens spread the writes
-- over several companies (each company's issue ids are one sequence: its writes serialise).
--
--   wrk -t1 -c16 -d10s -s bench/wrk/create_issue.lua http://127.0.0.1:8080 -- "$TOKEN"
local tokens = {}
local counter = 0

function init(args)
  for i, t in ipairs(args) do tokens[i] = t end
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = '{"title":"Benchmark issue ' .. counter ..
               '","priority":"Medium","issue_type":"Task","labels":["bench"]}'
  return wrk.format("POST", "/v1/issues", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

-- No response() callback: defining one makes wrk hand every response to Lua, which costs
-- wrk CPU that the server would otherwise get. wrk reports non-2xx answers by itself.
