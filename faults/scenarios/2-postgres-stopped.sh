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
judge_load
records home_back --label home --status 200 --started-after "$stop1"
if [ "$home_back" = 0 ]; then
    recovered="" recovery=never recovery_from_start=never
    fail "no authenticated GET / answered 200 after the database came back"
else
    recovered=$home_back_first_end
    recovery=$(seconds_between "$back" "$recovered")
    recovery_from_start=$(seconds_between "$start0" "$recovered")
    # A 200 can end before pg.sh start has returned: that is no time at all.
    ! above 0 "$recovery" || recovery=0.000
    ! above 0 "$recovery_from_start" || recovery_from_start=0.000
    ! above "$recovery" "$recovery_within" || fail "recovery $recovery s > $recovery_within s"
fi
# Answers expected while the database is (going) down: the page from before it, else 503.
records failed_outside --unexpected --not-overlapping "$stop0:$recovered"
records failed_during --unexpected --not-status 503 --overlapping "$stop0:$recovered"
failed=$((failed_outside + failed_during))
[ "$failed" = 0 ] || fail "$failed answers neither the page nor 503 ($failed_outside_statuses; $failed_during_statuses)"
records down --started-after "$stop1" --ended-before "$start0"
records health_down --label health --started-after "$stop1" --ended-before "$start0"
[ "$down" -gt 0 ] && [ "$health_down" -gt 0 ] || fail "no request (or no /healthz) ran while the database was down"
records not_503 --label home --label health --not-status 503 --started-after "$stop1" --ended-before "$start0"
[ "$not_503" = 0 ] || fail "$not_503 page or /healthz answers while down were not 503 ($not_503_statuses)"
records slow --slower-than "$slowest"
[ "$slow" = 0 ] || fail "$slow answers slower than $slowest s"
snapshot "$tmp/m2b.json" "$port_a"
echo "   pg_ctl stop took $(seconds_between "$stop0" "$stop1") s, start $(seconds_between "$start0" "$back") s"
echo "   while down: $down requests ($down_statuses), longest ${down_longest} s"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s; first 200 on GET / ${recovery} s after the database was back (${recovery_from_start} s after pg_ctl start began)"
report_metrics "" "$tmp/m2a.json" "$tmp/m2b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "2 PostgreSQL stopped" "$sent" "$failed" "$longest s (down: $down_longest s)" \
    "$recovery s after pg.sh start returned ($recovery_from_start s after it began)" \
    "503 while down, none > $slowest s, recovery ≤ $recovery_within s" "$verdict"
