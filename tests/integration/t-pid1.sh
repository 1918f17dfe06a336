# SPDX-License-Identifier: LGPL-2.1-or-later
# pid 1 and the processes around COMMAND, as an attacker inside and a
# caller outside see them: pid 1 holds no fd of the caller's but --sync-fd
# and the lock files, even for a COMMAND allowed to look into it; the
# sandbox goes with a SIGKILLed caller under --die-with-parent, also when it
# joins namespaces; Ctrl-C in a terminal ends a --new-session COMMAND.
. "${0%/*}/lib.sh"

mkdir -p "$T/ro" "$T/ctl"
echo secret >"$T/ro/file"
echo data >"$T/data"

# --- what pid 1 holds ------------------------------------------------------------

# COMMAND holds CAP_SYS_PTRACE (in the sandbox's user namespace, or as the
# real root), so it may look at pid 1's fds: only --sync-fd (6) and the lock
# file may be there, never the caller's other fds (the read-only directory
# of --ro-bind-fd, --file's data, the report fd, stdin/stdout/stderr).
list_fds='ls /proc/1/fd 2>/dev/null | sort -n | tr "\n" " "; echo end'
for how in "--info-fd 3" "--json-status-fd 3" ""; do
	if $is_root; then
		who="real root, no user namespace"
		set -- --unshare-pid
	else
		who="--uid 0 --cap-add CAP_SYS_PTRACE"
		set -- --unshare-pid --uid 0 --cap-add CAP_SYS_PTRACE
	fi
	: >"$T/ctl/lock"
	# shellcheck disable=SC2086
	run_box "$@" $how --ro-bind-fd 4 /ro --file 5 /f --sync-fd 6 \
		--bind "$T/ctl" /ctl --lock-file /ctl/lock sh -c "$list_fds" \
		3>"$T/report" 4<"$T/ro" 5<"$T/data" 6>"$T/sync"
	# The lock file's fd number is pid 1's business: any one number.
	# Without a report pid 1 is not dumpable: COMMAND may not look at all
	# (unless it is the real root).
	expect "pid 1 holds only --sync-fd and the lock file (${how:-no report}, $who)" \
		status 0 out_match '^((6 [0-9]+|[0-9]+ 6) )?end$'
done

# Root in a user namespace of its own: pid 1 is not dumpable, COMMAND
# cannot reach its fds (the caller is root and needs no help to join).
# COMMAND's uid is the owner of pid 1's /proc directory, so it may list
# the fd numbers pid 1 still holds while it locks itself down (COMMAND's
# process shared its memory until exec), but it may not open or read a
# single one.
if $is_root; then
	run_box --unshare-user --unshare-pid --info-fd 3 --ro-bind-fd 4 /ro \
		sh -c 'for f in /proc/1/fd/*; do readlink "$f" && echo "reached $f"; done; echo end' \
		3>"$T/report" 4<"$T/ro"
	expect "root --unshare-user: pid 1's fds are out of COMMAND's reach" status 0 out "end"
fi

# The attack this closes: through pid 1's fd of a --ro-bind-fd directory,
# write below it and walk up to the host.
if $is_root; then
	set -- --unshare-pid
else
	set -- --unshare-pid --uid 0 --cap-add CAP_SYS_PTRACE
