#!/usr/bin/env bash
# `make deb`: a release build staged as the Debian package's tree under .build/deb/, then
# `dpkg-deb --root-owner-group --build` into .build/gatehouse_<version>-1_<arch>.deb.
# Everything the package holds comes from packaging/ (see docs/packaging.md), templates/
# and static/. Needs dpkg-dev (dpkg-shlibdeps) and the build's -dev libraries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The version lives in one Swift file; the binary prints the same string.
version=$(sed -n 's/^ *public static let current = "\([0-9.]*\)".*/\1/p' Sources/Gatehouse/Version.swift)
[[ -n "$version" ]] || { echo "deb.sh: no version in Sources/Gatehouse/Version.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture)
release_flags=${RELEASE_FLAGS:--c release}

# shellcheck disable=SC2086  # the flags are words
swift build $release_flags -Xswiftc -warnings-as-errors
# shellcheck disable=SC2086
bin=$(swift build $release_flags --show-bin-path)

stage=.build/deb/gatehouse
rm -rf .build/deb
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/gatehouse" \
    "$stage/lib/systemd/system" "$stage/etc/nginx/snippets" "$stage/etc/nginx/conf.d" \
    "$stage/usr/share/man/man8" "$stage/usr/share/doc/gatehouse"

install -m 0755 "$bin/gatehouse" "$bin/gatehouse-supervisor" "$stage/usr/bin/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/"*
cp -r templates "$stage/usr/share/gatehouse/templates"
# static/protected holds the examples deploy/nginx.conf guards; the package guards none.
mkdir "$stage/usr/share/gatehouse/static"
find static -maxdepth 1 -type f -exec cp {} "$stage/usr/share/gatehouse/static/" \;
install -m 0644 packaging/gatehouse.env "$stage/usr/share/gatehouse/gatehouse.env"
install -m 0644 packaging/gatehouse.service "$stage/lib/systemd/system/gatehouse.service"
install -m 0644 packaging/nginx/gatehouse-site.conf packaging/nginx/gatehouse-gate.conf \
    packaging/nginx/gatehouse-identity.conf "$stage/etc/nginx/snippets/"
install -m 0644 packaging/nginx/gatehouse-upstream.conf "$stage/etc/nginx/conf.d/gatehouse.conf"
for page in gatehouse gatehouse-supervisor; do
    sed "s/@VERSION@/$version/" "packaging/$page.8" | gzip -9n > "$stage/usr/share/man/man8/$page.8.gz"
done
install -m 0644 packaging/copyright "$stage/usr/share/doc/gatehouse/copyright"
sed "s/@VERSION@/$version/" packaging/changelog | gzip -9n > "$stage/usr/share/doc/gatehouse/changelog.Debian.gz"
install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$stage/DEBIAN/"
(cd "$stage" && find etc -type f | sed 's|^|/|' | sort) > "$stage/DEBIAN/conffiles"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage/usr/share" "$stage/etc" "$stage/lib" -type f -exec chmod 0644 {} +

# Depends: the shared libraries the two binaries link, as dpkg-shlibdeps names their
# packages, plus libcurl4 (opened when the first mail is sent, not linked: Sources/CCurl/shim.h),
# the stylesheet nginx serves and adduser for the maintainer scripts.
# dpkg-shlibdeps wants a debian/control; a minimal one in a scratch directory serves.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/debian"
printf 'Source: gatehouse\n\nPackage: gatehouse\nArchitecture: any\n' > "$scratch/debian/control"
libs=$(cd "$scratch" && dpkg-shlibdeps -O "$root/$stage/usr/bin/gatehouse" "$root/$stage/usr/bin/gatehouse-supervisor" \
    | sed -n 's/^shlibs:Depends=//p')
depends="$libs, libcurl4, adduser, sass-stylesheets-bulma"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version-1/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    packaging/control.in > "$stage/DEBIAN/control"
(cd "$stage" && find usr lib -type f -exec md5sum {} + | sort -k2) > "$stage/DEBIAN/md5sums"

deb=.build/gatehouse_${version}-1_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
echo "Depends: $depends"
# No lintian error may stand; the warnings left are listed, with why, in docs/packaging.md.
if command -v lintian >/dev/null; then
    lintian_status=0
    lintian --fail-on error --tag-display-limit 0 "$deb" > .build/deb/lintian.txt 2>&1 || lintian_status=$?
    grep -v "running with root privileges" .build/deb/lintian.txt || true
    [[ $lintian_status == 0 ]] || { echo "deb.sh: lintian found errors" >&2; exit 1; }
fi
