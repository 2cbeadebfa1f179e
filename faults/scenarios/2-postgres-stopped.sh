# shellcheck shell=bash
# make faults, scenario 2 PostgreSQL stopped (sourced by scripts/faults.sh).
# Bounds: pages and /healthz answer 503 while the database is down, no answer slower than
# slowest seconds, a first 200 on an authenticated GET / at most recovery_within s after it is back.
slowest=2 recovery_within=2

echo
log "2. PostgreSQL stopped under load, then started again"
snapshot "$tmp/m2a.json" "$port_a"
load_start pgdown "$home_a" "$health_a" "$page_a"
sleep 1
stop0=$(now)
"$root/scripts/pg.sh" stop "$pg_dir"
stop1=$(now)
sleep 3
start0=$(now)
"$root/scripts/pg.sh" start "$pg_dir" "$pg_port"
back=$(now)
sleep 2.5
load_stop
results analyze pgdown --records "$load_out" --at "stop0=$stop0" --at "stop1=$stop1" \
    --at "start0=$start0" --at "back=$back" --slow "$slowest" --recovery "$recovery_within"
snapshot "$tmp/m2b.json" "$port_a"
echo "   pg_ctl stop took $(awk -v a="$stop0" -v b="$stop1" 'BEGIN { printf "%.2f", b - a }') s, start $(awk -v a="$start0" -v b="$back" 'BEGIN { printf "%.2f", b - a }') s"
echo "   while down: $down_requests requests ($down_statuses), longest ${down_longest} s"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s; first 200 on GET / ${recovery} s after the database was back (${recovery_from_start} s after pg_ctl start began)"
report_metrics "" "$tmp/m2a.json" "$tmp/m2b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "2 PostgreSQL stopped" "$sent" "$failed" "$longest s (down: $down_longest s)" \
    "$recovery s after pg.sh start returned ($recovery_from_start s after it began)" \
    "503 while down, none > $slowest s, recovery ≤ $recovery_within s" "$verdict"
