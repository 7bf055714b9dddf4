#!/usr/bin/env bash
# Part of `npm test`: when real etcd 3.4.23 is installed, re-record every conformance
# transcript from a real cluster before the runner's transcripts are diffed against them, so
# the diff is against today's real behaviour; without etcd, the committed recordings are used.
# The recorder maps etcd-1..3 to 127.0.0.11..13 in /etc/hosts, which needs root (or the lines
# already present).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v etcd >/dev/null 2>&1 || ! command -v etcdctl >/dev/null 2>&1; then
	echo "record:etcd: etcd is not installed; diffing against the committed recordings"
	exit 0
fi
if [ "$(id -u)" != 0 ] && ! grep -qE '^127\.0\.0\.11\s+etcd-1\b' /etc/hosts; then
	echo "record:etcd: not root and /etc/hosts lacks etcd-1..3; diffing against the committed recordings"
	exit 0
fi
exec npx tsx scripts/record-etcd.ts
