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
podman_run=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$podman_run" ]; then
		# rootless podman's pause process keeps its user namespace
		[ ! -f "$tmp/data/podman/xdg/libpod/tmp/pause.pid" ] ||
			kill -KILL "$(cat "$tmp/data/podman/xdg/libpod/tmp/pause.pid")" 2>/dev/null
		rm -rf "$podman_run"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
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

# --- lifecycle options and real command lines (bench/variants.c) -------------
# Only with nsbox: --info-fd/--json-status-fd against a plain launch, and
# two command lines users run, against bwrap.
if [ -z "$skip_nsbox" ]; then
	echo "$me: compiling the variant runner and the seccomp program" >&2
	"$cc" -O2 -o "$tmp/bin/variants" "$srcdir/bench/variants.c" ||
		die "cannot compile $srcdir/bench/variants.c"
	"$cc" -O2 -o "$tmp/mkseccomp" "$srcdir/bench/mkseccomp.c" -lseccomp ||
		die "cannot compile $srcdir/bench/mkseccomp.c (apt-get install -y libseccomp-dev)"
	chmod 0755 "$tmp/bin/variants"
	d=$tmp/data
	mkdir -p "$d/project/src" "$d/home/.ssh" "$d/app"
	echo 'SECRET=1' >"$d/project/.env"
	echo 'id_rsa' >"$d/home/.ssh/id_rsa"
	"$tmp/mkseccomp" "$d/seccomp.bpf" || die "cannot write the seccomp program"
	printf 'user:x:65534:65534::/home/user:/bin/sh\n' >"$d/passwd"
	printf 'user:x:65534:\n' >"$d/group"
	printf '[Application]\nname=org.example.App\n' >"$d/info"
	# A Flatpak-like launch, about 50 operations through --args.
	{
		for w in --unshare-user --unshare-pid --unshare-ipc --die-with-parent \
			--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
			--symlink usr/bin /bin --symlink usr/sbin /sbin --proc /proc --dev /dev \
			--tmpfs /tmp --tmpfs /run --perms 0700 --dir /run/user/65534 --tmpfs /var \
			--symlink ../run /var/run --dir /var/tmp --dir /var/cache \
			--ro-bind-try /etc/ssl /etc/ssl --ro-bind-try /etc/ca-certificates /etc/ca-certificates \
			--ro-bind-try /etc/resolv.conf /etc/resolv.conf --ro-bind-try /etc/hosts /etc/hosts \
			--ro-bind-try /etc/localtime /etc/localtime --ro-bind-try /etc/timezone /etc/timezone \
			--ro-bind-try /etc/nsswitch.conf /etc/nsswitch.conf --ro-bind-try /etc/host.conf /etc/host.conf \
			--ro-bind-try /etc/gai.conf /etc/gai.conf --ro-bind-try /etc/machine-id /etc/machine-id \
			--ro-bind-data 6 /etc/passwd --ro-bind-data 7 /etc/group --file 8 /.flatpak-info \
			--ro-bind-try /usr/share/fonts /run/host/fonts --ro-bind-try /usr/share/icons /run/host/share/icons \
			--dir /home/user --bind "$d/app" /home/user/.var/app/org.example.App \
			--dir /home/user/.var/app/org.example.App/cache --dir /home/user/.var/app/org.example.App/config \
			--dir /home/user/.var/app/org.example.App/data --symlink /home/user/.var/app/org.example.App/data /home/user/.local \
			--setenv PATH /usr/bin:/bin --setenv HOME /home/user --setenv XDG_RUNTIME_DIR /run/user/65534 \
			--setenv XDG_CACHE_HOME /home/user/.var/app/org.example.App/cache \
			--setenv XDG_CONFIG_HOME /home/user/.var/app/org.example.App/config \
			--setenv XDG_DATA_HOME /home/user/.var/app/org.example.App/data \
			--setenv FLATPAK_ID org.example.App --setenv LANG C.UTF-8 --unsetenv LD_PRELOAD \
			--sync-fd 9 --info-fd 4 --seccomp 5 --chdir /; do
			printf '%s\0' "$w"
		done
	} >"$d/flatpak.args"
	chmod -R a+rX "$d"
	[ -z "$run_as" ] || chown -R 65534:65534 "$d/app"
	common="arg --unshare-user
