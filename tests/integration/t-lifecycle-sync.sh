# SPDX-License-Identifier: LGPL-2.1-or-later
# The fds a launcher synchronises with: --sync-fd (EOF only once the
# sandbox is over, even when nsbox itself was killed), --block-fd (COMMAND
# waits for a byte or EOF), --userns-block-fd (the caller writes the id
# maps), and every fd option given a closed fd. The tests wait for the
# state they check (a writer still holds the FIFO, COMMAND sleeps reading
# its fd), not for a time.
. "${0%/*}/lib.sh"

uid=$(id -u)
gid=$(id -g)

# --- --sync-fd ---------------------------------------------------------------------------

mkfifo "$T/sync.fifo"
# sync_case DESC KILL_MONITOR OPTIONS: the reader of the fd sees EOF only
# once the sandbox is over (also when nsbox itself was killed first).
sync_case() {
	rm -f "$T/sync.eof"
	(cat "$T/sync.fifo" >/dev/null; : >"$T/sync.eof") &
	_s_reader=$!
	# shellcheck disable=SC2086
	bg $ROOT $CTL $3 --sync-fd 3 sh -c "$wait_stop" 3>"$T/sync.fifo"
	_why=
	wait_until 10 exists "$C/ready" || _because "the sandbox did not start"
	if [ "$2" = kill ]; then
		kill -KILL "$bg"
		{ wait_bg; } 2>/dev/null
	fi
	# Every process that could hold the fd has started (COMMAND runs)
	# or is gone (nsbox killed): the fd must still have a writer.
	fifo_has_writer "$T/sync.fifo" || _because "no writer left while the sandbox runs"
	! exists "$T/sync.eof" || _because "EOF while the sandbox runs"
	: >"$C/stop"
	{ wait_bg; } 2>/dev/null
	if wait_until 10 exists "$T/sync.eof"; then
		wait "$_s_reader"
	else
		_because "no EOF after the sandbox ended"
		kill "$_s_reader" 2>/dev/null
		wait "$_s_reader" 2>/dev/null
	fi
	status=- out="" err=$(cat "$T/bg.err")
	_verdict "$1"
}
sync_case "--sync-fd: EOF only when the sandbox ends" no ""
sync_case "--sync-fd --unshare-pid: EOF only when the sandbox ends" no "--unshare-pid"
sync_case "--sync-fd: held by the sandbox, not only by nsbox (nsbox killed)" kill ""
sync_case "--sync-fd --unshare-pid: held by pid 1 of the sandbox (nsbox killed)" kill "--unshare-pid"
sync_case "--sync-fd --as-pid-1: EOF only when the sandbox ends" no "--unshare-pid --as-pid-1"

# --- --block-fd --------------------------------------------------------------------------

mkfifo "$T/block.fifo"
# block_case DESC HOW OPTIONS: COMMAND does not start before a byte is
# written (HOW=byte) or the writer closes (HOW=eof).
block_case() {
	exec 6<>"$T/block.fifo"
	rm -f "$C/ran"
	# shellcheck disable=SC2086
	bg $ROOT $CTL $3 --info-fd 4 --block-fd 3 sh -c ': >/ctl/ran; '"$fdcheck" \
		3<"$T/block.fifo" 4>"$C/info" 6>&-
	_why=
	wait_until 10 has_line "$C/info" '^}' || _because "no --info-fd report"
	# Until the process that is to become COMMAND sleeps reading fd 3.
	wait_until 10 blocked_reading "$(json_num "$C/info" child-pid)" 3
	! exists "$C/ran" || _because "COMMAND ran before the go-ahead"
	if [ "$2" = byte ]; then
		printf x >&6
	fi
	exec 6>&-
	wait_until 10 exists "$C/ran" || _because "COMMAND did not run after the go-ahead"
	wait_bg
	status=$bg_status out=$(cat "$T/bg.out") err=$(cat "$T/bg.err")
	[ "$status" = 0 ] || _because "status $status"
	[ "$out" = . ] || _because "fds open in COMMAND: $out"
	_verdict "$1"
}
block_case "--block-fd: COMMAND waits for a byte" byte ""
block_case "--block-fd: or for EOF" eof ""
block_case "--block-fd --unshare-pid: COMMAND waits for a byte" byte "--unshare-pid"

