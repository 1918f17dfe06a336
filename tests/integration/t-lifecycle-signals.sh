# SPDX-License-Identifier: LGPL-2.1-or-later
# Signals and the sandbox's end: signals sent to nsbox reach COMMAND
# (directly, through the reaper, to COMMAND as pid 1), --no-forward-signals,
# --kill-on-exit, --die-with-parent, and a signal during setup.
. "${0%/*}/lib.sh"

gone() { ! kill -0 "$1" 2>/dev/null; }
# --lock-file needs a file to lock.
: >"$C/lk1"

# --- signals -----------------------------------------------------------------------------

# COMMAND records TERM, USR1 and HUP in /ctl/got; TERM ends it with 7. It
# runs until /ctl/stop appears, like wait_stop, and answers /ctl/ping with
# /ctl/pong: a signal sent to it before the ping has had its trap run by
# the time the pong is there (the shell runs traps between commands).
traps='trap "echo TERM >>/ctl/got; exit 7" TERM; trap "echo USR1 >>/ctl/got" USR1; trap "echo HUP >>/ctl/got" HUP; : >/ctl/ready; i=0; while [ ! -e /ctl/stop ] && [ $i -lt 600 ]; do [ ! -e /ctl/ping ] || : >/ctl/pong; sleep 0.025; i=$((i + 1)); done; echo done >>/ctl/got; exit 3'

# sig_case DESC OPTIONS: signals sent to nsbox by a process reach COMMAND.
sig_case() {
	rm -f "$C/got"
	# shellcheck disable=SC2086
	bg $ROOT $CTL $2 sh -c "$traps"
	_why=
	wait_until 10 exists "$C/ready" || _because "the sandbox did not start"
	kill -USR1 "$bg"
	wait_until 10 has_line "$C/got" USR1 || _because "no USR1"
	kill -HUP "$bg"
	wait_until 10 has_line "$C/got" HUP || _because "no HUP"
	kill -TERM "$bg"
	wait_until 10 gone "$bg" || { : >"$C/stop"; kill -KILL "$bg"; }
	wait_bg
	status=$bg_status out=$({ tr '\n' ' ' <"$C/got"; } 2>/dev/null) err=$(cat "$T/bg.err")
	[ "$status" = 7 ] || _because "status $status, wanted 7"
	[ "$out" = "USR1 HUP TERM " ] || _because "COMMAND got '$out'"
	: >"$C/stop"
	_verdict "$1"
}
sig_case "signals sent to nsbox reach COMMAND" ""
sig_case "... through the reaper with --unshare-pid" "--unshare-pid"
sig_case "... to COMMAND as pid 1 with --as-pid-1" "--unshare-pid --as-pid-1"
sig_case "... through the reaper of --sync-fd" "--sync-fd 1"

# nosig_case DESC OPTIONS: with --no-forward-signals nsbox dies of SIGTERM,
# COMMAND gets nothing and runs on.
nosig_case() {
	rm -f "$C/got" "$C/ping" "$C/pong"
	# shellcheck disable=SC2086
	bg $ROOT $CTL --no-forward-signals $2 sh -c "$traps"
	_why=
	wait_until 10 exists "$C/ready" || _because "the sandbox did not start"
	kill -TERM "$bg"
	# (quietly: the shell would report the job's death by SIGTERM)
	{ wait_bg; } 2>/dev/null
	status=$bg_status out="" err=$(cat "$T/bg.err")
	[ "$status" = 143 ] || _because "nsbox's status $status, wanted 143"
	# A signal nsbox passed on before it died has been handled once
	# COMMAND answers a ping sent after that.
	: >"$C/ping"
	wait_until 10 exists "$C/pong"
	[ ! -e "$C/got" ] || _because "COMMAND got '$(cat "$C/got")'"
	: >"$C/stop"
	wait_until 10 has_line "$C/got" "done" || _because "COMMAND did not run on to its end"
	_verdict "$1"
}
nosig_case "--no-forward-signals: SIGTERM ends nsbox only" ""
nosig_case "--no-forward-signals --unshare-pid: SIGTERM ends nsbox only" "--unshare-pid"
wait_until 5 _no_leftover_pids

# --- --kill-on-exit ------------------------------------------------------------------------

n=0
tag() { n=$((n + 1)); echo "30.$$$n"; }
running() { pgrep -x -f "sleep $1" >/dev/null; }
reap() { for _p in $(pgrep -x -f "sleep $1"); do kill -KILL "$_p"; done; }
_none_running() { ! running "$1" && ! running "$2"; }

