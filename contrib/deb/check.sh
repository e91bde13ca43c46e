#!/usr/bin/env bash
# Checks a built watchdesk .deb: its control fields, and that it ships the binary, the systemd unit, the man
# pages, the completions of the three shells and the default themes, each with its mode and owner.
set -euo pipefail
deb="$1"
fail() { echo "check.sh: $deb: $*" >&2; exit 1; }

info="$(dpkg-deb --info "$deb")"
for field in "Package: watchdesk" "Architecture: " "Depends: libc6" "Section: admin" "Maintainer: "; do
  grep -q "^ $field" <<<"$info" || fail "control lacks \"$field\""
done
contents="$(dpkg-deb --contents "$deb")"
[ -n "$contents" ] || fail "empty"
expect() {
  local mode="$1" path="$2"
  grep -Eq "^$mode root/root +[0-9]+ [0-9-]+ [0-9:]+ \./$path\$" <<<"$contents" || fail "no $mode $path"
}
expect -rwxr-xr-x usr/bin/watchdesk
expect -rw-r--r-- lib/systemd/system/watchdesk.service
expect -rw-r--r-- usr/share/man/man1/watchdesk.1.gz
expect -rw-r--r-- usr/share/man/man1/watchdesk-serve.1.gz
expect -rw-r--r-- usr/share/man/man1/watchdesk-incident-open.1.gz
expect -rw-r--r-- usr/share/bash-completion/completions/watchdesk
expect -rw-r--r-- usr/share/zsh/vendor-completions/_watchdesk
expect -rw-r--r-- usr/share/fish/vendor_completions.d/watchdesk.fish
for theme in default light high-contrast mono; do
  expect -rw-r--r-- "usr/share/watchdesk/themes/$theme.toml"
done
expect -rw-r--r-- usr/share/doc/watchdesk/README.md
scripts="$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)"
for script in postinst prerm postrm; do
  grep -q "^\./$script\$" <<<"$scripts" || fail "no $script"
done
# The glibc the binary needs is no newer than the one the package depends on.
if command -v readelf >/dev/null 2>&1; then
  declared="$(sed -n 's/^ Depends: .*libc6 (>= \([0-9.]*\)).*/\1/p' <<<"$info")"
  unpacked="$(mktemp -d)"
  dpkg-deb --extract "$deb" "$unpacked"
  needed="$(readelf -V --wide "$unpacked/usr/bin/watchdesk" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' \
    | sort -uV | tail -1)"
  rm -rf "$unpacked"
  if [ -n "$needed" ] && [ "$(printf '%s\n%s\n' "$needed" "$declared" | sort -V | tail -1)" != "$declared" ]; then
    fail "the binary needs glibc $needed but the package depends on libc6 (>= $declared)"
  fi
fi
echo "$deb: $(grep -c . <<<"$contents") entries, all expected ones present"
