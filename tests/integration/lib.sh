# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers sourced by every tests/integration/t-*.sh script.
#
# The scripts print TAP. They are normally started by harness.sh (once as
# root, once as an unprivileged user), but also run on their own:
#   NSBOX=/path/to/nsbox sh tests/integration/t-cli.sh
#
# Environment: NSBOX (binary under test, required), NSBOX_AS (root|user,
# derived from the uid if unset), TMPDIR, NSBOX_MUST_WORK=1 (a skip because
# the kernel refuses user namespaces becomes a failure), NSBOX_TEST_MARK (a
# unique string; every nsbox started through run_nsbox gets
# NSBOX_TEST_CHILD=<it> in its environment, so that leftover processes can
# be found), NSBOX_TEST_PROG (the name messages start with, default nsbox;
# set it to bwrap to run the suite against bubblewrap for comparison).

set -u
umask 022
LC_ALL=C
LANG=C
export LC_ALL LANG

if [ -z "${NSBOX:-}" ] || [ ! -x "$NSBOX" ]; then
	echo "1..1"
	echo "not ok 1 - NSBOX is not set to an executable (got '${NSBOX:-}')"
	exit 1
fi

if [ "$(id -u)" = 0 ]; then
	is_root=true
else
	is_root=false
fi
: "${NSBOX_AS:=$($is_root && echo root || echo user)}"
: "${NSBOX_TEST_PROG:=nsbox}"
: "${NSBOX_TEST_MARK:=nsbox-test-$$-$(date +%s)}"
export NSBOX_TEST_MARK

# Per-script scratch directory, removed at the end. Everything the tests
# create on the host lives here.
T=$(mktemp -d "${TMPDIR:-/tmp}/nsbt.XXXXXX") || exit 1

_tap_n=0
_tap_failed=0
last_cmd=
_mounts_before=$(wc -l </proc/self/mountinfo)

# --- TAP ---------------------------------------------------------------------

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

ok() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$1"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$1"
}

# skip DESC REASON
skip() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$_tap_n" "$1" "$2"
}

# check DESC COMMAND...: ok if COMMAND succeeds.
check() {
	_c_desc=$1
	shift
	if "$@"; then
		ok "$_c_desc"
	else
		not_ok "$_c_desc"
		diag "  failed: $*"
	fi
}

# --- user namespaces (the only reason to skip) -------------------------------

_userns_ok=
can_userns() {
	if [ -z "$_userns_ok" ]; then
		if unshare -Ur true >/dev/null 2>&1; then
			_userns_ok=yes
		else
			_userns_ok=no
		fi
	fi
	[ "$_userns_ok" = yes ]
}

# need_userns DESC: returns 0 if user namespaces work for this user;
# otherwise reports DESC as skipped (failed under NSBOX_MUST_WORK=1) and
# returns 1, so the caller writes: need_userns "x" && { ...test... }
need_userns() {
	can_userns && return 0
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (the kernel refuses user namespaces, NSBOX_MUST_WORK=1)"
	else
		skip "$1" "the kernel refuses user namespaces to uid $(id -u)"
	fi
	return 1
}

# Unprivileged, nothing works without a user namespace: skip the script.
if ! $is_root && ! can_userns; then
	rm -rf "$T"
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - the kernel refuses user namespaces to uid $(id -u) (NSBOX_MUST_WORK=1)"
		exit 1
	fi
	echo "1..0 # SKIP the kernel refuses user namespaces to uid $(id -u)"
	exit 0
fi

# --- running nsbox -------------------------------------------------------------

# The smallest usable root: /usr read-only and the merged-/usr links (or
# binds where the host has real directories). No spaces in these paths, so
# they can be expanded unquoted.
ROOT_MIN="--ro-bind /usr /usr"
ROOT_TOP="usr proc dev"
for _d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$_d" ]; then
		ROOT_MIN="$ROOT_MIN --symlink $(readlink "/$_d") /$_d"
	elif [ -d "/$_d" ]; then
		ROOT_MIN="$ROOT_MIN --ro-bind /$_d /$_d"
	else
		continue
	fi
	ROOT_TOP="$ROOT_TOP $_d"