fi
run_box "$@" --info-fd 3 --ro-bind-fd 4 /ro sh -c '
	for fd in /proc/1/fd/*; do
		echo pwned >"$fd/file" 2>/dev/null && echo wrote
		ls "$fd/../.." >/dev/null 2>&1 && echo walked
	done; echo end' 3>"$T/report" 4<"$T/ro"
expect "COMMAND cannot write through pid 1's fds or walk out of them" status 0 out end
is "$(cat "$T/ro/file")" secret "the read-only directory's file is unchanged"

# --- --die-with-parent when joining namespaces ------------------------------------------

# A sandbox to join: its COMMAND waits until told to stop.
CTL="--bind $T/ctl /ctl"
start_target() {
	rm -f "$T/ctl/up" "$T/ctl/stop" "$T/target.info"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" "$NSBOX" $ROOT $CTL --unshare-user --unshare-pid \
		--info-fd 3 sh -c 'touch /ctl/up; while [ ! -e /ctl/stop ]; do sleep 0.05; done' \
		3>"$T/target.info" 2>"$T/target.err" &
	target=$!
	wait_until 10 test -e "$T/ctl/up"
	target_pid=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$T/target.info")
}
stop_target() {
	: >"$T/ctl/stop"
	wait "$target" 2>/dev/null
}

desc="--userns with --die-with-parent runs COMMAND"
if need_userns "$desc"; then
	start_target
	run_nsbox $ROOT_MIN --userns 5 --die-with-parent sh -c 'echo joined' \
		5<"/proc/$target_pid/ns/user"
	expect "$desc" status 0 out joined err ""
	run_nsbox $ROOT_MIN --userns 5 --pidns 6 --die-with-parent sh -c 'echo joined' \
		5<"/proc/$target_pid/ns/user" 6<"/proc/$target_pid/ns/pid"
	expect "--userns --pidns with --die-with-parent runs COMMAND" status 0 out joined err ""

	# The caller is SIGKILLed: the sandbox must go too.
	for how in "--userns 5" "--userns 5 --pidns 6" "--userns 5 --pidns 6 --unshare-pid"; do
		rm -f "$T/ctl/inner"
		# shellcheck disable=SC2086
		env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" sh -c '"$@" & wait' sh \
			"$NSBOX" $ROOT_MIN $CTL $how --die-with-parent \
			sh -c 'touch /ctl/inner; exec sleep 7331' \
			5<"/proc/$target_pid/ns/user" 6<"/proc/$target_pid/ns/pid" &
		caller=$!
		wait_until 10 test -e "$T/ctl/inner"
		kill -KILL "$caller"
		wait "$caller" 2>/dev/null
		if wait_until 5 sh -c '! pgrep -f "^sleep 7331" >/dev/null'; then
			ok "--die-with-parent $how: the sandbox ends with a SIGKILLed caller"
		else
			not_ok "--die-with-parent $how: the sandbox ends with a SIGKILLed caller"
			pkill -KILL -f "^sleep 7331"
		fi
	done
	stop_target
fi

# --- Ctrl-C with --new-session in a terminal ------------------------------------------------

# script(1) gives the command a real pty; ^C written to its stdin becomes the
# terminal's SIGINT for the foreground process group (nsbox's, not
# COMMAND's after --new-session). A background job of a non-interactive
# shell starts with SIGINT and SIGQUIT ignored: env restores them.
if command -v script >/dev/null 2>&1; then
	for how in "--new-session" "--new-session --unshare-pid" ""; do
		rm -f "$T/ctl/up" "$T/ctl/done"
		mkfifo "$T/tty.in" 2>/dev/null
		# shellcheck disable=SC2086
		env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" timeout -k 5 20 \
			env --default-signal=INT,QUIT script -qefc \
			"exec '$NSBOX' $ROOT $CTL $how sh -c 'touch /ctl/up; sleep 30; touch /ctl/done'" \
			/dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 &
		sc=$!
		exec 7>"$T/tty.in"
		wait_until 10 test -e "$T/ctl/up"
		printf '\003' >&7
		wait "$sc"
		sc_status=$?
		exec 7>&-
		rm -f "$T/tty.in"
		# script -e exits with nsbox's status.
		if [ "$sc_status" = 130 ] && [ ! -e "$T/ctl/done" ]; then
			ok "Ctrl-C ends COMMAND (${how:-plain}): nsbox exits 130"
		else
			not_ok "Ctrl-C ends COMMAND (${how:-plain}): nsbox exits 130"
			diag "  status $sc_status; terminal: $(tr -d '\r' <"$T/tty.out" | head -c 300)"
		fi
	done
else
	skip "Ctrl-C with --new-session" "script(1) is not installed"
fi

done_testing
