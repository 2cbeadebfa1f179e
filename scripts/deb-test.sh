#!/usr/bin/env bash
# `make deb-test`: the package in a clean Debian 12 root. A debootstrap chroot with the
# package's dependencies, PostgreSQL and nginx is cached under .build/deb-test/base (made once,
# over the network); each run copies it, installs .build/gatehouse_*.deb with dpkg, starts
# PostgreSQL and `gatehouse serve` as gatehouse.service would (no systemd in a chroot), signs
# in through nginx configured with the shipped snippet, purges, and checks that only the
# database is left. Everything started is stopped and everything mounted unmounted on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mirror=${DEB_TEST_MIRROR:-http://deb.debian.org/debian}
cache=.build/deb-test/base
work=.build/deb-test/run
deb=$(ls -t .build/gatehouse_*-1_*.deb 2>/dev/null | head -1)
[[ -n "$deb" ]] || { echo "deb-test: no .build/gatehouse_*.deb: run make deb" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "deb-test: needs root (chroot, mounts)" >&2; exit 1; }

step() { printf '\n== %s\n' "$*"; }
fail() { echo "deb-test: FAILED: $*" >&2; exit 1; }

# Stopping: PostgreSQL, nginx and gatehouse politely, then whatever still runs with its root
# in the test's trees (their children, an interrupted debootstrap) is killed, and every mount
# under .build/deb-test is undone, deepest first: also after a failure or Ctrl-C.
tree=$(realpath -m .build/deb-test)
processes_under() {
    local pid dir
    for pid in /proc/[0-9]*; do
        dir=$(readlink "$pid/root" 2>/dev/null) || continue
        [[ $dir == "$tree"/* ]] && echo "${pid#/proc/}"
    done
}
mounts_under() { awk -v tree="$tree/" 'index($2, tree) == 1 { print $2 }' /proc/mounts | sort -r; }
cleanup() {
    set +e
    trap - INT TERM
    if [[ -d "$work/proc/1" ]]; then
        chroot "$work" sh -c 'nginx -s stop 2>/dev/null; \
            [ -f /run/gatehouse-test.pid ] && kill -TERM "$(cat /run/gatehouse-test.pid)"; \
            pg_ctlcluster 15 main stop -m fast 2>/dev/null' >/dev/null 2>&1
    fi
    local left
    for _ in $(seq 50); do
        left=$(processes_under)
        [[ -z $left ]] && break
        sleep 0.2
    done
    if [[ -n $left ]]; then
        echo "deb-test: killing what is left in the chroot: $(echo $left)" >&2
        # shellcheck disable=SC2086  # one word per process id
        kill -KILL $left 2>/dev/null
        sleep 0.5
    fi
    local mount_point
    for mount_point in $(mounts_under); do umount "$mount_point" || umount -l "$mount_point"; done
    [[ -z $(mounts_under) ]] || echo "deb-test: still mounted: $(mounts_under)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -f "$cache/.complete" ]]; then
    step "debootstrap bookworm into $cache (once; needs $mirror)"
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
    depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/ //g' | paste -sd,)
    rm -rf "$cache"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include="$depends,postgresql,nginx,curl,init-system-helpers" \
        bookworm "$cache" "$mirror" > .build/deb-test/debootstrap.log 2>&1 \
        || { tail -20 .build/deb-test/debootstrap.log; fail "debootstrap"; }
    rm -rf "$cache/var/cache/apt/archives/"*.deb
    touch "$cache/.complete"
fi

# A package Depends the cached root lacks (a library added since it was made): from the mirror.
missing=()
for package in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/ //g'); do
    chroot "$cache" dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    step "adding ${missing[*]} to the cached root (needs $mirror)"
    chroot "$cache" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null && apt-get clean"
fi

step "a fresh copy of the clean root"
rm -rf "$work"
cp -a "$cache" "$work"
mount -t proc proc "$work/proc"
mount --bind /dev "$work/dev"
mount --bind /dev/pts "$work/dev/pts"
cp "$deb" "$work/tmp/gatehouse.deb"
in_root() { chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# What the root holds before the package, to compare after the purge.
snapshot() {
    in_root sh -c 'find / -xdev \( -path /proc -o -path /dev -o -path /tmp -o -path /run \
        -o -path /var/lib/postgresql -o -path /var/log -o -path /var/cache -o -path /var/lib/dpkg \
        -o -path /var/lib/apt -o -path /var/lib/nginx -o -path /var/lib/systemd/deb-systemd-helper-enabled \
        -o -path /var/lib/systemd/deb-systemd-helper-masked \) -prune -o -print' | sort
}

snapshot > "$work/../before.txt"
in_root sh -c 'getent passwd gatehouse' && fail "a gatehouse user before the install"

# As when one apt run brings PostgreSQL too and configures this package first (README).
step "dpkg -i $(basename "$deb") while PostgreSQL is down: postinst names dpkg-reconfigure"
in_root dpkg -i /tmp/gatehouse.deb 2>&1 | tee "$work/../install.txt"
grep -q "no local PostgreSQL answered" "$work/../install.txt" || fail "postinst did not say PostgreSQL is missing"
grep -q "^ *dpkg-reconfigure gatehouse$" "$work/../install.txt" || fail "postinst did not name dpkg-reconfigure"
grep -q "user add admin" "$work/../install.txt" || fail "postinst printed no first-admin command"

step "PostgreSQL 15 starts (its socket only: the chroot shares the host's network); dpkg-reconfigure gatehouse"
in_root pg_ctlcluster 15 main start -- -o "-c listen_addresses=''"
in_root env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure gatehouse 2>&1 | tee "$work/../reconfigure.txt"
grep -q "schema at version" "$work/../reconfigure.txt" || fail "dpkg-reconfigure did not migrate"
in_root stat -c '%a %U:%G %n' /etc/gatehouse /etc/gatehouse/gatehouse.env
[[ $(in_root stat -c '%a %U:%G' /etc/gatehouse/gatehouse.env) == "640 root:gatehouse" ]] \
    || fail "gatehouse.env is not 0640 root:gatehouse"
secret=$(in_root sed -n 's/^SECRET_KEY=//p' /etc/gatehouse/gatehouse.env)
[[ ${#secret} == 64 ]] || fail "no random SECRET_KEY in gatehouse.env"
in_root id www-data | grep -q '(gatehouse)' || fail "www-data is not in group gatehouse"
[[ $(in_root gatehouse --version) == "gatehouse $(sed -n 's/^Version: \(.*\)-1$/\1/p' <(dpkg-deb -f "$deb"))" ]] \
    || fail "gatehouse --version differs from the package version"

step "reinstall (an upgrade) keeps the operator's edits and the secret"
in_root sh -c 'echo "# operator was here" >> /etc/gatehouse/gatehouse.env'
in_root dpkg -i /tmp/gatehouse.deb >/dev/null
in_root grep -q "operator was here" /etc/gatehouse/gatehouse.env || fail "the upgrade lost an edit"
[[ $(in_root sed -n 's/^SECRET_KEY=//p' /etc/gatehouse/gatehouse.env) == "$secret" ]] || fail "the upgrade changed SECRET_KEY"

step "the first admin, with the command postinst printed"
admin_command=$(grep -o 'runuser .*user add admin --scope admin' "$work/../install.txt")
# shellcheck disable=SC2086  # the printed command, word for word
printf 'package test password 1\n' | in_root $admin_command

step "gatehouse serve as gatehouse.service runs it"
unit=$work/lib/systemd/system/gatehouse.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
# StateDirectory=: each directory under /var/lib, made and owned as systemd would.
for state in $(sed -n 's/^StateDirectory=//p' "$unit"); do
    in_root install -d -m 0750 -o gatehouse -g gatehouse "/var/lib/$state"
done
in_root sh -c "install -d -m 0750 -o gatehouse -g gatehouse /run/gatehouse && cd $workdir && \
    umask 0007 && GNUTLS_NO_IMPLICIT_INIT=1 setpriv --reuid gatehouse --regid gatehouse --init-groups \
    $exec_start > /var/log/gatehouse-test.log 2>&1 & echo \$! > /run/gatehouse-test.pid"
for _ in $(seq 50); do [[ -S $work/run/gatehouse/gatehouse.sock ]] && break; sleep 0.2; done
[[ -S $work/run/gatehouse/gatehouse.sock ]] || { cat "$work/var/log/gatehouse-test.log"; fail "no socket"; }

step "nginx with the shipped snippets"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -f "$work/etc/nginx/sites-enabled/default"
mkdir -p "$work/var/www/private"
echo "private page" > "$work/var/www/private/index.html"
cat > "$work/etc/nginx/sites-enabled/gatehouse" <<SITE
server {
    listen 127.0.0.1:$port;
    server_name _;
    include snippets/gatehouse-site.conf;
    location /private/ {
        auth_request /_gatehouse/check;
        include snippets/gatehouse-identity.conf;
        error_page 401 = @gatehouse_login;
        alias /var/www/private/;
        add_header X-Auth-User \$gatehouse_user;
    }
}
SITE
in_root nginx -t 2>&1 | tail -1
in_root nginx

step "sign in through nginx"
base=http://127.0.0.1:$port
jar=$(mktemp)
trap 'rm -f "$jar"; cleanup' EXIT
status=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/private/")
[[ $status == "303 $base/auth?next=/private/" ]] || fail "unsigned /private/: $status"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-User: admin" -H "Remote-User: admin" "$base/private/")
[[ $status == 303 ]] || fail "forged identity headers let an unsigned request in: $status"
[[ $(in_root stat -c '%a %U:%G' /run/gatehouse/gatehouse.sock) == "660 gatehouse:gatehouse" ]] \
    || fail "the socket is not 0660 gatehouse:gatehouse"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/static/bulma.min.css") == 200 ]] || fail "bulma.min.css"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/static/gatehouse.css") == 200 ]] || fail "gatehouse.css"
form=$(curl -s -c "$jar" -b "$jar" "$base/auth?next=/private/")
token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<< "$form")
[[ -n $token ]] || fail "no csrf_token on the sign-in page"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "next=/private/" \
    --data-urlencode "username=admin" --data-urlencode "password=package test password 1" "$base/auth"
page=$(curl -s -D - -b "$jar" "$base/private/")
grep -q "private page" <<< "$page" || fail "signed in, /private/ still refused: $page"
grep -qi "^X-Auth-User: admin" <<< "$page" || fail "no X-Auth-User: admin"
echo "signed in as admin; /private/ served with X-Auth-User: admin"
if [[ -n ${DEB_TEST_HOLD:-} ]]; then
    # For a look around: the chroot keeps serving until Ctrl-C, which stops it all as usual.
    echo "deb-test: holding: $base/ serves; chroot $work; Ctrl-C ends it"
    sleep infinity
fi

step "gatehouse and nginx stop; purge leaves only the database"
in_root nginx -s stop
kill_pid=$(cat "$work/run/gatehouse-test.pid")
kill -TERM "$kill_pid"
for _ in $(seq 50); do kill -0 "$kill_pid" 2>/dev/null || break; sleep 0.2; done
in_root dpkg --purge gatehouse | tee "$work/../purge.txt"
grep -q "database" "$work/../purge.txt" || fail "purge did not say the database is kept"
grep -q "still includes.*sites-enabled/gatehouse" "$work/../purge.txt" \
    || fail "purge did not name the nginx site that still includes the removed snippets"
rm -f "$work/etc/nginx/sites-enabled/gatehouse"
cp -a "$cache/etc/nginx/sites-enabled/default" "$work/etc/nginx/sites-enabled/"
rm -rf "$work/var/www/private"
snapshot > "$work/../after.txt"
if ! diff "$work/../before.txt" "$work/../after.txt"; then fail "the purge left files (above)"; fi
in_root getent passwd gatehouse && fail "the gatehouse user is left"
[[ -e $work/var/lib/gatehouse ]] && fail "/var/lib/gatehouse is left"
in_root getent group gatehouse && fail "the gatehouse group is left"
[[ $(in_root runuser -u postgres -- psql -XAtqc "SELECT count(*) FROM pg_database WHERE datname = 'gatehouse'") == 1 ]] \
    || fail "the database is gone"
echo "deb-test: the package installed, served a sign-in through nginx and purged cleanly"