done
# ... plus /proc and /dev. ROOT_TOP: the names in / that ROOT creates.
ROOT="$ROOT_MIN --proc /proc --dev /dev"

# run_cmd PROGRAM ARGS...: run PROGRAM (stdin as given to the function,
# /dev/null from the harness) under a 20 s timeout, marked as ours. Sets
# status, out and err (stdout/stderr without trailing newlines; the raw
# files are $T/out and $T/err) and last_cmd.
run_cmd() {
	last_cmd="$*"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" \
		timeout -k 5 20 "$@" >"$T/out" 2>"$T/err"
	status=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# run_nsbox ARGS...: run_cmd for the binary under test.
run_nsbox() {
	run_cmd "$NSBOX" "$@"
}

# run_box ARGS...: run_nsbox with the usable root ($ROOT) first.
run_box() {
	# shellcheck disable=SC2086
	run_nsbox $ROOT "$@"
}

_show_run() {
	diag "  command: $(printf '%s' "$last_cmd" | sed -e "s|$ROOT|\$ROOT|" -e "s|$ROOT_MIN|\$ROOT_MIN|" | cut -c1-300)" \
		"  status: $status"
	[ -z "$out" ] || diag "  stdout:" "$(printf '%s\n' "$out" | head -n 20 | sed 's/^/  | /')"
	[ -z "$err" ] || diag "  stderr:" "$(printf '%s\n' "$err" | head -n 20 | sed 's/^/  | /')"
}

_why=
_because() { _why="$_why${_why:+; }$1"; }

# _verdict DESC: ok/not ok from what _because collected about the last run.
_verdict() {
	if [ -z "$_why" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "  $_why"
		_show_run
	fi
	_why=
}

# expect DESC CHECK...: one TAP line for the last run_nsbox, ok when every
# CHECK holds. CHECKs:
#   status N        exit status is N
#   status_not N    exit status is not N
#   out STR         stdout is STR (trailing newlines ignored)
#   out_has STR     stdout contains STR
#   out_lacks STR   stdout does not contain STR
#   out_match ERE   some stdout line matches ERE
#   err STR         stderr is STR
#   err_has STR     stderr contains STR
#   err_lacks STR   stderr does not contain STR
#   err_match ERE   some stderr line matches ERE
#   msg             stderr starts with "nsbox: "
expect() {
	_e_desc=$1
	shift
	_why=
	while [ $# -gt 0 ]; do
		_e_k=$1
		if [ "$_e_k" = msg ]; then
			case $err in "$NSBOX_TEST_PROG: "*) ;; *) _because "stderr does not start with '$NSBOX_TEST_PROG: '" ;; esac
			shift
			continue
		fi
		if [ $# -lt 2 ]; then
			_because "expect: '$_e_k' needs a value"
			break
		fi
		_e_v=$2
		shift 2
		case $_e_k in
		status) [ "$status" = "$_e_v" ] || _because "status $status, wanted $_e_v" ;;
		status_not) [ "$status" != "$_e_v" ] || _because "status $status" ;;
		out) [ "$out" = "$_e_v" ] || _because "stdout is not '$_e_v'" ;;
		err) [ "$err" = "$_e_v" ] || _because "stderr is not '$_e_v'" ;;
		out_has)
			case $out in *"$_e_v"*) ;; *) _because "stdout lacks '$_e_v'" ;; esac ;;
		out_lacks)
			case $out in *"$_e_v"*) _because "stdout has '$_e_v'" ;; esac ;;
		err_has)
			case $err in *"$_e_v"*) ;; *) _because "stderr lacks '$_e_v'" ;; esac ;;
		err_lacks)
			case $err in *"$_e_v"*) _because "stderr has '$_e_v'" ;; esac ;;
		out_match)
			grep -Eq -e "$_e_v" "$T/out" || _because "no stdout line matches /$_e_v/" ;;
		err_match)
			grep -Eq -e "$_e_v" "$T/err" || _because "no stderr line matches /$_e_v/" ;;
		*) _because "expect: unknown check '$_e_k'" ;;
		esac
	done
	_verdict "$_e_desc"
}

