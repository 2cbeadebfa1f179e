-- Mixed, paced load for scripts/soak.sh: one wrk thread per connection (wrk -tN -cN), each
-- a browser going round a visit of sign-in page, sign-in, page views, gate checks, the
-- account page and sign-out, at a fixed rate (wrk2-style: a schedule of send times, so
-- a slow answer is caught up afterwards instead of lowering the rate).
--
-- Environment (wrk gives a script's top level no arguments):
--   SOAK_RATE      requests/s for each connection
--   SOAK_USER      connection N signs in as SOAK_USER..N (soak1, soak2, ...), SOAK_PASSWORD
--                  their password: one user per browser, as in life (the lockout admits only
--                  LOGIN_FAILURE_LIMIT sign-ins of one user from one address at once)
--
-- done() prints one line for scripts/soak.sh:
--   SOAK requests=N duration_us=N p50_us=N p99_us=N max_us=N connect=N read=N write=N
--        timeout=N s5xx=N unexpected=N logins=N logouts=N visit_steps=N statuses=200:N,...
--        bad=STEP:STATUS:N,...

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock, soak_timespec *out);
]]
local clock = ffi.new("soak_timespec")
local function now_ms()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local rate = tonumber(os.getenv("SOAK_RATE") or "100")
local user = os.getenv("SOAK_USER") or "soak"
local password = os.getenv("SOAK_PASSWORD") or ""
local interval = 1000 / rate

-- One visit: each step is {name, method, path, expected status}.
local visit = {
   { "login_page", "GET", "/auth", 200 },
   { "login", "POST", "/auth", 303 },
   { "home", "GET", "/", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "home", "GET", "/", 200 },
   { "check_admin", "GET", "/auth/check?scope=admin", 204 },
   { "account", "GET", "/account", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "home", "GET", "/", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "home", "GET", "/", 200 },
   { "check_admin", "GET", "/auth/check?scope=admin", 204 },
   { "home", "GET", "/", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "home", "GET", "/", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "home", "GET", "/", 200 },
   { "check", "GET", "/auth/check", 204 },
   { "logout", "POST", "/auth/logout", 303 },
}

-- Per thread (= per connection) state; the counters are read by done() via thread:get.
local step, cookie, csrf = 1, nil, nil
local next_at = nil
statuses, bad = {}, {}
-- Each sign-in's time from request() to response(), in ms.
login_times = {}
local sent_at = nil
s5xx, unexpected, logins, logouts = 0, 0, 0, 0

local threads = {}
function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   -- Spread the connections' schedules over one interval.
   next_at = now_ms() + interval * ((id or 1) % 16) / 16
end

function delay()
   local now = now_ms()
   if next_at < now - 20 * interval then next_at = now end -- a long stall: do not burst
   local wait = next_at - now
   next_at = next_at + interval
   if wait < 1 then return 0 end
   return math.floor(wait)
end

function request()
   local s = visit[step]
   local headers = {}
   if cookie then headers["Cookie"] = "session=" .. cookie end
   local body = nil
   if s[1] == "login" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = "csrf_token=" .. urlencode(csrf or "") .. "&username=" .. urlencode(user .. (id or 1)) ..
         "&password=" .. urlencode(password) .. "&next=%2F"
   elseif s[1] == "logout" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = "csrf_token=" .. urlencode(csrf or "")
   end
   sent_at = now_ms()
   return wrk.format(s[2], s[3], headers, body)
end

-- The value of the first csrf_token input, attributes in any order.
local function csrf_in(body)
   local input = body:match('<input[^>]-name="csrf_token"[^>]*>')
   return input and input:match('value="([^"]*)"')
end

local function set_cookie(headers)
   local value = headers["Set-Cookie"] or headers["set-cookie"]
   if value then
      local token = value:match("session=([^;]*)")
      if token then cookie = token end
   end
end

function response(status, headers, body)
   local s = visit[step]
   if s[1] == "login" and sent_at then table.insert(login_times, now_ms() - sent_at) end
   statuses[status] = (statuses[status] or 0) + 1
   if status >= 500 then s5xx = s5xx + 1 end
   if status ~= s[4] then
      unexpected = unexpected + 1
      local key = s[1] .. ":" .. status
      bad[key] = (bad[key] or 0) + 1
      -- Start the visit again with a fresh anonymous cookie.
      step, cookie, csrf = 1, nil, nil
      return
   end
   if s[1] == "login_page" then
      cookie = nil
      set_cookie(headers)
      csrf = csrf_in(body)
   elseif s[1] == "login" then
      set_cookie(headers)
      logins = logins + 1
   elseif s[1] == "home" and step == 3 then
      -- The signed-in session's csrf_token, for the sign-out form.
      csrf = csrf_in(body) or csrf
   elseif s[1] == "logout" then
      logouts = logouts + 1
      cookie, csrf = nil, nil
   end
   step = step % #visit + 1
end

function done(summary, latency, requests)
   local merged, merged_bad, times = {}, {}, {}
   local totals = { s5xx = 0, unexpected = 0, logins = 0, logouts = 0 }
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses") or {}) do merged[status] = (merged[status] or 0) + n end
      for key, n in pairs(thread:get("bad") or {}) do merged_bad[key] = (merged_bad[key] or 0) + n end
      for key, _ in pairs(totals) do totals[key] = totals[key] + (thread:get(key) or 0) end
      for _, ms in ipairs(thread:get("login_times") or {}) do table.insert(times, ms) end
   end
   local function join(t)
      local parts = {}
      for k, n in pairs(t) do table.insert(parts, k .. ":" .. n) end
      table.sort(parts)
      return #parts > 0 and table.concat(parts, ",") or "-"
   end
   table.sort(times)
   local function at(q) return #times > 0 and times[math.max(1, math.ceil(#times * q))] * 1000 or 0 end
   local e = summary.errors
   io.write(string.format(
      "SOAK requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d timeout=%d " ..
      "s5xx=%d unexpected=%d logins=%d logouts=%d visit_steps=%d login_p50_us=%d login_p99_us=%d " ..
      "login_max_us=%d statuses=%s bad=%s\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout, totals.s5xx, totals.unexpected, totals.logins, totals.logouts,
      #visit, at(0.5), at(0.99), at(1), join(merged), join(merged_bad)))
end
