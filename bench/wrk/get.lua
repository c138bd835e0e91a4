-- wrk script for the REST benchmark's GETs (bench/api_bench.cc): the path and the bearer
-- token come as script arguments, so the token stays out of the command line's quoting.
--
--   wrk -t1 -c16 -d10s -s bench/wrk/get.lua http://127.0.0.1:8080 -- /v1/issues/ISS-5000 "$TOKEN"
--
-- The request is set once in init() and no request() or response() callback is defined, so
-- wrk sends the same pre-built request and parses responses in C (callbacks cost wrk CPU
-- that the server, sharing the machine, would otherwise get). wrk reports non-2xx answers.
function init(args)
  wrk.method = "GET"
  wrk.path = args[1]
  wrk.headers["Authorization"] = "Bearer " .. args[2]
end
