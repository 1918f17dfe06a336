# SPDX-License-Identifier: LGPL-2.1-or-later
# Exit status: COMMAND's own, 128+N for a signal, 1 with a message for
# nsbox's errors and exec failures; output passed through untouched.
. "${0%/*}/lib.sh"

run_box sh -c 'echo to-stdout; echo to-stderr >&2'
expect "COMMAND's stdout and stderr pass through, nsbox adds nothing" \
	status 0 out "to-stdout" err "to-stderr"
echo "from the caller" >"$T/in"
run_box cat <"$T/in"
expect "COMMAND's stdin is the caller's" status 0 out "from the caller"

for pid_ns in "" "--unshare-pid"; do
	what=${pid_ns:-"no PID namespace"}
	run_box $pid_ns true
	expect "exit 0 ($what)" status 0
	run_box $pid_ns false
	expect "exit 1 ($what)" status 1
	run_box $pid_ns sh -c 'exit 42'
	expect "exit 42 ($what)" status 42
	run_box $pid_ns sh -c 'exit 255'
	expect "exit 255 ($what)" status 255
	run_box $pid_ns sh -c 'kill -TERM $$'
	expect "killed by SIGTERM: 143 ($what)" status 143 err_lacks "$NSBOX_TEST_PROG: "
	run_box $pid_ns sh -c 'kill -KILL $$'
	expect "killed by SIGKILL: 137 ($what)" status 137
	run_box $pid_ns sh -c 'kill -HUP $$'
	expect "killed by SIGHUP: 129 ($what)" status 129
done
run_box --unshare-pid --as-pid-1 sh -c 'exit 42'
expect "exit 42 (--as-pid-1)" status 42

run_box /nonexistent
expect_error "exec of a missing file: 1 and a message" "/nonexistent"
run_box nsbox-no-such-command
expect_error "a command not found in PATH: 1 and a message" "nsbox-no-such-command"
printf '#!/bin/sh\necho ran\n' >"$T/not-executable"
chmod 0644 "$T/not-executable"
run_box --ro-bind "$T/not-executable" /not-executable /not-executable
expect_error "exec of a non-executable file: 1 and a message" "/not-executable"
run_box --unshare-pid /nonexistent
expect_error "exec failure with a PID namespace: 1 and a message" "/nonexistent"
run_box --bind "$T/missing" /x true
expect_error "a setup failure: 1 and a message" "$T/missing"

done_testing
