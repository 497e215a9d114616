#!/bin/bash
# usage: peak.sh CMD... — prints wall time, peak RssAnon and peak VmRSS (KB) sampled every 20 ms
start=$(date +%s.%N)
"$@" > "${PEAK_OUT:-/dev/null}" 2>&1 &
pid=$!
anon=0; rss=0
while kill -0 $pid 2>/dev/null; do
  a=$(awk '/RssAnon/{print $2}' /proc/$pid/status 2>/dev/null); r=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null)
  [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
  [ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
  sleep 0.02
done
end=$(date +%s.%N)
echo "wall $(echo "$end - $start" | bc) s, peak anonymous ${anon} KB, peak RSS ${rss} KB"
