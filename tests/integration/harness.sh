#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run one integration script as root and as an unprivileged user; print one
# TAP stream.
#
#   NSBOX_BUILD_BIN=/abs/nsbox sh tests/integration/harness.sh tests/integration/t-cli.sh
#
# make check runs it this way (Makefile.am) under automake's TAP driver.
# The binary, the script and lib.sh are copied into a fresh 0755 directory
# an unprivileged user can reach. As root, the script runs twice: as root,
# then as uid/gid 65534 through setpriv; otherwise once, as the caller. Each
# run gets NSBOX (the copy), NSBOX_SRCDIR, NSBOX_AS=root|user and a TMPDIR of
# its own. The two TAP outputs are merged into one stream: one plan,
# renumbered, each description prefixed with [root] or [user]. A run that
# does not finish its plan, or exits non-zero, adds a failing test.
#
# The user run is skipped only when the kernel refuses that user a user
# namespace; with NSBOX_MUST_WORK=1 that skip is a failure.

set -u

script=${1:?usage: harness.sh SCRIPT}
here=$(cd "$(dirname "$0")" && pwd)
bin=${NSBOX_BUILD_BIN:-${NSBOX:-}}
: "${NSBOX_SRCDIR:=$(cd "$here/../.." && pwd)}"
unpriv_uid=65534
unpriv_gid=65534
run_timeout=600

if [ -z "$bin" ] || [ ! -x "$bin" ] || [ ! -r "$script" ]; then
	echo "1..1"
	echo "not ok 1 - harness: no binary '$bin' (NSBOX_BUILD_BIN) or no script '$script'"
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	as_root=true
else
	as_root=false
fi

as_user() {
	setpriv --reuid=$unpriv_uid --regid=$unpriv_gid --clear-groups "$@"
}

# The work directory must be reachable by the unprivileged user.
base=${TMPDIR:-/tmp}
if $as_root && ! as_user test -x "$base" 2>/dev/null; then
	base=/tmp
fi
work=$(mktemp -d "$base/nsbox-it.XXXXXX") || exit 1
mark="nsbox-it-$$-$(date +%s)"

