# shellcheck shell=bash
# make faults, scenario 5 two instances (sourced by scripts/faults.sh).
# Bounds: every check below holds (a change on one instance is seen by the other on its
# next request), no failed request.

echo
log "5. two instances on one database"
sock_b="$tmp/gh-b.sock"
port_b=$(free_port)
nginx_start "$tmp/nginx-b" "$port_b" "$sock_b"
serve_ready "$sock_b" "$tmp/serve-b.log" "$port_b"
pid_b=$serve_pid
snapshot "$tmp/m5a.json" "$port_a"
snapshot "$tmp/m5aB.json" "$port_b"
load_start two "$home_a" "$check_a" "home|$port_b|GET|/|session=$token|200" "check|$port_b|GET|/auth/check|session=$token|204"
sleep 0.5
check_sent=0 check_failed=0
t5=$(now)
bob=$(login "$port_a" bob 'bob lantern fjord 12') || bob=""
check "bob signs in on A; his cookie on B, next request: GET /" 200 "$(status_of "$port_b" / "$bob")"
check "bob lacks scope reports on B" 403 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
check "alice adds scope reports to bob on A (web)" 303 "$(post "$port_a" /admin/users/scope "$token" username=bob scope=reports action=add)"
check "B, next request: /auth/check?scope=reports as bob" 204 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
gh user scope bob -reports >>"$tmp/cli.log" 2>&1 && cli=ok || cli=failed
check "gatehouse user scope bob -reports (CLI)" ok "$cli"
check "A, next request: /auth/check?scope=reports as bob" 403 "$(status_of "$port_a" '/auth/check?scope=reports' "$bob")"
check "B, next request: /auth/check?scope=reports as bob" 403 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
check "alice revokes bob's sessions on B (web)" 303 "$(post "$port_b" /admin/users/revoke "$token" username=bob)"
check "A, next request: GET / as bob (signed out: redirect)" 303 "$(status_of "$port_a" / "$bob")"
bob=$(login "$port_b" bob 'bob lantern fjord 12') || bob=""
check "bob signs in on B; on A, next request: GET /" 200 "$(status_of "$port_a" / "$bob")"
gh session revoke bob >>"$tmp/cli.log" 2>&1 && cli=ok || cli=failed
check "gatehouse session revoke bob (CLI)" ok "$cli"
check "A, next request: GET / as bob" 303 "$(status_of "$port_a" / "$bob")"
check "B, next request: /auth/check as bob" 401 "$(status_of "$port_b" /auth/check "$bob")"
t5_end=$(now)
load_stop
judge_load
records failed --unexpected
[ "$failed" = 0 ] || fail "$failed failed requests ($failed_statuses)"
snapshot "$tmp/m5b.json" "$port_a"
snapshot "$tmp/m5bB.json" "$port_b"
echo "   load on both (alice): sent $sent ($statuses), failed $failed, longest ${longest} s"
report_metrics A "$tmp/m5a.json" "$tmp/m5b.json"
report_metrics B "$tmp/m5aB.json" "$tmp/m5bB.json"
[ "$check_failed" = 0 ] || fail "$check_failed checks failed"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "5 two instances" "$((sent + check_sent))" "$((failed + check_failed))" "$longest s" \
    "seen on the next request ($check_sent checks in $(seconds_between "$t5" "$t5_end") s)" \
    "every check, no failed request" "$verdict"