# expect_error DESC [NEEDLE...]: the last run failed the way nsbox reports
# bad input or a setup failure: exit 1, stderr starting with "nsbox: " and
# mentioning every NEEDLE, nothing on stdout.
expect_error() {
	_x_desc=$1
	shift
	_why=
	[ "$status" = 1 ] || _because "status $status, wanted 1"
	case $err in "$NSBOX_TEST_PROG: "*) ;; *) _because "stderr does not start with '$NSBOX_TEST_PROG: '" ;; esac
	[ -z "$out" ] || _because "stdout is not empty"
	for _x_n in "$@"; do
		case $err in *"$_x_n"*) ;; *) _because "stderr lacks '$_x_n'" ;; esac
	done
	_verdict "$_x_desc"
}

# is GOT WANTED DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got:    '$1'" "  wanted: '$2'"
	fi
}

# --- host state ----------------------------------------------------------------

# Processes running the binary under test or descending from a run_nsbox.
leftover_pids() {
	{
		pgrep -f -- "$NSBOX"
		grep -l -s -a -F "NSBOX_TEST_CHILD=$NSBOX_TEST_MARK" /proc/[0-9]*/environ |
			sed 's|^/proc/\([0-9]*\)/environ$|\1|'
	} 2>/dev/null | sort -un | grep -v -x -e "$$"
}

# wait_until TIMEOUT_S COMMAND...: poll every 20 ms until COMMAND succeeds.
wait_until() {
	_w_left=$(($1 * 50))
	shift
	while ! "$@"; do
		[ "$_w_left" -gt 0 ] || return 1
		_w_left=$((_w_left - 1))
		sleep 0.02
	done
}

# wait_ms MS COMMAND...: wait_until with a deadline in milliseconds.
wait_ms() {
	_w_left=$(($1 / 20))
	shift
	while ! "$@"; do
		[ "$_w_left" -gt 0 ] || return 1
		_w_left=$((_w_left - 1))
		sleep 0.02
	done
}

has_line() { grep -q -e "$2" "$1" 2>/dev/null; }
exists() { [ -e "$1" ]; }

# json_num FILE KEY: the number after "KEY": in FILE (first one).
json_num() {
	sed -n 's/.*"'"$2"'": \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1
}

# children PID: the children of PID (one line, blank-separated);
# descendants PID: all its descendants, one a line.
children() {
	# shellcheck disable=SC2046
	echo $(cat "/proc/$1/task/$1/children" 2>/dev/null)
}
descendants() {
	for _d_c in $(children "$1"); do
		echo "$_d_c"
		descendants "$_d_c"
	done
}

# blocked_reading PID FD: PID or one of its descendants sleeps in a read
# of a pipe or FIFO that is its fd FD (its wchan, and the first argument
# of the call it is in, from /proc/PID/syscall).
blocked_reading() {
	for _b_p in $1 $(descendants "$1"); do
		case $(cat "/proc/$_b_p/wchan" 2>/dev/null) in
		*pipe_read) ;;
		*) continue ;;
		esac
		[ "$(cut -d' ' -f2 "/proc/$_b_p/syscall" 2>/dev/null)" = "$(printf '0x%x' "$2")" ] &&
			return 0
	done
	return 1
}

# fifo_has_writer FIFO: some process holds FIFO open for writing (a
# non-blocking read would wait rather than see EOF). Reads nothing when
# nothing was written.
fifo_has_writer() {
	dd if="$1" of=/dev/null iflag=nonblock bs=1 count=1 2>&1 |
		grep -q -e 'Resource temporarily unavailable'
}

_no_leftover_pids() { [ -z "$(leftover_pids)" ]; }
_no_new_mounts() { [ "$(wc -l </proc/self/mountinfo)" -le "$_mounts_before" ]; }

# --- sandboxes in the background -------------------------------------------------

