# shellcheck shell=bash
# make faults, scenario 3 SIGHUP (sourced by scripts/faults.sh).
# Bounds: every worker replaced within replaced_within seconds, no failed request.
replaced_within=10

echo
log "3. SIGHUP under load"
snapshot "$tmp/m3a.json" "$port_a"
load_start hup "$home_a" "$check_a" "$page_a"
sleep 1
results hup "$pid_a" --timeout "$replaced_within"
sleep 1
load_stop
judge_load
records failed --unexpected
[ "$failed" = 0 ] || fail "$failed failed requests ($failed_statuses)"
snapshot "$tmp/m3b.json" "$port_a"
echo "   workers $workers_before → $workers_after, all replaced after ${replaced} s"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s"
report_metrics "" "$tmp/m3a.json" "$tmp/m3b.json"
[ "$replaced" != never ] || fail "workers not all replaced within $replaced_within s"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "3 SIGHUP" "$sent" "$failed" "$longest s" "all workers replaced in $replaced s" "no failed request" "$verdict"
