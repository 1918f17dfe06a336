# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGTERM to nsbox while it waits on --userns-block-fd: the monitor passes
# the signal on to the sandbox's process, which ends with 143, and nsbox
# ends at once with that status instead of waiting for the byte (or EOF)
# that a hung id-map helper may never send.
. "${0%/*}/lib.sh"

gone() { ! kill -0 "$1" 2>/dev/null; }

mkfifo "$T/ublock.fifo"
for opts in "" "--unshare-pid"; do
	desc="SIGTERM to nsbox waiting on --userns-block-fd ends it at once with 143${opts:+ ($opts)}"
	need_userns "$desc" || continue
	# The test keeps the FIFO open for writing and never writes.
	exec 6<>"$T/ublock.fifo"
	# shellcheck disable=SC2086
	bg $ROOT_MIN --unshare-user $opts --info-fd 3 --userns-block-fd 4 -- echo RAN \
		3>"$T/info" 4<"$T/ublock.fifo" 6>&-
	_why=
	wait_until 10 has_line "$T/info" '^}' || _because "no --info-fd report"
	kill -TERM "$bg"
	wait_until 5 gone "$bg" || _because "nsbox still runs 5 s after SIGTERM"
	exec 6>&-
	{ wait_bg; } 2>/dev/null
	status=$bg_status out=$(cat "$T/bg.out") err=$(cat "$T/bg.err")
	[ "$status" = 143 ] || _because "status $status, wanted 143"
	[ -z "$out" ] || _because "COMMAND ran"
	_verdict "$desc"
done

done_testing
