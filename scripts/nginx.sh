#!/usr/bin/env bash
# Runs a private nginx with deploy/nginx.conf filled in for this checkout.
#   scripts/nginx.sh start DIR PORT SOCKET [PARAMS]   write DIR/nginx.conf + DIR/site.conf, start nginx
#   scripts/nginx.sh stop DIR                          stop it
# SOCKET is the responder's address as nginx spells it (unix:/abs/path.sock or 127.0.0.1:9000).
# PARAMS, a file of extra fastcgi_param lines, is included after fastcgi_params (the CGI
# tests use it to name the program fcgiwrap runs). With PARAMS the connections are not
# kept: fcgiwrap, unlike Gatehouse, waits on a kept connection and answers no other.
# NGINX_LOCATIONS, a file of extra locations, is included in the server block (the gate
# tests put apps there that echo what the shipped identity snippet lets through).
# NGINX_SERVERS, a file of extra server blocks, is included in the http block (the
# domain-wide tests put deploy/nginx-app.conf, filled in, there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command=${1:?usage: nginx.sh start DIR PORT SOCKET [PARAMS] | stop DIR}
dir=$(mkdir -p "${2:?directory}" && cd "$2" && pwd)

case "$command" in
start)
    port=${3:?port}
    socket=${4:?socket}
    params=${5:-}
    mkdir -p "$dir/tmp" "$dir/snippets"
    # Where deploy/nginx.conf includes it from, relative to this nginx's configuration.
    cp "$root/deploy/gatehouse-identity.conf" "$dir/snippets/"
    extra=()
    [ -n "$params" ] && extra=(-e "s|include /etc/nginx/fastcgi_params;|& include $params;|"
                               -e "s|fastcgi_keep_conn on;|fastcgi_keep_conn off;|")
    [ -n "${NGINX_LOCATIONS:-}" ] && extra+=(-e "s|^    location @gatehouse_login {|    include $NGINX_LOCATIONS;\n&|")
    sed -e "s|__LISTEN__|127.0.0.1:$port|g" -e "s|__ROOT__|$root|g" -e "s|__SOCKET__|$socket|g" "${extra[@]}" \
        "$root/deploy/nginx.conf" >"$dir/site.conf"
    # Workers run as root here only because this nginx serves a checkout that may sit in a
    # root-only directory, and reaches the socket of a responder that root started (mode
    # 0660, group root); a real install uses www-data in Gatehouse's group (README).
    cat >"$dir/nginx.conf" <<CONF
user root;
worker_processes ${NGINX_WORKERS:-1};
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon on;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log ${NGINX_ACCESS_LOG:-off};
    client_body_temp_path $dir/tmp/body;
    fastcgi_temp_path $dir/tmp/fastcgi;
    proxy_temp_path $dir/tmp/proxy;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
    ${NGINX_SERVERS:+include $NGINX_SERVERS;}
}
CONF
    nginx -t -q -c "$dir/nginx.conf" -p "$dir"
    # The daemon must not keep the caller's stdout/stderr open (callers wait for EOF).
    nginx -c "$dir/nginx.conf" -p "$dir" </dev/null >"$dir/startup.log" 2>&1 || { cat "$dir/startup.log" >&2; exit 1; }
    ;;
stop)
    if [ -f "$dir/nginx.pid" ]; then
        pid=$(cat "$dir/nginx.pid")
        kill -TERM "$pid" 2>/dev/null || true
        # A zombie (no init reaps orphans in some containers) counts as stopped.
        for _ in $(seq 50); do
            state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
            [ "$state" = gone ] || [ "$state" = Z ] && break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$dir/nginx.pid"
    fi
    ;;
*)
    echo "usage: nginx.sh start DIR PORT SOCKET [PARAMS] | stop DIR" >&2
    exit 2
    ;;
esac
