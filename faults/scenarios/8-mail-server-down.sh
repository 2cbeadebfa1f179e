# shellcheck shell=bash
# make faults, scenario 8 mail server down for 30 s under load (sourced by scripts/faults.sh).
# Mail comes from password-reset requests (POST /auth/reset, each from an address of its own
# through X-Forwarded-For, TRUSTED_PROXIES being nginx's 127.0.0.1, for reset_users accounts
# with confirmed addresses, at most 3 each: the per-address and per-account limits).
# Bounds: every request answered 200 is handled and its mail reaches the SMTP server exactly
# once: as many mail_outbox rows as requests, as many messages received as rows, every row
# sent (none waiting, none failed) within drain_within s of the server's return, no
# Message-ID received twice; mail was queued while the server was down and its sending was
# retried (else the scenario proved nothing); the page load beside it fails no request.
outage=30 drain_within=60 mail_pause=0.2 reset_users=80

sink_dir="$tmp/smtp-sink"

# sink_start: scripts/smtp-sink.py (python3-aiosmtpd) on smtp_port, storing DIR/<pid>-<n>.eml;
# returns once it listens.
sink_start() {
    mkdir -p "$sink_dir"
    /usr/bin/python3 "$root/scripts/smtp-sink.py" --port "$smtp_port" --dir "$sink_dir" >"$tmp/sink.out" 2>>"$tmp/sink.log" &
    sink_pid=$!
    stack_bg_pids+=("$sink_pid")
    local i
    for ((i = 0; i < 200; i++)); do grep -q listening "$tmp/sink.out" 2>/dev/null && return 0; sleep 0.05; done
    die "the SMTP sink did not start (see $tmp/sink.log)"
}

# sink_stop: SIGTERM; aiosmtpd closes its sessions and the port.
sink_stop() {
    kill -TERM "$sink_pid"
    wait "$sink_pid" || true
}

# reset_loop STOP_FILE: a password-reset request every mail_pause s until STOP_FILE exists
# (or each account had its 3), appending each answer's status to $tmp/reset.statuses.
reset_loop() {
    local n=0 page anon csrf
    page=$(curl -sS --max-time 10 -D "$tmp/reset.headers" "http://127.0.0.1:$port_a/auth/reset")
    anon=$(cookie_in "$tmp/reset.headers")
    csrf=$(csrf_in <<<"$page")
    until [ -e "$1" ] || [ "$n" -ge $((3 * reset_users)) ]; do
        status_of "$port_a" /auth/reset "$anon" -H "X-Forwarded-For: 10.8.$((n / 250)).$((n % 250 + 1))" \
            --data-urlencode "csrf_token=$csrf" --data-urlencode "login=reset$((n % reset_users))" >>"$tmp/reset.statuses"
        echo >>"$tmp/reset.statuses"
        n=$((n + 1))
        sleep "$mail_pause"
    done
}

# outbox_counts: "ROWS SENT WAITING FAILED RETRIES" of mail_outbox.
outbox_counts() {
    psql_stack -F ' ' -c "SELECT count(*), count(sent_at), count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
        count(failed_at), coalesce(sum(greatest(attempts - 1, 0)), 0) FROM mail_outbox"
}

echo
log "8. mail server down for $outage s while password-reset mail is queued under load"
for ((i = 0; i < reset_users; i++)); do
    printf 'reset walrus prism %s\n' "$i" | gh user add "reset$i" --email "reset$i@example.test" >>"$tmp/cli.log" 2>&1 \
        || die "gatehouse user add reset$i --email failed"
done
sink_start
snapshot "$tmp/m8a.json" "$port_a"
# Each client pauses 5 ms between requests: the load must outlast the outage within the
# loop's 100000 requests.
load_pause=0.005 load_start mail "$home_a" "$check_a" "$page_a"
: >"$tmp/reset.statuses"
reset_loop "$tmp/mail-loop.stop" &
mail_loop_pid=$!
stack_bg_pids+=("$mail_loop_pid")
sleep 5
down=$(now)
sink_stop
sleep "$outage"
sink_start
up=$(now)
sleep 5
touch "$tmp/mail-loop.stop"
wait "$mail_loop_pid"
load_stop
judge_load
records failed --unexpected
[ "$failed" = 0 ] || fail "$failed failed requests ($failed_statuses)"
records after_up --started-after "$up"
[ "$after_up" -gt 0 ] || fail "the page load ended before the server was back"
asked=$(grep -c . "$tmp/reset.statuses" || true)
answered=$(grep -c '^200$' "$tmp/reset.statuses" || true)
[ "$answered" = "$asked" ] || fail "$((asked - answered)) of $asked reset requests not answered 200 ($(sort "$tmp/reset.statuses" | uniq -c | tr -s ' \n' ' '))"
# The outbox drains: mail that failed during the outage waits out its backoff (2 s, 4 s, 8 s …);
# each worker's sender turns reset requests into mail between its sends.
drained=never
while :; do
    read -r queued sent_rows waiting failed_rows retries <<<"$(outbox_counts)"
    unhandled=$(psql_stack -c "SELECT count(*) FROM reset_attempt WHERE handled_at IS NULL")
    if [ "$waiting" = 0 ] && [ "$unhandled" = 0 ]; then
        drained=$(seconds_between "$up" "$(now)")
        break
    fi
    ! above "$(seconds_between "$up" "$(now)")" "$drain_within" || break
    sleep 0.5
done
sleep 1   # a message the sink accepted is renamed into place just after its 250
snapshot "$tmp/m8b.json" "$port_a"
sink_stop
received=$(find "$sink_dir" -name '*.eml' | wc -l)
ids=$(find "$sink_dir" -name '*.eml' -exec grep -hi '^Message-ID:' {} + | sort | uniq -c | awk '$1 > 1' | wc -l)
during=$(psql_stack -c "SELECT count(*) FROM mail_outbox WHERE created_at > to_timestamp($down) AND created_at < to_timestamp($up)")
echo "   reset requests $asked ($answered answered 200); mail queued $queued ($during while the server was down), sent $sent_rows, waiting $waiting, failed $failed_rows;" \
    "$retries retried attempts; received by the server $received, Message-IDs received more than once: $ids"
echo "   every mail sent ${drained} s after the server was back"
echo "   page load: sent $sent ($statuses), failed $failed, longest ${longest} s"
report_metrics "" "$tmp/m8a.json" "$tmp/m8b.json"
[ "$drained" != never ] || fail "$waiting mail and $unhandled reset requests still waiting $drain_within s after the server was back"
[ "$queued" = "$answered" ] || fail "$queued mail queued for $answered reset requests"
[ "$received" = "$queued" ] || fail "$received messages received for $queued queued"
[ "$sent_rows" = "$queued" ] || fail "$sent_rows of $queued marked sent"
[ "$failed_rows" = 0 ] || fail "$failed_rows marked failed"
[ "$ids" = 0 ] || fail "$ids Message-IDs received more than once"
[ "$during" -gt 0 ] || fail "no mail was queued while the server was down"
[ "$retries" -gt 0 ] || fail "no sending was retried (the outage was not felt)"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "8 mail server down $outage s" "$sent + $queued mail" "$failed + $((queued - received)) mail lost, $ids twice" "$longest s" \
    "all mail sent $drained s after the server was back" \
    "each mail received once, drained ≤ $drain_within s, no failed request" "$verdict"
