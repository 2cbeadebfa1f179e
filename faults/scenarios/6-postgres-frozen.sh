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
results analyze freeze --records "$load_out" --at "freeze=$freeze" --at "thaw=$thaw" --slow "$slowest" --recovery "$recovery_within"
snapshot "$tmp/m6b.json" "$port_a"
echo "   while frozen: $frozen_requests requests ($frozen_statuses), longest ${frozen_longest} s; GET /auth (no database) longest ${page_longest} s"
echo "   sent $sent ($statuses), failed $failed, slower than $slowest s: $slow; every worker answering again ${recovery} s after the thaw"
report_metrics "" "$tmp/m6a.json" "$tmp/m6b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "6 PostgreSQL frozen" "$sent" "$failed" "$longest s" "$recovery s" "none > $slowest s, recovery ≤ $recovery_within s" "$verdict"