arg --unshare-pid
arg --ro-bind
arg /usr
arg /usr
arg --symlink
arg usr/lib64
arg /lib64
arg --symlink
arg usr/lib
arg /lib
arg --symlink
arg usr/bin
arg /bin"
	agent() { # PROGRAM
		printf 'variant %s\narg %s\nfd 5 r %s\n' "$1" "$tmp/bin/$1" "$d/seccomp.bpf"
		for w in --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --new-session \
			--die-with-parent --bind "$d/project" "$d/project" --ro-bind /dev/null "$d/project/.env" \
			--tmpfs "$d/home/.ssh" --seccomp 5 /usr/bin/true; do
			printf 'arg %s\n' "$w"
		done
	}
	flatpak() { # PROGRAM
		printf 'variant %s\narg %s\nfd 3 r %s\nfd 4 w /dev/null\nfd 5 r %s\n' \
			"$1" "$tmp/bin/$1" "$d/flatpak.args" "$d/seccomp.bpf"
		printf 'fd 6 r %s\nfd 7 r %s\nfd 8 r %s\nfd 9 w /dev/null\n' "$d/passwd" "$d/group" "$d/info"
		printf 'arg --args\narg 3\narg /usr/bin/true\n'
	}
	# nsbox-oci against runc: both rootless, /bin/true in a bundle of a
	# static busybox, config.json from `nsbox-oci spec --rootless` as the
	# measuring user; left out without runc or a static busybox.
	runc=${RUNC:-$(command -v runc 2>/dev/null || true)}
	busybox=
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
			busybox=$b
			break
		fi
	done
	oci_spec=
	if [ -n "$runc" ] && [ -n "$busybox" ]; then
		ln -s nsbox "$tmp/bin/nsbox-oci"
		cp "$runc" "$tmp/bin/runc"
		chmod 0755 "$tmp/bin/runc"
		for b in nsbox-oci runc; do
			mkdir -p "$d/$b/bundle/rootfs/bin" "$d/$b/bundle/rootfs/proc" "$d/$b/bundle/rootfs/dev" \
				"$d/$b/bundle/rootfs/sys" "$d/$b/bundle/rootfs/tmp" "$d/$b/state"
			cp "$busybox" "$d/$b/bundle/rootfs/bin/busybox"
			ln -s busybox "$d/$b/bundle/rootfs/bin/true"
			ln -s busybox "$d/$b/bundle/rootfs/bin/sh"
			[ -z "$run_as" ] || chown 65534:65534 "$d/$b/bundle" "$d/$b/state"
			(cd "$d/$b/bundle" && $run_as "$tmp/bin/nsbox-oci" spec --rootless) ||
				die "nsbox-oci spec --rootless failed"
			sed -i -e 's/"terminal": true/"terminal": false/' -e 's|^\(\t*\)"sh"$|\1"/bin/true"|' \
				"$d/$b/bundle/config.json"
			oci_spec="${oci_spec}variant $b
arg $tmp/bin/$b
arg --root
arg $d/$b/state
arg run
arg --bundle
arg $d/$b/bundle
arg bench
"
		done
		# podman run --rm with either runtime: rootless podman (vfs storage,
		# cgroupfs, no network) in directories of the benchmark's own, the
		# image imported from the same busybox root filesystem.
		if command -v podman >/dev/null 2>&1; then
			p=$d/podman
			podman_run=$(mktemp -d /tmp/nsbpb.XXXXXX) # podman wants <= 50 characters
			mkdir -p "$p/home" "$p/xdg" "$p/tmp" "$p/root"
			chmod 0700 "$p/xdg"
			nofile=$(awk '/^Max open files/ {print $5}' /proc/self/limits)
			nproc=$(awk '/^Max processes/ {print $4}' /proc/self/limits)
			{ [ "$nofile" = unlimited ] || [ "$nofile" -gt 1024 ]; } && nofile=1024
			{ [ "$nproc" = unlimited ] || [ "$nproc" -gt 4096 ]; } && nproc=4096
			printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n' \
				"$nofile" "$nofile" "$nproc" "$nproc" >"$p/containers.conf"
			tar -C "$d/nsbox-oci/bundle/rootfs" --owner=0 --group=0 --numeric-owner -cf "$p/rootfs.tar" .
			[ -z "$run_as" ] || chown -R 65534:65534 "$p" "$podman_run"
			podman_cmd="/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$p/home XDG_RUNTIME_DIR=$p/xdg
CONTAINERS_CONF=$p/containers.conf $(command -v podman) --root $p/root --runroot $podman_run
--tmpdir $p/tmp --storage-driver vfs --cgroup-manager cgroupfs --events-backend file"
			# shellcheck disable=SC2086
			if (cd "$p" && $run_as $podman_cmd import "$p/rootfs.tar" localhost/nsbox-bench:1 >/dev/null); then
				for b in nsbox-oci runc; do
					oci_spec="${oci_spec}variant podman --runtime $b
$(for w in $podman_cmd --runtime "$tmp/bin/$b" run --rm --network none localhost/nsbox-bench:1 /bin/true; do
						printf 'arg %s\n' "$w"
					done)
