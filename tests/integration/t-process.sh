# SPDX-License-Identifier: LGPL-2.1-or-later
# The process COMMAND runs as: cwd (--chdir and the default), --argv0,
# --new-session, --die-with-parent.
. "${0%/*}/lib.sh"

# --- cwd -----------------------------------------------------------------------------

run_box --chdir /usr/share pwd
expect "--chdir sets the cwd" status 0 out "/usr/share"
run_box --chdir /nonexistent true
expect_error "--chdir to a missing dir is an error naming it" "/nonexistent"
run_box --dir /d --chdir /d pwd
expect "--chdir into a dir the sandbox created" status 0 out "/d"

cd /usr/share || exit 1
run_box pwd
expect "default cwd: the caller's cwd when it exists inside" status 0 out "/usr/share"
cd "$T" || exit 1
run_cmd env HOME=/usr/lib "$NSBOX" $ROOT pwd
expect "default cwd: \$HOME when the caller's cwd is not inside" status 0 out "/usr/lib"
run_cmd env HOME=/nonexistent-home "$NSBOX" $ROOT pwd
expect "default cwd: / when neither exists inside" status 0 out "/"
run_cmd env -u HOME "$NSBOX" $ROOT pwd
expect "default cwd: / when HOME is unset" status 0 out "/"

# --- --argv0 -------------------------------------------------------------------------

run_box --argv0 fake-name sh -c 'echo "$0"'
expect "--argv0 sets COMMAND's argv[0]" status 0 out "fake-name"
run_box --argv0 fake-name cat /proc/self/cmdline
is "$(tr '\0' ' ' <"$T/out")" "fake-name /proc/self/cmdline " "--argv0: COMMAND is still found by its real name"

# --- --new-session -------------------------------------------------------------------

# Fields 1 (pid) and 6 (session) of /proc/self/stat, for the shell itself.
stat_pid_sid='read -r pid comm state ppid pgrp sid rest </proc/self/stat; echo "$pid $sid"'
read -r _ _ _ _ _ my_sid _ </proc/$$/stat
run_box sh -c "$stat_pid_sid"
read -r in_pid in_sid <"$T/out"
is "$in_sid" "$my_sid" "without --new-session, COMMAND is in the caller's session"
run_box --new-session sh -c "$stat_pid_sid"
read -r in_pid in_sid <"$T/out"
if [ "$status" = 0 ] && [ "$in_sid" = "$in_pid" ] && [ "$in_sid" != "$my_sid" ]; then
	ok "--new-session: COMMAND leads a new session"
else
	not_ok "--new-session: COMMAND leads a new session"
	diag "  caller's session $my_sid; inside: pid $in_pid, session $in_sid"
	_show_run
fi
# With a PID namespace, a session led from outside reads as 0.
run_box --unshare-pid sh -c "$stat_pid_sid"
expect "without --new-session, the session is led outside the PID namespace" status 0 out "2 0"
run_box --unshare-pid --new-session sh -c "$stat_pid_sid"
expect "--new-session with a PID namespace: the session is led inside" status 0 out_match '^2 [12]$'


# --- --die-with-parent ---------------------------------------------------------------

# A sleep with a unique argument, to find the sandbox's process by its exact
# command line.
n=0
tag() { n=$((n + 1)); echo "30.$$$n"; }
sleeper_up() { pgrep -x -f "sleep $1" >/dev/null; }
sleeper_gone() { ! pgrep -x -f "sleep $1" >/dev/null; }
reap_sleeper() {
	for p in $(pgrep -x -f "sleep $1"); do kill -KILL "$p"; done
}

# die_with_parent DESC VICTIM OPTIONS: start a sandbox running the sleep,
# kill VICTIM (nsbox = nsbox itself, launcher = the process that started
# nsbox) with SIGKILL; the sandbox must go away.
die_with_parent() {
	t=$(tag)
	# shellcheck disable=SC2086
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" sh -c '"$@" & wait' sh \
		"$NSBOX" $ROOT $3 --die-with-parent sleep "$t" >/dev/null 2>&1 &
	launcher=$!
	if ! wait_until 10 sleeper_up "$t"; then
		not_ok "$1"
		diag "  the sandbox did not start"
		kill -KILL "$launcher" 2>/dev/null
		wait "$launcher" 2>/dev/null
		return
	fi
	if [ "$2" = nsbox ]; then
		victim=$(pgrep -P "$launcher")
	else
		victim=$launcher
	fi
	kill -KILL $victim
	wait "$launcher" 2>/dev/null
	if wait_until 10 sleeper_gone "$t"; then
		ok "$1"
	else
		not_ok "$1"
		diag "  sleep $t still runs"
		reap_sleeper "$t"
	fi
}
die_with_parent "--die-with-parent: killing the launcher ends the sandbox" launcher ""
die_with_parent "--die-with-parent: killing nsbox ends the sandbox" nsbox ""
die_with_parent "--die-with-parent --unshare-pid: killing nsbox ends the sandbox" nsbox "--unshare-pid"
die_with_parent "--die-with-parent --unshare-pid: killing the launcher ends the sandbox" launcher "--unshare-pid"

done_testing