# A control directory $C, /ctl inside ($CTL binds it): the test creates
# /ctl/stop to end a sandbox, the sandbox leaves marks there.
C=$T/ctl
mkdir -p "$C"
CTL="--bind $C /ctl"
# COMMAND for a sandbox that runs until /ctl/stop appears (at most ~15 s):
# it first creates /ctl/ready.
wait_stop=': >/ctl/ready; i=0; while [ ! -e /ctl/stop ] && [ $i -lt 600 ]; do sleep 0.025; i=$((i + 1)); done'

# box_wait FILE ERE: a COMMAND snippet that waits (at most ~15 s) until a
# line of FILE (a path inside the sandbox) matches ERE (no single quote).
# COMMAND waits so for a report nsbox writes to a file under /ctl.
box_wait() {
	printf "i=0; until grep -q -E -e '%s' %s 2>/dev/null || [ \$i -ge 600 ]; do sleep 0.025; i=\$((i + 1)); done" \
		"$2" "$1"
}
# COMMAND snippet: once the --info-fd report in /ctl/info is complete,
# print the fds among 3-7 that COMMAND has, then ".".
fdcheck="$(box_wait /ctl/info '^}'); "'for f in 3 4 5 6 7; do [ -e /proc/self/fd/$f ] && printf "%s " $f; done; echo .'

# bg ARGS...: start nsbox with ARGS in the background under a 30 s
# timeout, marked as ours, stdout/stderr to $T/bg.out/$T/bg.err. The pid of
# nsbox is in $bg, that of the timeout process (to wait for) in $bgw.
# Redirections given to bg reach nsbox.
bg() {
	rm -f "$C/stop" "$C/ready"
	last_cmd="$NSBOX $*"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" timeout -k 5 30 "$NSBOX" "$@" \
		>"$T/bg.out" 2>"$T/bg.err" &
	bgw=$!
	bg=
	wait_until 10 _bg_started
}
# bg_direct ARGS...: the same without the timeout process, which would
# hold the fds given to nsbox open (COMMAND is time-limited anyway).
bg_direct() {
	rm -f "$C/stop" "$C/ready"
	last_cmd="$NSBOX $*"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" "$NSBOX" "$@" >"$T/bg.out" 2>"$T/bg.err" &
	bgw=$!
	bg=$!
}
_bg_started() {
	bg=$(pgrep -P "$bgw" 2>/dev/null | head -n 1)
	[ -n "$bg" ] || ! kill -0 "$bgw" 2>/dev/null
}

# wait_bg: wait for the background nsbox; its status in $bg_status.
wait_bg() {
	wait "$bgw"
	bg_status=$?
}

# stop_bg: let the background sandbox end, then wait_bg.
stop_bg() {
	: >"$C/stop"
	wait_bg
}

# --- as another user; the host's state; deny-lists ------------------------------------

# As root, $UNPRIV runs a command as uid 65534, the harness's unprivileged
# user; unpriv_ok: whether that user gets a user namespace (never when
# not root).
UNPRIV="setpriv --reuid=65534 --regid=65534 --clear-groups"
_unpriv_ok=
unpriv_ok() {
	$is_root || return 1
	if [ -z "$_unpriv_ok" ]; then
		_unpriv_ok=no
		# shellcheck disable=SC2086
		$UNPRIV unshare -Ur true >/dev/null 2>&1 && _unpriv_ok=yes
	fi
	[ "$_unpriv_ok" = yes ]
}

# run_as WHO ARGS...: run_nsbox as the caller (WHO root or user), as root
# with --unshare-user (rootns), or as uid 65534 from root (unpriv).
run_as() {
	_ra=$1
	shift
	case $_ra in
	rootns) run_nsbox --unshare-user "$@" ;;
	# shellcheck disable=SC2086
	unpriv) run_cmd $UNPRIV "$NSBOX" "$@" ;;
	*) run_nsbox "$@" ;;
	esac
}

# scratch_dir VAR: set VAR to a new directory that uid 65534 can reach
# too: below $T, or (as root, when $T is out of its reach) in /tmp;
# done_testing removes it.
_scratch=
scratch_dir() {
	# shellcheck disable=SC2086
	if $is_root && ! $UNPRIV test -x "$T"; then
		_sd=$(mktemp -d /tmp/nsbt-scratch.XXXXXX) || return 1
		_scratch="$_scratch $_sd"
	else
		_sd=$(mktemp -d "$T/scratch.XXXXXX") || return 1
	fi
	chmod 0755 "$_sd"
	eval "$1=\$_sd"
}

