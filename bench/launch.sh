#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Launch benchmark: nsbox against Debian's bwrap and the floor program
# (../shared/bench/floor.c), timing /usr/bin/true with a read-only /usr, the
# lib64/lib/bin symlinks, user+pid namespaces and N read-only binds of
# distinct empty directories (through --args for nsbox and bwrap, as -r for
# the floor). See bench/README.md.
#
# usage: bench/launch.sh NSBOX_BINARY        (what `make bench` runs)
#
# environment:
#   BENCH_N="0 10 100 1000"  bind counts to measure
#   BENCH_RUNS=9             timed launches per (program, N), after a warm-up round
#   BENCH_TIMEOUT=60         seconds before a launch counts as hung
#   BENCH_SKIP_NSBOX=1       leave nsbox out (NSBOX_BINARY may then be omitted)
#   BENCH_RESULTS=PATH       where to write the results (default: next to
#                            NSBOX_BINARY if that is a build dir outside the
#                            source tree, else $TMPDIR)
#   BWRAP=/usr/bin/bwrap     the bubblewrap to compare against
#   FLOOR_SRC=PATH           floor.c (default: <repo>/../shared/bench/floor.c)
#   CC=cc                    compiler for the helper and the floor
set -eu

me=bench/launch.sh
die() {
	echo "$me: $*" >&2
	exit 1
}

srcdir=$(cd "$(dirname "$0")/.." && pwd -P)
bench_n=${BENCH_N:-0 10 100 1000}
runs=${BENCH_RUNS:-9}
timeout=${BENCH_TIMEOUT:-60}
skip_nsbox=${BENCH_SKIP_NSBOX:-}
[ "$skip_nsbox" = 0 ] && skip_nsbox=
bwrap=${BWRAP:-/usr/bin/bwrap}
floor_src=${FLOOR_SRC:-$srcdir/../shared/bench/floor.c}
cc=${CC:-cc}

nsbox=${1:-}
if [ -z "$skip_nsbox" ]; then
	[ -n "$nsbox" ] || die "usage: $me NSBOX_BINARY   (or BENCH_SKIP_NSBOX=1 $me)"
	if [ ! -f "$nsbox" ] || [ ! -x "$nsbox" ]; then
		die "nsbox binary '$nsbox' not found or not executable (run make first)"
	fi
fi
[ -x "$bwrap" ] || die "bubblewrap not found at '$bwrap': install it with
    apt-get install -y bubblewrap
or point BWRAP= at a bwrap binary"
[ -r "$floor_src" ] || die "floor source '$floor_src' not found (set FLOOR_SRC=/path/to/floor.c)"
command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc' (set CC=)"

for n in $bench_n; do
	case $n in
	'' | *[!0-9]*) die "BENCH_N: '$n' is not a number" ;;
	esac
	[ "$n" -le 20000 ] || die "BENCH_N: $n is too large (max 20000)"
done
[ -n "$bench_n" ] || die "BENCH_N is empty"
case $runs in
'' | *[!0-9]* | 0) die "BENCH_RUNS: '$runs' is not a positive number" ;;
esac

# Run unprivileged: as root, drop to nobody for the whole measurement.
run_as=
who="uid $(id -u)"
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || die "running as root needs setpriv (util-linux) to drop to uid 65534"
	run_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	who="uid 65534 (dropped from root with setpriv)"
fi

umask 022
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsbox-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
chmod 0755 "$tmp"
mkdir "$tmp/bin" "$tmp/binds" "$tmp/args"
case $tmp in
*[!A-Za-z0-9._/-]*) die "temporary directory '$tmp' has unusual characters; set TMPDIR=/tmp" ;;
esac

echo "$me: compiling the helper and the floor" >&2
"$cc" -O2 -o "$tmp/bin/runbench" "$srcdir/bench/runbench.c" ||
	die "cannot compile $srcdir/bench/runbench.c"
"$cc" -O2 -w -o "$tmp/bin/floor" "$floor_src" || die "cannot compile '$floor_src'"
# Copies in a directory every user can reach: the build dir may not be.
cp "$bwrap" "$tmp/bin/bwrap"
[ -n "$skip_nsbox" ] || cp "$nsbox" "$tmp/bin/nsbox"
chmod 0755 "$tmp/bin"/*

if [ -n "$run_as" ] && ! $run_as test -x "$tmp/bin/runbench" -a -r "$tmp/args"; then
	die "uid 65534 cannot reach '$tmp'; set TMPDIR to a world-readable directory such as /tmp"
fi

# N distinct empty directories, and per N an --args file of
# NUL-separated "--ro-bind D D" triples (runbench derives the floor's -r
# options from the same file).
max=0
for n in $bench_n; do
	[ "$n" -le "$max" ] || max=$n
done
echo "$me: creating $max bind directories under $tmp/binds" >&2
awk -v dir="$tmp/binds" -v m="$max" 'BEGIN { for (i = 1; i <= m; i++) printf "%s/d%04d\n", dir, i }' \
	>"$tmp/dirs"
[ "$max" = 0 ] || xargs mkdir <"$tmp/dirs"
for n in $bench_n; do
	head -n "$n" "$tmp/dirs" | awk '{ print "--ro-bind"; print; print }' | tr '\n' '\0' \
		>"$tmp/args/args.$n"
done

# Results go to the build dir unless that is the source tree (in-tree build).
results=${BENCH_RESULTS:-}
if [ -z "$results" ]; then
	outdir=
	if [ -n "$nsbox" ]; then
		outdir=$(cd "$(dirname "$nsbox")" && pwd -P)
		case "$outdir/" in
		"$srcdir/"*) outdir= ;;
		esac
		[ -z "$outdir" ] || [ -w "$outdir" ] || outdir=
	fi
	results=${outdir:-${TMPDIR:-/tmp}}/bench-launch-results.txt
fi

bwrap_version=$("$bwrap" --version 2>/dev/null | head -n 1) || bwrap_version=unknown
{
	echo "nsbox launch benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host: $(uname -sr), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cpus; run as $who"
	echo "command: /usr/bin/true; --ro-bind /usr /usr, lib64/lib/bin symlinks, user+pid namespaces,"
	echo "         N x --ro-bind D D of distinct empty dirs (via --args 3; the floor gets -r D)"
	if [ -n "$skip_nsbox" ]; then
		echo "nsbox: skipped (BENCH_SKIP_NSBOX)"
	else
		nsbox_version=$("$nsbox" --version 2>/dev/null | head -n 1) || nsbox_version=
		echo "nsbox: $nsbox (${nsbox_version:-no --version output})"
	fi
	echo "bwrap: $bwrap ($bwrap_version)"
	echo "floor: $floor_src"
	echo
} >"$tmp/header"

set -- -r "$runs" -t "$timeout" -A "$tmp/args" -b "$tmp/bin/bwrap" -f "$tmp/bin/floor"
[ -n "$skip_nsbox" ] || set -- "$@" -n "$tmp/bin/nsbox"
echo "$me: measuring N = $bench_n, $runs runs each (interleaved: nsbox, bwrap, floor)" >&2
rc=0
# shellcheck disable=SC2086 # $run_as and $bench_n are word lists
$run_as "$tmp/bin/runbench" "$@" $bench_n >"$tmp/report" || rc=$?
if [ "$rc" != 0 ]; then
	echo "$me: benchmark aborted (status $rc), no results written." >&2
	exit "$rc"
fi

cat "$tmp/header" "$tmp/report" >"$results" || die "cannot write '$results'"
echo
cat "$tmp/header"
sed '/^# samples/,$d' "$tmp/report"
echo "results (with every sample): $results"
