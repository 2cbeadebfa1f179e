-- The one wrk script behind every scenario of scripts/bench.sh.
--
-- Configured through the environment (wrk passes no arguments to a script's top level,
-- and each wrk thread loads this file into its own Lua state, so top-level code runs
-- once per thread and sees the same environment):
--   BENCH_FORM          when set, every request is a POST of this urlencoded body
--                       (the login scenario: username, password and a csrf_token that
--                       matches the cookie sent with -H "Cookie: ...")
--   BENCH_FORM_USERS    with BENCH_FORM: N spreads the POSTs over the users PREFIX0 ..
--                       PREFIX(N-1) (PREFIX is the form's username), so that the
--                       lockout, which admits a few sign-ins of one user from one address
--                       at a time, leaves the hashing pools to bound the flood
--   BENCH_COUNT_STATUS  "0" turns off per-status counting (the response() hook makes
--                       wrk copy headers and body of every response into Lua)
--
-- done() prints ONE line that scripts/bench.sh parses instead of wrk's prose:
--   BENCH requests=N duration_us=N bytes=N p50_us=N p99_us=N max_us=N
--         connect=N read=N write=N timeout=N non2xx3xx=N statuses=200:N,303:N

local form = os.getenv("BENCH_FORM")
if form ~= nil and form ~= "" then
   wrk.method = "POST"
   wrk.body = form
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local users = tonumber(os.getenv("BENCH_FORM_USERS") or "") or 0
if users > 0 then
   local prefix = string.match(form, "username=([^&]*)")
   local next_user = nil
   function request()
      -- Each thread starts at its own random user: threads have separate Lua states.
      if next_user == nil then next_user = math.random(0, users - 1) end
      next_user = (next_user + 1) % users
      local body = string.gsub(form, "username=[^&]*", "username=" .. prefix .. next_user, 1)
      return wrk.format(nil, nil, nil, body)
   end
end

local threads = {}

-- Runs in the main Lua state once per thread before it starts: keep a handle so done()
-- can read the thread's counters.
function setup(thread)
   table.insert(threads, thread)
end

if os.getenv("BENCH_COUNT_STATUS") ~= "0" then
   statuses = {}
   function response(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local merged = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses")
      if counts ~= nil then
         for status, n in pairs(counts) do
            merged[status] = (merged[status] or 0) + n
         end
      end
   end
   local codes = {}
   for status, n in pairs(merged) do
      table.insert(codes, string.format("%d:%d", status, n))
   end
   table.sort(codes)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d max_us=%d " ..
      "connect=%d read=%d write=%d timeout=%d non2xx3xx=%d statuses=%s\n",
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout, e.status,
      #codes > 0 and table.concat(codes, ",") or "-"))
end