# Kill what still runs the copy or descends from a run_nsbox (lib.sh marks
# those with NSBOX_TEST_CHILD: processes we started), undo mounts left
# below the work directory, remove it.
cleanup() {
	for pid in $({ pgrep -f -- "$work/bin/"
		grep -l -s -a -F "NSBOX_TEST_CHILD=$mark" /proc/[0-9]*/environ |
			sed 's|^/proc/\([0-9]*\)/environ$|\1|'; } 2>/dev/null | sort -un); do
		[ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null
	done
	if $as_root; then
		awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo |
			sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	fi
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

chmod 0755 "$work"
mkdir -m 0755 "$work/bin" "$work/tests"
cp "$bin" "$work/bin/nsbox" && chmod 0755 "$work/bin/nsbox" || exit 1
# The same binary under its OCI runtime name (src/oci/cli.h).
ln -s nsbox "$work/bin/nsbox-oci" || exit 1
# The completions generated next to the binary (t-docs.sh checks them).
if [ -d "$(dirname "$bin")/completions" ]; then
	cp -R "$(dirname "$bin")/completions" "$work/bin/" && chmod -R a+rX "$work/bin/completions" ||
		exit 1
fi
# The syscall probe for the seccomp tests (tests/helpers/try-syscall.c).
try_syscall=
if [ -n "${NSBOX_TRY_SYSCALL:-}" ] && [ -x "$NSBOX_TRY_SYSCALL" ]; then
	cp "$NSBOX_TRY_SYSCALL" "$work/bin/try-syscall" && chmod 0755 "$work/bin/try-syscall" &&
		try_syscall="$work/bin/try-syscall"
fi
# The network modules' driver for the t-net-*.sh tests (tests/helpers/net-try.c).
net_try=
if [ -n "${NSBOX_NET_TRY:-}" ] && [ -x "$NSBOX_NET_TRY" ]; then
	cp "$NSBOX_NET_TRY" "$work/bin/net-try" && chmod 0755 "$work/bin/net-try" &&
		net_try="$work/bin/net-try"
fi
# The other end of nsbox-oci's --console-socket (tests/helpers/console-recv.c).
console_recv=
if [ -n "${NSBOX_CONSOLE_RECV:-}" ] && [ -x "$NSBOX_CONSOLE_RECV" ]; then
	cp "$NSBOX_CONSOLE_RECV" "$work/bin/console-recv" && chmod 0755 "$work/bin/console-recv" &&
		console_recv="$work/bin/console-recv"
fi
name=$(basename "$script")
cp "$script" "$work/tests/$name" && cp "$here/lib.sh" "$work/tests/lib.sh" &&
	chmod 0644 "$work/tests/$name" "$work/tests/lib.sh" || exit 1
# Sourced by the t-net-*.sh scripts (the guarded network namespace).
cp "$here/netlib.sh" "$work/tests/netlib.sh" && chmod 0644 "$work/tests/netlib.sh" || exit 1
# Sourced by the t-oci-*.sh scripts that run containers.
cp "$here/ocilib.sh" "$work/tests/ocilib.sh" && chmod 0644 "$work/tests/ocilib.sh" || exit 1

# run_as WHO: run the script as WHO (root|user), TAP to $work/WHO.tap,
# exit status to $work/WHO.rc.
run_as() {
	who=$1
	tmp="$work/$who"
	mkdir -m 0700 "$tmp"
	if [ "$who" = user ] && $as_root; then
		chown "$unpriv_uid:$unpriv_gid" "$tmp"
		set -- as_user
	else
		set --
	fi
	(
		cd "$tmp" || exit 1
		# Only fds 0-2 go to the script: stdin is /dev/null.
		exec </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		"$@" env -i PATH="${PATH:-/usr/sbin:/usr/bin:/sbin:/bin}" \
			HOME="$tmp" TMPDIR="$tmp" LC_ALL=C LANG=C \
			NSBOX="$work/bin/nsbox" NSBOX_SRCDIR="$NSBOX_SRCDIR" NSBOX_AS="$who" \
			NSBOX_MUST_WORK="${NSBOX_MUST_WORK:-0}" NSBOX_TEST_MARK="$mark" \
			NSBOX_TEST_PROG="${NSBOX_TEST_PROG:-nsbox}" NSBOX_TRY_SYSCALL="$try_syscall" \
			NSBOX_NET_TRY="$net_try" NSBOX_OCI="$work/bin/nsbox-oci" \
			NSBOX_CONSOLE_RECV="$console_recv" \
			timeout -k 10 $run_timeout sh "$work/tests/$name"
	) >"$work/$who.tap"
	echo $? >"$work/$who.rc"
}

if $as_root; then
	run_as root
	if as_user unshare -Ur true >/dev/null 2>&1; then
		run_as user
	elif [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		printf '1..1\nnot ok 1 - every test: the kernel refuses user namespaces to uid %s (NSBOX_MUST_WORK=1)\n' \
			$unpriv_uid >"$work/user.tap"
		echo 0 >"$work/user.rc"
	else
		printf '1..1\nok 1 - every test # SKIP the kernel refuses user namespaces to uid %s\n' \
			$unpriv_uid >"$work/user.tap"
		echo 0 >"$work/user.rc"
	fi
	runs="root user"
else
	run_as user
	runs="user"
fi

# Merge: renumber every test line, prefix descriptions, keep comments,
# turn plan problems, bail-outs and failing exit statuses into failures.
for who in $runs; do
	awk -v who="$who" -v rc="$(cat "$work/$who.rc")" -v countfile="$work/$who.count" '
	function emit(okness, rest) {
		n++
		sub(/^[ \t]*[0-9]*[ \t]*/, "", rest)
		sub(/^-[ \t]*/, "", rest)
		if (rest ~ /^#/)
			rest = " " rest
		printf "%s %d - [%s] %s\n", okness, n, who, rest
	}
	/^1\.\.[0-9]+/ {
		planned = $0
		sub(/^1\.\./, "", planned)
		sub(/[^0-9].*$/, "", planned)
		if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/ && planned + 0 == 0) {
			reason = $0
			sub(/^[^#]*#[ \t]*[Ss][Kk][Ii][Pp][^ \t]*[ \t]*/, "", reason)
			emit("ok", "whole script # SKIP " reason)
			skipped = 1
		}
		has_plan = 1
		next
	}
	/^not ok([ \t]|$)/ { seen++; failed++; emit("not ok", substr($0, 7)); next }
	/^ok([ \t]|$)/ { seen++; emit("ok", substr($0, 3)); next }
	/^Bail out!/ { emit("not ok", $0); bailed = 1; next }
	/^#/ { print "# [" who "]" substr($0, 2); next }
	{ print "# [" who "] | " $0 }
	END {
		if (!has_plan)
			emit("not ok", "the script printed no plan (it stopped early)")
		else if (!skipped && !bailed && seen != planned)
			emit("not ok", "the script ran " seen " tests, its plan said " planned)
		# 1 is how a script reports failed tests; anything else, or 1
		# without a failed test, means it broke.
		if (rc != 0 && !(rc == 1 && failed))
			emit("not ok", "the script exited with status " rc)
		print n > countfile
	}
	' "$work/$who.tap" >"$work/$who.merged"
done

total=0
for who in $runs; do
	total=$((total + $(cat "$work/$who.count")))
done
echo "1..$total"
offset=0
for who in $runs; do
	awk -v off="$offset" '
	/^(not )?ok [0-9]+ / {
		match($0, /^(not )?ok /)
		head = substr($0, 1, RLENGTH)
		rest = substr($0, RLENGTH + 1)
		num = rest
		sub(/ .*/, "", num)
		print head (num + off) substr(rest, length(num) + 1)
		next
	}
	{ print }
	' "$work/$who.merged"
	offset=$((offset + $(cat "$work/$who.count")))
done
exit 0
