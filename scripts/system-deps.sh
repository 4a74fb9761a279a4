#!/usr/bin/env bash
# Install the Debian packages InvestTrack needs, where missing.
#   runtime: python3 + venv, CJK fonts and libharfbuzz-subset0 (WeasyPrint PDFs in Chinese;
#            without harfbuzz-subset a one-page PDF takes ~14 s instead of ~0.25 s).
#   test:    runtime + chromium (browser tests) + postgresql (the PostgreSQL test tier).
set -euo pipefail
tier=${1:-runtime}
want=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
command -v python3 >/dev/null || want+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
if [ "$tier" = test ]; then
  want+=(chromium poppler-utils)
  if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    want+=(postgresql)
  fi
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "InvestTrack needs these system packages, and installing them needs root:" >&2
  echo "    sudo apt-get install -y ${missing[*]}" >&2
  echo "Run that once, then run make again." >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
