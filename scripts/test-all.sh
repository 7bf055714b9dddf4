#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine with Node 20, then runs every
# test. Debian's Chromium drives the browser tests (a downloaded browser does not work on our
# machines); etcd-server and etcd-client are the real etcd 3.4.23 our transcripts are checked
# against.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
if [ ${#missing[@]} -gt 0 ]; then
	echo "test-all: installing Debian packages: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "test-all: installing npm packages"
# npm install, not npm ci: the registry our machines reach serves only Linux builds of
# rollup's platform packages, so the lock file cannot list the others and npm ci refuses it.
# package-lock.json still pins every version that is installed.
npm install --no-audit --no-fund

npm test
