# SPDX-License-Identifier: LGPL-2.1-or-later
# The sandbox's reports as a launcher sees them: --info-fd and
# --json-status-fd checked against /proc of the running sandbox, the
# reaper in a root without nsbox's libraries, sandboxes that are over at
# once, and the option fds kept out of COMMAND. COMMANDs that must outlive
# the report wait for it in a file under /ctl instead of sleeping.
. "${0%/*}/lib.sh"

# report MODE PID NSPID NS...: the report nsbox should write for a sandbox
# whose cloned process is PID, with the namespaces NS... (in report order)
# read from /proc/NSPID: MODE info is --info-fd's layout, json the first
# line of --json-status-fd.
report() {
	_r_mode=$1 _r_pid=$2 _r_nspid=$3
	shift 3
	if [ "$_r_mode" = info ]; then
		printf '{\n    "child-pid": %s' "$_r_pid"
	else
		printf '{ "child-pid": %s' "$_r_pid"
	fi
	for _r_ns in "$@"; do
		_r_ino=$(stat -L -c %i "/proc/$_r_nspid/ns/$_r_ns" 2>/dev/null)
		if [ "$_r_mode" = info ]; then
			printf ',\n    "%s-namespace": %s' "$_r_ns" "${_r_ino:-?}"
		else
			printf ', "%s-namespace": %s' "$_r_ns" "${_r_ino:-?}"
		fi
	done
	if [ "$_r_mode" = info ]; then
		printf '\n}\n'
	else
		printf ' }\n'
	fi
}

# same_file DESC GOT WANT: the two files are identical.
same_file() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diag "  got:" "$(sed 's/^/  | /' "$2")" "  wanted:" "$(sed 's/^/  | /' "$3")"
		[ -s "$T/bg.err" ] && diag "  stderr:" "$(sed 's/^/  | /' "$T/bg.err")"
	fi
}

cgroup_ns=
[ -e /proc/self/ns/cgroup ] && cgroup_ns=cgroup

# --- --info-fd -----------------------------------------------------------------------

# Every kind of namespace: the report is read through a FIFO, to see that
# the fd is closed (EOF) while the sandbox still runs.
mkfifo "$T/info.fifo"
rm -f "$T/info" "$T/info.eof"
(cat "$T/info.fifo" >"$T/info"; : >"$T/info.eof") &
reader=$!
bg_direct $ROOT $CTL --unshare-ipc --unshare-net --unshare-pid --unshare-uts \
	${cgroup_ns:+--unshare-cgroup} --info-fd 3 sh -c "$wait_stop" 3>"$T/info.fifo"
wait_until 10 exists "$C/ready"
if wait_until 10 exists "$T/info.eof"; then
	ok "--info-fd: the fd reaches EOF while the sandbox runs"
else
	not_ok "--info-fd: the fd reaches EOF while the sandbox runs"
fi
pid=$(json_num "$T/info" child-pid)
cmd=$(children "${pid:-0}")
report info "$pid" "${cmd:-0}" $cgroup_ns ipc mnt net pid uts >"$T/want"
same_file "--info-fd: exact layout, namespaces as in /proc/COMMAND/ns while it runs" \
	"$T/info" "$T/want"
ppid=$(awk '$1 == "PPid:" { print $2 }' "/proc/${pid:-0}/status" 2>/dev/null)
is "$ppid" "$bg" "--info-fd: child-pid is the process nsbox cloned"
report info "$pid" "${pid:-0}" $cgroup_ns ipc mnt net pid uts >"$T/want"
same_file "--info-fd: the caller can read the namespaces of child-pid (the reaper) too" \
	"$T/info" "$T/want"
stop_bg
is "$bg_status" 0 "--info-fd: the sandbox ends normally"
wait "$reader" 2>/dev/null

# No namespace asked for: child-pid (COMMAND itself, no reaper) and mnt.
bg $ROOT $CTL --info-fd 3 sh -c "$wait_stop" 3>"$T/info"
wait_until 10 exists "$C/ready"
pid=$(json_num "$T/info" child-pid)
report info "$pid" "${pid:-0}" mnt >"$T/want"
same_file "--info-fd: only mnt without --unshare-*, never the user namespace" "$T/info" "$T/want"
is "$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null | cut -d' ' -f1-2)" "sh -c" \
	"--info-fd: without a reaper, child-pid is COMMAND"
stop_bg

if need_userns "--info-fd: --unshare-user adds no user-namespace key"; then
	run_box $CTL --unshare-user --unshare-uts --info-fd 3 sh -c "$(box_wait /ctl/info '^}')" \
		3>"$C/info"
	keys=$(sed -n 's/^ *"\([a-z-]*\)".*/\1/p' "$C/info" | tr '\n' ' ')
	is "$status $keys" "0 child-pid mnt-namespace uts-namespace " \
		"--info-fd: --unshare-user adds no user-namespace key"
fi