# left_case DESC OPTIONS WANT: COMMAND starts a background sleep and a
# detached one (setsid) and exits 3; WANT=gone: nsbox returns at once and
# both are gone, WANT=left: they outlive it.
left_case() {
	_k1=$(tag) _k2=$(tag)
	_k_start=$(date +%s)
	# shellcheck disable=SC2086
	run_box $2 sh -c "sleep $_k1 & (setsid sleep $_k2 &); exit 3"
	_k_end=$(date +%s)
	_why=
	[ "$status" = 3 ] || _because "status $status, wanted 3"
	if [ "$3" = gone ]; then
		[ $((_k_end - _k_start)) -le 3 ] || _because "took $((_k_end - _k_start)) s"
		wait_ms 100 _none_running "$_k1" "$_k2"
		! running "$_k1" || _because "the background sleep is left"
		! running "$_k2" || _because "the detached sleep is left"
	else
		running "$_k1" || _because "the background sleep is gone"
		running "$_k2" || _because "the detached sleep is gone"
	fi
	reap "$_k1"
	reap "$_k2"
	_verdict "$1"
}
left_case "without --kill-on-exit, COMMAND's background processes outlive it" "" left
left_case "--kill-on-exit: nothing COMMAND started is left, nsbox returns at once" \
	"--kill-on-exit" gone
left_case "--kill-on-exit with a reaper (--sync-fd)" "--kill-on-exit --sync-fd 1" gone
left_case "--kill-on-exit --unshare-pid" "--kill-on-exit --unshare-pid" gone
run_box $CTL --kill-on-exit --json-status-fd 3 \
	sh -c "sleep $(tag) & $(box_wait /ctl/json child-pid); exit 4" 3>"$C/json"
is "$(sed -n 2p "$C/json")" '{ "exit-code": 4 }' "--kill-on-exit: the exit code is still reported"

# --- --die-with-parent ---------------------------------------------------------------------

# dwp_case DESC OPTIONS: kill -KILL the process that started nsbox; the
# sandbox must go away.
dwp_case() {
	_d=$(tag)
	# shellcheck disable=SC2086
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" sh -c '"$@" & wait' sh \
		"$NSBOX" $ROOT $CTL $2 --die-with-parent sleep "$_d" >/dev/null 2>&1 3>/dev/null &
	_d_launcher=$!
	_why=
	if wait_until 10 running "$_d"; then
		kill -KILL "$_d_launcher"
		wait "$_d_launcher" 2>/dev/null
		wait_until 10 eval '! running "$_d"' || _because "sleep $_d still runs"
	else
		_because "the sandbox did not start"
		kill -KILL "$_d_launcher" 2>/dev/null
		wait "$_d_launcher" 2>/dev/null
	fi
	reap "$_d"
	status=- out="" err=""
	_verdict "$1"
}
dwp_case "--die-with-parent with --sync-fd (a reaper, no pid namespace)" "--sync-fd 3"
dwp_case "--die-with-parent with --lock-file" "--lock-file /ctl/lk1"
dwp_case "--die-with-parent with --unshare-pid --info-fd (re-executed reaper)" \
	"--unshare-pid --info-fd 3"
dwp_case "--die-with-parent with --kill-on-exit" "--kill-on-exit"

# A signal sent to nsbox before COMMAND exists ends the setup: the sandbox
# is held at its start by --userns-block-fd (a pipe that gets its byte only
# later: once the sandbox's process has died, or after 10 s), nsbox gets
# SIGTERM once its report is written (it then forwards signals and waits
# for the byte), COMMAND never runs, status 143.
dead() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" = Z ]; }
if need_userns "SIGTERM during setup ends the sandbox with 143"; then
	rm -f "$T/sig.info" "$T/sig.done"
	mkfifo "$T/sig.fifo"
	(
		wait_until 10 exists "$T/sig.done"
		echo x
	) >"$T/sig.fifo" &
	sig_writer=$!
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" timeout -k 5 20 "$NSBOX" $ROOT_MIN \
		--unshare-user --unshare-pid --info-fd 3 --userns-block-fd 0 -- echo RAN \
		<"$T/sig.fifo" 3>"$T/sig.info" >"$T/sig.out" 2>"$T/sig.err" &
	sig_job=$!
	wait_until 10 has_line "$T/sig.info" '^}'
	pkill -TERM -f -- "^$NSBOX $ROOT_MIN --unshare-user --unshare-pid" 2>/dev/null
	wait_until 10 dead "$(json_num "$T/sig.info" child-pid)"
	: >"$T/sig.done"
	wait "$sig_job"
	sig_status=$?
	wait "$sig_writer"
	is "$sig_status $(cat "$T/sig.out")" "143 " "SIGTERM during setup ends the sandbox with 143"
fi

done_testing
