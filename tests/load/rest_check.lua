-- tests/load/rest_check.lua: wrk's script for the load test.  Every
-- response must be 200 with the 64 KiB window in one of the toggler's
-- layouts (tests/load/layouts.py); one whose bytes mix two layouts is
-- torn.  done() prints one line:
--   rest: requests N errors E torn T (socket errors C/R/W/timeout)
local Q = 16384
local function window(a, b, c, d)
   return string.rep(string.char(a), Q) .. string.rep(string.char(b), Q) ..
      string.rep(string.char(c), Q) .. string.rep(string.char(d), Q)
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   layouts = { window(0xc3, 0xa1, 0xa1, 0xa1), window(0xb2, 0xb2, 0xc3, 0xb2),
               window(0, 0, 0, 0) }
   checked = 0
   bad_status = 0
   torn = 0
end

function response(status, headers, body)
   checked = checked + 1
   if status ~= 200 then
      bad_status = bad_status + 1
      return
   end
   for _, l in ipairs(layouts) do
      if body == l then
         return
      end
   end
   torn = torn + 1
end

function done(summary, latency, requests)
   local checked_all, bad, torn_all = 0, 0, 0
   for _, t in ipairs(threads) do
      checked_all = checked_all + t:get("checked")
      bad = bad + t:get("bad_status")
      torn_all = torn_all + t:get("torn")
   end
   local e = summary.errors
   io.write(string.format(
      "rest: requests %d checked %d errors %d torn %d " ..
      "(bad status %d, socket errors connect %d read %d write %d timeout %d)\n",
      summary.requests, checked_all,
      bad + e.connect + e.read + e.write + e.timeout, torn_all, bad,
      e.connect, e.read, e.write, e.timeout))
end