# The reaper must not depend on what the sandbox's file system holds: a
# root with nothing but a shell and the libraries it needs.
mini=$T/mini
sh_bin=$(readlink -f /bin/sh)
if command -v ldd >/dev/null 2>&1 && [ -x "$sh_bin" ]; then
	mkdir -p "$mini/bin"
	cp "$sh_bin" "$mini/bin/sh"
	for lib in $(ldd "$sh_bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
		mkdir -p "$mini${lib%/*}"
		cp "$lib" "$mini$lib"
	done
	spin='i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; exit 5'
	run_nsbox --ro-bind "$mini" / --unshare-pid /bin/sh -c "$spin"
	expect "a root with only a shell works (--unshare-pid)" status 5
	run_nsbox --ro-bind "$mini" / --unshare-pid --info-fd 3 /bin/sh -c "$spin" 3>"$T/info"
	expect "a reaper in a root without nsbox's libraries (--unshare-pid --info-fd)" status 5
	run_nsbox --ro-bind "$mini" / --sync-fd 4 --json-status-fd 3 /bin/sh -c "$spin" \
		3>"$T/json" 4>/dev/null
	expect "... (--sync-fd --json-status-fd)" status 5
else
	skip "a root with only a shell works (--unshare-pid)" "no ldd"
	skip "a reaper in a root without nsbox's libraries" "no ldd"
	skip "... (--sync-fd --json-status-fd)" "no ldd"
fi

run_box --info-fd 3 echo ran 3</dev/null
expect_error "--info-fd on a read-only fd is a setup error" "--info-fd" "fd 3"

# A sandbox that is over at once: the report must not depend on the
# monitor reading /proc/PID/ns before the sandbox is gone. 20 times each:
# a COMMAND that exits at once, one that cannot be executed, a setup
# failure. (The other tests let COMMAND wait for the report, to test one
# thing each.)
quick_fail=0 exec_missing=0 setup_extra=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	run_box --info-fd 3 true 3>"$T/info"
	[ "$status" = 0 ] && has_line "$T/info" '^}' || quick_fail=$((quick_fail + 1))
	run_box --json-status-fd 3 /nonexistent/command 3>"$T/json"
	has_line "$T/json" '^{ "child-pid": ' || exec_missing=$((exec_missing + 1))
	run_box --info-fd 3 --bind "$T/nonexistent" /x true 3>/dev/null
	case $err in *"cannot read the namespaces"*) setup_extra=$((setup_extra + 1)) ;; esac
done
is "$quick_fail" 0 "--info-fd with a COMMAND that exits at once: status 0 and a report, every time"
is "$exec_missing" 0 "--json-status-fd: the first line is written when COMMAND cannot be executed"
is "$setup_extra" 0 "--info-fd with an early setup failure: one message, not a namespace-read error"

# --- --json-status-fd --------------------------------------------------------------------

bg $ROOT $CTL --unshare-pid --unshare-uts --json-status-fd 3 --info-fd 4 \
	sh -c "$wait_stop; exit 7" 3>"$T/json" 4>"$T/info"
wait_until 10 exists "$C/ready"
pid=$(json_num "$T/info" child-pid)
report json "$pid" "$(children "${pid:-0}")" mnt pid uts >"$T/want"
same_file "--json-status-fd: first line, exact layout, while the sandbox runs" "$T/json" "$T/want"
stop_bg
printf '{ "exit-code": 7 }\n' >>"$T/want"
same_file "--json-status-fd: then the exit code of COMMAND (not the reaper's)" "$T/json" "$T/want"
is "$bg_status" 7 "--json-status-fd: nsbox exits with COMMAND's status"

# COMMANDs that end once the first line is written.
run_box $CTL --json-status-fd 3 sh -c "$(box_wait /ctl/json child-pid); kill -KILL \$\$" \
	3>"$C/json"
expect "--json-status-fd: COMMAND killed by SIGKILL" status 137
is "$(sed -n 2p "$C/json")" '{ "exit-code": 137 }' "--json-status-fd: exit-code 128+signal"
is "$(wc -l <"$C/json")" 2 "--json-status-fd: two lines in all"

run_box --json-status-fd 3 /nonexistent/command 3>"$T/json"
expect "--json-status-fd: a COMMAND that cannot be executed fails" status 1 msg err_has "/nonexistent/command"
is "$(grep -c exit-code "$T/json")" 0 "--json-status-fd: no exit-code when COMMAND was not executed"

run_box --json-status-fd 3 --chdir /nonexistent true 3>"$T/json"
expect_error "--json-status-fd: a failing setup is an error" "/nonexistent"
is "$(grep -c exit-code "$T/json")" 0 "--json-status-fd: no exit-code after a failed setup"

run_box $CTL --unshare-pid --json-status-fd 3 sh -c "$(box_wait /ctl/json child-pid); exit 0" \
	3>"$C/json"
is "$(sed -n 2p "$C/json")" '{ "exit-code": 0 }' "--json-status-fd: exit-code 0"

# --- the option fds stay out of COMMAND -------------------------------------------

# (fdcheck, from lib.sh, waits for the report in /ctl/info first.)
run_box $CTL --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 sh -c "$fdcheck" \
	3>"$C/info" 4>/dev/null 5</dev/null 6>/dev/null
expect "--info-fd, --json-status-fd, --block-fd, --sync-fd: none reaches COMMAND" status 0 out "."
run_box $CTL --unshare-pid --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 \
	sh -c "$fdcheck" 3>"$C/info" 4>/dev/null 5</dev/null 6>/dev/null
expect "... also with a reaper" status 0 out "."
run_box $CTL --unshare-pid --as-pid-1 --info-fd 3 --sync-fd 6 sh -c "$fdcheck" \
	3>"$C/info" 6>/dev/null
expect "--as-pid-1: COMMAND keeps --sync-fd, nothing else" status 0 out "6 ."

done_testing