"
				done
			else
				echo "$me: podman import failed: podman run --rm left out" >&2
			fi
		else
			echo "$me: no podman (apt-get install -y podman): podman run --rm left out" >&2
		fi
	else
		echo "$me: no runc or no static busybox (apt-get install -y runc busybox-static): nsbox-oci against runc left out" >&2
	fi
	{
		echo "group lifecycle options (/usr/bin/true, user+pid namespaces, ro /usr, N=0)"
		printf 'variant nsbox\narg %s\n%s\narg /usr/bin/true\n' "$tmp/bin/nsbox" "$common"
		printf 'variant nsbox --info-fd\narg %s\nfd 4 w /dev/null\narg --info-fd\narg 4\n%s\narg /usr/bin/true\n' \
			"$tmp/bin/nsbox" "$common"
		printf 'variant nsbox --json-status-fd\narg %s\nfd 4 w /dev/null\narg --json-status-fd\narg 4\n%s\narg /usr/bin/true\n' \
			"$tmp/bin/nsbox" "$common"
		echo "group agent sandbox line (--seccomp, --unshare-all, project bound, secrets masked)"
		agent bwrap
		agent nsbox
		echo "group Flatpak-like line (about 50 operations via --args, data fds, --sync-fd, --info-fd, --seccomp)"
		flatpak bwrap
		flatpak nsbox
		# The network modes: the cost of a user-mode helper (and of an
		# egress policy) against a private namespace with only lo.
		# /usr/bin/true sends nothing.
		echo "group network modes (/usr/bin/true, user+pid namespaces, ro /usr, N=0)"
		printf 'variant nsbox --unshare-net\narg %s\n%s\narg --unshare-net\narg /usr/bin/true\n' \
			"$tmp/bin/nsbox" "$common"
		for h in pasta slirp4netns; do
			command -v "$h" >/dev/null 2>&1 || continue
			printf 'variant nsbox --net %s\narg %s\n%s\narg --net\narg %s\narg /usr/bin/true\n' \
				"$h" "$tmp/bin/nsbox" "$common" "$h"
		done
		if command -v pasta >/dev/null 2>&1; then
			printf 'variant nsbox --net pasta --net-allow\narg %s\n%s\narg --net\narg pasta\narg --net-allow\narg dns\narg --net-allow\narg tcp:127.0.0.1:443\narg /usr/bin/true\n' \
				"$tmp/bin/nsbox" "$common"
		fi
		if [ -n "$oci_spec" ]; then
			echo "group nsbox-oci against runc (rootless, /bin/true in a busybox bundle: run = create, start, wait, delete; podman run --rm)"
			printf '%s' "$oci_spec"
		fi
	} >"$tmp/variants.spec"
	echo "$me: measuring the lifecycle options and two real command lines" >&2
	# shellcheck disable=SC2086
	(cd "$tmp" && $run_as "$tmp/bin/variants" -r "$runs" -t "$timeout" "$tmp/variants.spec") >"$tmp/variants" ||
		die "the variant benchmark failed"
	awk -F'|' '
	function verdict(ok) { return ok ? "PASS" : "FAIL" }
	/^# result / { sub(/^# result /, ""); ms[$1 "|" $2] = $3; rss[$1 "|" $2] = $4; next }
	END {
		for (k in ms) { split(k, a, "|"); g[a[1]] = 1 }
		for (gr in g) {
			if (gr ~ /^network/) {
				continue
			} else if (gr ~ /^lifecycle/) {
				base = ms[gr "|nsbox"]
				ri = ms[gr "|nsbox --info-fd"] / base
				rj = ms[gr "|nsbox --json-status-fd"] / base
				printf "  %s  --info-fd launch <= 1.05x a plain one        (%.2fx)\n", verdict(ri <= 1.05), ri
				printf "  %s  --json-status-fd launch <= 1.05x a plain one (%.2fx)\n", verdict(rj <= 1.05), rj
			} else if (gr ~ /^nsbox-oci/) {
				sp = ms[gr "|runc"] / ms[gr "|nsbox-oci"]
				printf "  %s  nsbox-oci run: >= 3x faster than runc run (%.2fx)\n", verdict(sp >= 3), sp
				if ((gr "|podman --runtime runc") in ms) {
					sp = ms[gr "|podman --runtime runc"] / ms[gr "|podman --runtime nsbox-oci"]
					printf "  %s  podman run --rm: with nsbox-oci no slower than with runc (%.2fx)\n",
						verdict(sp >= 1), sp
				}
				printf "  %s  nsbox-oci run: peak RSS <= runc (%d / %d KiB)\n",
					verdict(rss[gr "|nsbox-oci"] <= rss[gr "|runc"]), rss[gr "|nsbox-oci"], rss[gr "|runc"]
			} else {
				name = gr
				sub(/ \(.*$/, "", name)
				sp = ms[gr "|bwrap"] / ms[gr "|nsbox"]
				rn = rss[gr "|nsbox"] + 0
				rb = rss[gr "|bwrap"] + 0
				printf "  %s  %s: nsbox >= 1.3x faster than bwrap (%.2fx)\n", verdict(sp >= 1.3), name, sp
				printf "  %s  %s: nsbox peak RSS <= bwrap (%d / %d KiB)\n", verdict(rn <= rb), name, rn, rb
			}
		}
	}' "$tmp/variants" >"$tmp/variants.targets"
	{
		echo
		sed '/^# result/d' "$tmp/variants"
		echo "targets (informational):"
		sort -k2 "$tmp/variants.targets"
	} >"$tmp/report2"
	grep '^# result' "$tmp/variants" >"$tmp/report2.results"
fi
touch "$tmp/report2" "$tmp/report2.results"

cat "$tmp/header" "$tmp/report" "$tmp/report2" "$tmp/report2.results" >"$results" ||
	die "cannot write '$results'"
echo
cat "$tmp/header"
sed '/^# samples/,$d' "$tmp/report"
cat "$tmp/report2"
echo "results (with every sample): $results"
