# shellcheck shell=bash
# make faults, scenario 6 PostgreSQL frozen (sourced by scripts/faults.sh).
# Bounds: no answer slower than slowest seconds (the 2 s DATABASE_TIMEOUT plus 0.5 s),
# every worker answering again (last 503) at most recovery_within s after the thaw.
frozen_for=4 slowest=2.5 recovery_within=2

echo
log "6. PostgreSQL frozen (SIGSTOP on the postmaster and every backend) for $frozen_for s under load"
snapshot "$tmp/m6a.json" "$port_a"
# More clients than responder threads (2 × WORKERS), so stuck threads show on other pages.
load_threads=$((threads * 2)) load_start freeze "$home_a" "$health_a" "$page_a"
sleep 1
postmaster=$(head -n1 "$pg_dir/data/postmaster.pid")
frozen="$postmaster $(python3 "$tool" children "$postmaster")"
freeze=$(now)
# shellcheck disable=SC2086
kill -STOP $frozen
sleep "$frozen_for"
# shellcheck disable=SC2086
kill -CONT $frozen
thaw=$(now)
sleep 2.5
load_stop
judge_load
records frozen --overlapping "$freeze:$thaw"
records home_back --label home --status 200 --started-after "$thaw"
recovered="" recovery=never
if [ "$home_back" -gt 0 ]; then
    # Each worker process learns on its own (its probe thread) that the database answers
    # again, so 503 is expected until the last of them has: recovery runs from the thaw to
    # the last 503, or to the first 200 when none came after it.
    records late_503 --status 503 --started-after "$thaw"
    recovered=$home_back_first_end
    [ "$late_503" = 0 ] || ! above "$late_503_last_end" "$recovered" || recovered=$late_503_last_end
    recovery=$(seconds_between "$thaw" "$recovered")
fi
if [ "$recovery" = never ] || above "$recovery" "$recovery_within"; then
    fail "recovery $recovery s > $recovery_within s"
fi
records failed_outside --unexpected --not-overlapping "$freeze:$recovered"
records failed_during --unexpected --not-status 503 --overlapping "$freeze:$recovered"
failed=$((failed_outside + failed_during))
[ "$failed" = 0 ] || fail "$failed answers neither the page nor 503 ($failed_outside_statuses; $failed_during_statuses)"
records slow --slower-than "$slowest"
[ "$slow" = 0 ] || fail "$slow answers slower than $slowest s (longest $frozen_longest s while frozen)"
records page_frozen --label page --overlapping "$freeze:$thaw"
snapshot "$tmp/m6b.json" "$port_a"
echo "   while frozen: $frozen requests ($frozen_statuses), longest ${frozen_longest} s; GET /auth (no database) longest ${page_frozen_longest} s"
echo "   sent $sent ($statuses), failed $failed, slower than $slowest s: $slow; every worker answering again ${recovery} s after the thaw"
report_metrics "" "$tmp/m6a.json" "$tmp/m6b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "6 PostgreSQL frozen" "$sent" "$failed" "$longest s" "$recovery s" "none > $slowest s, recovery ≤ $recovery_within s" "$verdict"