# --- --userns-block-fd -----------------------------------------------------------------

mkfifo "$T/ublock.fifo"
if need_userns "--userns-block-fd: the caller writes the id maps"; then
	exec 6<>"$T/ublock.fifo"
	bg $ROOT --unshare-user --info-fd 3 --userns-block-fd 4 \
		sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map' \
		3>"$T/info" 4<"$T/ublock.fifo" 6>&-
	_why=
	wait_until 10 has_line "$T/info" '^}' || _because "no --info-fd report"
	pid=$(json_num "$T/info" child-pid)
	[ -z "$(cat "/proc/${pid:-0}/uid_map" 2>&1)" ] ||
		_because "uid_map before the go-ahead: $(cat "/proc/${pid:-0}/uid_map" 2>&1)"
	{
		echo "1234 $uid 1" >"/proc/$pid/uid_map" &&
			echo deny >"/proc/$pid/setgroups" &&
			echo "4321 $gid 1" >"/proc/$pid/gid_map"
	} 2>"$T/maperr" || _because "cannot write the maps: $(cat "$T/maperr")"
	printf x >&6
	exec 6>&-
	wait_bg
	status=$bg_status out=$(cat "$T/bg.out") err=$(cat "$T/bg.err")
	[ "$status" = 0 ] || _because "status $status"
	[ "$(printf '%s\n' "$out" | tr -s ' ' | sed 's/^ //')" = "$(printf '1234\n4321\n1234 %s 1\n4321 %s 1' "$uid" "$gid")" ] ||
		_because "ids and maps inside are not the ones written"
	_verdict "--userns-block-fd: the caller writes the id maps"
fi
if need_userns "--userns-block-fd: closed without a byte, nsbox gives up"; then
	exec 6<>"$T/ublock.fifo"
	bg $ROOT --unshare-user --info-fd 3 --userns-block-fd 4 echo ran \
		3>"$T/info" 4<"$T/ublock.fifo" 6>&-
	wait_until 10 has_line "$T/info" '^}'
	exec 6>&-
	wait_bg
	status=$bg_status out=$(cat "$T/bg.out") err=$(cat "$T/bg.err")
	expect_error "--userns-block-fd: closed without a byte, nsbox gives up" "--userns-block-fd"
fi
run_box --info-fd 3 --userns-block-fd 4 true 3>/dev/null 4</dev/null
expect_error "--userns-block-fd needs an explicit --unshare-user" "--unshare-user"

# --- fd options given a closed fd ------------------------------------------------------

for o in --info-fd --json-status-fd --block-fd --sync-fd --userns --pidns; do
	run_nsbox $ROOT "$o" 9 true 9>&-
	expect "$o given a closed fd: exit 1, the fd named" status 1 out "" \
		err "$NSBOX_TEST_PROG: $o: fd 9 is not usable: Bad file descriptor"
done
run_nsbox $ROOT --unshare-user --info-fd 1 --userns-block-fd 9 true 9>&-
expect "--userns-block-fd given a closed fd: exit 1, the fd named" status 1 out "" \
	err "$NSBOX_TEST_PROG: --userns-block-fd: fd 9 is not usable: Bad file descriptor"
run_nsbox $ROOT --userns 5 --userns2 9 true 5</proc/self/ns/user 9>&-
expect "--userns2 given a closed fd: exit 1, the fd named" status 1 out "" \
	err "$NSBOX_TEST_PROG: --userns2: fd 9 is not usable: Bad file descriptor"

done_testing
