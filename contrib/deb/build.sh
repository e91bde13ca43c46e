#!/usr/bin/env bash
# Builds the Debian package from [package.metadata.deb] in Cargo.toml, with dpkg-deb (no cargo-deb needed):
# the man pages and shell completions are generated from the binary, every asset is laid out as listed, and
# the control file is written from the same metadata.
#
#   contrib/deb/build.sh                      # target/release/watchdesk (build it first: cargo build --release)
#   contrib/deb/build.sh --binary PATH        # another build of it (CI packs its test build to check the layout)
#   contrib/deb/build.sh --out DIR            # where the .deb goes (default target/debian)
#   contrib/deb/build.sh --assets-only        # only generate target/assets (then `cargo deb --no-build` works)
#   contrib/deb/build.sh --fast               # light gzip instead of xz (to check a test build's layout quickly)
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=target/release/watchdesk
out=target/debian
assets_only=no
compress=(-Zxz)
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --assets-only) assets_only=yes; shift ;;
    --fast) compress=(-Zgzip -z1); shift ;;
    *) echo "build.sh: unknown argument $1 (accepted: --binary PATH, --out DIR, --assets-only, --fast)" >&2; exit 2 ;;
  esac
done
if [ ! -x "$binary" ]; then
  echo "build.sh: no binary at $binary: run \`cargo build --release --locked\` first, or name one with --binary" >&2
  exit 2
fi

# Generated from the binary's own command-line definition.
rm -rf target/assets
mkdir -p target/assets/man target/assets/completions
"$binary" man --out-dir target/assets/man >/dev/null
gzip -9n target/assets/man/*.1
"$binary" completions bash >target/assets/completions/watchdesk.bash
"$binary" completions zsh >target/assets/completions/_watchdesk
"$binary" completions fish >target/assets/completions/watchdesk.fish
if [ "$assets_only" = yes ]; then
  echo "assets in target/assets"
  exit 0
fi

# `key = "value"` of the [package] table and of [package.metadata.deb].
field() {
  awk -v table="$1" -v key="$2" '
    /^\[/ { in_table = ($0 == "[" table "]") }
    in_table && $1 == key && $2 == "=" { sub(/^[^=]*= *"/, ""); sub(/" *$/, ""); print; exit }
  ' Cargo.toml
}
version="$(field package version)"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/watchdesk_${version}_${arch}"
mkdir -p "$root/DEBIAN"

# The assets, one `["source", "destination", "mode"],` per line; a source may be a glob, a destination ending
# in / is a directory.
awk '
  /^\[/ { in_deb = ($0 == "[package.metadata.deb]") }
  in_deb && /^assets = \[/ { in_assets = 1; next }
  in_assets && /^\]/ { in_assets = 0 }
  in_assets && /^ *\[/ { gsub(/[][",]/, " "); print $1, $2, $3 }
' Cargo.toml | while read -r source dest mode; do
  [ "$source" = target/release/watchdesk ] && source="$binary"
  found=no
  for file in $source; do
    [ -e "$file" ] || continue
    found=yes
    case "$dest" in
      */) target="$root/$dest$(basename "$file")" ;;
      *) target="$root/$dest" ;;
    esac
    install -D -m "$mode" "$file" "$target"
  done
  if [ "$found" = no ]; then
    echo "build.sh: asset $source is missing" >&2
    exit 1
  fi
done
for script in postinst prerm postrm; do
  install -m 755 "contrib/deb/$script" "$root/DEBIAN/$script"
done

size_kib="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
description="$(field package description)"
extended="$(awk '
  /^\[/ { in_deb = ($0 == "[package.metadata.deb]") }
  in_deb && /^extended-description = / { on = 1; next }
  on { line = $0; done = sub(/"""$/, "", line); sub(/\\$/, "", line); printf "%s", line; if (done) exit }
' Cargo.toml)"
cat >"$root/DEBIAN/control" <<CONTROL
Package: watchdesk
Version: $version
Architecture: $arch
Maintainer: $(field package.metadata.deb maintainer)
Installed-Size: $size_kib
Depends: $(field package.metadata.deb depends)
Section: $(field package.metadata.deb section)
Priority: $(field package.metadata.deb priority)
Description: $description
$(echo "$extended" | fold -s -w 78 | sed 's/^/ /')
CONTROL

mkdir -p "$out"
deb="$out/watchdesk_${version}_${arch}.deb"
dpkg-deb --root-owner-group "${compress[@]}" --build "$root" "$deb" >/dev/null
echo "$deb"