# snap DIR [DEPTH]: what the host has at and below DIR, DEPTH levels deep
# (default: all): names, types, modes, owners, sizes, link targets,
# modification times, to compare before and after.
snap() {
	find "$1" ${2:+-maxdepth "$2"} -printf '%p %y %m %U:%G %s %l %T@\n' 2>/dev/null | sort
}

# COMMAND for deny_case: "hidden" unless PATH ($1), or what is in it,
# shows MARKER ($2). (stderr closed, not sent to /dev/null: a root without
# /dev must not pass for one that hides.)
reveal='p=$1 m=$2; if { cat "$p"; ls -A "$p/"; cat "$p"/*; } 2>&- | grep -q -e "$m"; then echo LEAK; else echo hidden; fi'

# deny_case DESC WHO MARKER HOSTDIR NSBOX-ARGS... -- PATH: run_as WHO with
# the args and reveal on PATH. What a user of a deny-list expects: the
# launch succeeds, COMMAND finds no MARKER, nothing below HOSTDIR changes
# on the host ($deny_depth levels deep, if set).
deny_case() {
	_dc_desc=$1 _dc_who=$2 _dc_m=$3 _dc_dir=$4
	shift 4
	_dc_args=
	while [ "$1" != -- ]; do
		_dc_args="$_dc_args $1"
		shift
	done
	_dc_path=$2
	_dc_before=$(snap "$_dc_dir" ${deny_depth:-})
	# shellcheck disable=SC2086
	run_as "$_dc_who" $_dc_args sh -c "$reveal" sh "$_dc_path" "$_dc_m"
	_why=
	[ "$status" = 0 ] || _because "status $status, wanted 0"
	[ "$out" = hidden ] || _because "COMMAND saw '$out', wanted 'hidden'"
	[ "$(snap "$_dc_dir" ${deny_depth:-})" = "$_dc_before" ] ||
		_because "the host changed at $_dc_dir"
	_verdict "$_dc_desc"
}

# make_secrets DIR: a secret file and directory in DIR, symlinks to them
# (absolute lfile, ldir; relative rfile, rdir), dangling ones (ldang,
# rdang), and DIR/ws (uid 65534's) with a dangling ws/ldang.
make_secrets() {
	mkdir -p "$1/secretdir" "$1/ws"
	echo SECRET-FILE >"$1/secret.txt"
	echo SECRET-DIR >"$1/secretdir/key"
	ln -s "$1/secret.txt" "$1/lfile"
	ln -s "$1/secretdir" "$1/ldir"
	ln -s "$1/nowhere" "$1/ldang"
	ln -s secret.txt "$1/rfile"
	ln -s secretdir "$1/rdir"
	ln -s nowhere "$1/rdang"
	ln -s "$1/ws/nowhere" "$1/ws/ldang"
	chmod -R a+rX "$1"
	if $is_root; then chown -R 65534:65534 "$1/ws"; fi
}

# done_testing: the leftover checks, the plan, cleanup.
done_testing() {
	if wait_until 5 _no_leftover_pids; then
		ok "no nsbox or sandbox process left on the host"
	else
		not_ok "no nsbox or sandbox process left on the host"
		for _p in $(leftover_pids); do
			diag "  left: $_p $(tr '\0' ' ' </proc/"$_p"/cmdline 2>/dev/null)"
		done
	fi
	if wait_until 2 _no_new_mounts; then
		ok "no new mount left on the host"
	else
		not_ok "no new mount left on the host"
		diag "  mountinfo had $_mounts_before lines, now $(wc -l </proc/self/mountinfo)"
	fi
	echo "1..$_tap_n"
	# shellcheck disable=SC2086
	rm -rf --one-file-system "$T" $_scratch 2>/dev/null
	[ "$_tap_failed" = 0 ]
}
