# SPDX-License-Identifier: LGPL-2.1-or-later
# The sandbox's lifecycle as a launcher sees it: the --info-fd and
# --json-status-fd reports checked against /proc of the running sandbox,
# --sync-fd, --lock-file, --block-fd, --userns-block-fd, joining a running
# sandbox (--userns, --pidns, --userns2), --disable-userns and
# --assert-userns-disabled, signal forwarding, --no-forward-signals,
# --kill-on-exit, --die-with-parent, and fd options given a closed fd.
. "${0%/*}/lib.sh"

uid=$(id -u)
gid=$(id -g)

# A control directory, /ctl inside: the test creates /ctl/stop to end a
# sandbox, the sandbox leaves marks there.
C=$T/ctl
mkdir -p "$C"
CTL="--bind $C /ctl"
# COMMAND for a sandbox that runs until /ctl/stop appears (at most ~15 s):
# it first creates /ctl/ready.
wait_stop=': >/ctl/ready; i=0; while [ ! -e /ctl/stop ] && [ $i -lt 600 ]; do sleep 0.025; i=$((i + 1)); done'

# bg ARGS...: start nsbox with ARGS in the background under a 30 s
# timeout, marked as ours, stdout/stderr to $T/bg.out/$T/bg.err. The pid of
# nsbox is in $bg, that of the timeout process (to wait for) in $bgw.
# Redirections given to bg reach nsbox.
bg() {
	rm -f "$C/stop" "$C/ready"
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

has_line() { grep -q -e "$2" "$1" 2>/dev/null; }
exists() { [ -e "$1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# json_num FILE KEY: the number after "KEY": in FILE (first one).
json_num() {
	sed -n 's/.*"'"$2"'": \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1
}

# children PID: the children of PID (one line, blank-separated).
children() {
	# shellcheck disable=SC2046
	echo $(cat "/proc/$1/task/$1/children" 2>/dev/null)
}

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
	run_box --unshare-user --unshare-uts --info-fd 3 sleep 0.2 3>"$T/info"
	keys=$(sed -n 's/^ *"\([a-z-]*\)".*/\1/p' "$T/info" | tr '\n' ' ')
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

run_box --info-fd 3 sleep 1 3</dev/null
expect_error "--info-fd on a read-only fd is a setup error" "--info-fd" "fd 3"

# A sandbox that is over at once: the report must not depend on the
# monitor reading /proc/PID/ns before the sandbox is gone. 20 times each:
# a COMMAND that exits at once, one that cannot be executed, a setup
# failure. (The other tests give COMMAND a moment, to test one thing each.)
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

run_box --json-status-fd 3 sh -c 'sleep 0.2; kill -KILL $$' 3>"$T/json"
expect "--json-status-fd: COMMAND killed by SIGKILL" status 137
is "$(sed -n 2p "$T/json")" '{ "exit-code": 137 }' "--json-status-fd: exit-code 128+signal"
is "$(wc -l <"$T/json")" 2 "--json-status-fd: two lines in all"

run_box --json-status-fd 3 /nonexistent/command 3>"$T/json"
expect "--json-status-fd: a COMMAND that cannot be executed fails" status 1 msg err_has "/nonexistent/command"
is "$(grep -c exit-code "$T/json")" 0 "--json-status-fd: no exit-code when COMMAND was not executed"

run_box --json-status-fd 3 --chdir /nonexistent true 3>"$T/json"
expect_error "--json-status-fd: a failing setup is an error" "/nonexistent"
is "$(grep -c exit-code "$T/json")" 0 "--json-status-fd: no exit-code after a failed setup"

run_box --unshare-pid --json-status-fd 3 sh -c 'sleep 0.2; exit 0' 3>"$T/json"
is "$(sed -n 2p "$T/json")" '{ "exit-code": 0 }' "--json-status-fd: exit-code 0"

# --- the option fds stay out of COMMAND -------------------------------------------

fdcheck='sleep 0.2; for f in 3 4 5 6 7; do [ -e /proc/self/fd/$f ] && printf "%s " $f; done; echo .'
run_box --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 sh -c "$fdcheck" \
	3>/dev/null 4>/dev/null 5</dev/null 6>/dev/null
expect "--info-fd, --json-status-fd, --block-fd, --sync-fd: none reaches COMMAND" status 0 out "."
run_box --unshare-pid --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 sh -c "$fdcheck" \
	3>/dev/null 4>/dev/null 5</dev/null 6>/dev/null
expect "... also with a reaper" status 0 out "."
run_box --unshare-pid --as-pid-1 --info-fd 3 --sync-fd 6 sh -c "$fdcheck" 3>/dev/null 6>/dev/null
expect "--as-pid-1: COMMAND keeps --sync-fd, nothing else" status 0 out "6 ."

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
	sleep 0.3
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

# --- --lock-file -------------------------------------------------------------------------

: >"$C/lk1"
: >"$C/lk2"
ino1=$(stat -c %i "$C/lk1")
ino2=$(stat -c %i "$C/lk2")
# locks_on INO: the /proc/locks entries for inode INO, as "TYPE KIND PID".
locks_on() {
	awk -v ino="$1" '{ n = split($6, a, ":"); if (a[n] == ino) print $2, $4, $5 }' /proc/locks
}
# A probe from outside: who holds a lock that would block a write lock
# (fcntl F_GETLK)? Prints "TYPE PID" (TYPE 0 read, 1 write, 2 none).
probe=
if command -v perl >/dev/null 2>&1 &&
	[ "$(perl -e 'print length(pack("q", 0))' 2>/dev/null)" = 8 ] &&
	case $(uname -m) in x86_64 | aarch64 | ppc64le | s390x | riscv64) true ;; *) false ;; esac; then
	probe=$T/probe.pl
	cat >"$probe" <<'EOF'
use Fcntl;
open(my $fh, '<', $ARGV[0]) or die "$ARGV[0]: $!\n";
# struct flock on 64-bit Linux: short type, short whence, off_t start, off_t len, pid_t pid
my $fl = pack('s s x4 q q l x4', F_WRLCK, 0, 0, 0, 0);
fcntl($fh, F_GETLK, $fl) or die "F_GETLK: $!\n";
my ($type, $whence, $start, $len, $pid) = unpack('s s x4 q q l x4', $fl);
print "$type $pid\n";
EOF
fi

# lock_case DESC OPTIONS: a sandbox holding lk1 and lk2; the locks are the
# reaper's (child-pid) while it runs, gone afterwards.
lock_case() {
	# shellcheck disable=SC2086
	bg $ROOT $CTL $2 --info-fd 4 --lock-file /ctl/lk1 --lock-file /ctl/lk2 \
		sh -c "$wait_stop" 4>"$T/info"
	_why=
	wait_until 10 exists "$C/ready" || _because "the sandbox did not start"
	_l_pid=$(json_num "$T/info" child-pid)
	[ "$(locks_on "$ino1")" = "POSIX READ ${_l_pid:-?}" ] ||
		_because "lk1 in /proc/locks: '$(locks_on "$ino1")', wanted 'POSIX READ $_l_pid'"
	[ "$(locks_on "$ino2")" = "POSIX READ ${_l_pid:-?}" ] ||
		_because "lk2 in /proc/locks: '$(locks_on "$ino2")'"
	if [ -n "$probe" ]; then
		_l_got=$(perl "$probe" "$C/lk1" 2>&1)
		[ "$_l_got" = "0 ${_l_pid:-?}" ] ||
			_because "fcntl(F_GETLK) from outside: '$_l_got', wanted '0 $_l_pid'"
	fi
	stop_bg
	[ "$bg_status" = 0 ] || _because "status $bg_status"
	[ -z "$(locks_on "$ino1")$(locks_on "$ino2")" ] || _because "a lock outlives the sandbox"
	if [ -n "$probe" ]; then
		_l_got=$(perl "$probe" "$C/lk1" 2>&1)
		[ "$_l_got" = "2 0" ] || _because "after the end, F_GETLK: '$_l_got'"
	fi
	status=$bg_status out="" err=$(cat "$T/bg.err")
	_verdict "$1"
}
lock_case "--lock-file: the reaper holds read locks while the sandbox runs" ""
lock_case "--lock-file --unshare-pid: pid 1 holds read locks while the sandbox runs" \
	"--unshare-pid"
[ -n "$probe" ] || diag "no 64-bit perl: the locks were only checked in /proc/locks"

run_box $CTL --lock-file /ctl/missing true
expect_error "--lock-file on a missing file is an error naming it" "--lock-file" "/ctl/missing"
run_box $CTL --unshare-pid --as-pid-1 --lock-file /ctl/lk1 true
expect_error "--lock-file is refused with --as-pid-1" "--lock-file" "--as-pid-1"

if [ -n "$probe" ]; then
	# A write lock held outside: taking the read lock fails at once.
	rm -f "$C/held" "$C/release"
	perl -e 'use Fcntl;
		open(my $fh, "+<", $ARGV[0]) or die;
		my $fl = pack("s s x4 q q l x4", F_WRLCK, 0, 0, 0, 0);
		fcntl($fh, F_SETLK, $fl) or die "lock: $!";
		open(my $m, ">", $ARGV[1]); close($m);
		for (1 .. 500) { last if -e $ARGV[2]; select(undef, undef, undef, 0.02); }' \
		"$C/lk1" "$C/held" "$C/release" &
	holder=$!
	wait_until 10 exists "$C/held"
	run_box $CTL --lock-file /ctl/lk1 echo ran
	expect_error "--lock-file on a file write-locked outside fails" "--lock-file" "/ctl/lk1"
	: >"$C/release"
	wait "$holder"
else
	skip "--lock-file on a file write-locked outside fails" "no 64-bit perl"
fi

# --- --block-fd --------------------------------------------------------------------------

mkfifo "$T/block.fifo"
# block_case DESC HOW OPTIONS: COMMAND does not start before a byte is
# written (HOW=byte) or the writer closes (HOW=eof).
block_case() {
	exec 6<>"$T/block.fifo"
	rm -f "$C/ran"
	# shellcheck disable=SC2086
	bg $ROOT $CTL $3 --info-fd 4 --block-fd 3 sh -c ': >/ctl/ran; '"$fdcheck" \
		3<"$T/block.fifo" 4>"$T/info" 6>&-
	_why=
	wait_until 10 has_line "$T/info" '^}' || _because "no --info-fd report"
	sleep 0.3
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

# --- joining a running sandbox --------------------------------------------------------

if need_userns "joining a sandbox"; then
	# A: its own user and pid namespaces; COMMAND in the first user
	# namespace (no --dev, so no nested one).
	bg $ROOT_MIN --proc /proc $CTL --unshare-user --unshare-pid --info-fd 3 \
		sh -c "$wait_stop" 3>"$T/info"
	wait_until 10 exists "$C/ready"
	a_pid=$(json_num "$T/info" child-pid)
	a_cmd=$(children "${a_pid:-0}")
	a_user=$(readlink "/proc/$a_cmd/ns/user")
	a_pidns=$(readlink "/proc/$a_cmd/ns/pid")
	# A's COMMAND is pid 2 in A's pid namespace.
	show='readlink /proc/self/ns/user /proc/self/ns/pid; tr "\0" " " </proc/2/cmdline'
	a_seen=$(printf '%s\n%s\nsh -c %s ' "$a_user" "$a_pidns" "$wait_stop")

	run_box --userns 5 --pidns 6 sh -c "$show" 5<"/proc/$a_cmd/ns/user" 6<"/proc/$a_cmd/ns/pid"
	expect "--userns/--pidns through COMMAND's pid: B is in A's user and pid namespaces and sees A's COMMAND" \
		status 0 out "$a_seen"

	run_box --userns 5 --pidns 6 --info-fd 7 sleep 0.2 \
		5<"/proc/$a_cmd/ns/user" 6<"/proc/$a_cmd/ns/pid" 7>"$T/info.b"
	expect "--pidns with --info-fd" status 0
	b_pid=$(json_num "$T/info.b" child-pid)
	is "$(grep -c namespace "$T/info.b"; grep -c -e '"mnt-namespace"' "$T/info.b")" \
		"$(printf '1\n1')" "--info-fd: a joined pid namespace is not reported"

	run_box --userns 5 --pidns 6 sh -c "$show" 5<"/proc/$a_pid/ns/user" 6<"/proc/$a_pid/ns/pid"
	expect "--userns/--pidns through child-pid (the reaper) work as well" \
		status 0 out "$a_seen"

	run_box --userns 5 sh -c 'readlink /proc/self/ns/user /proc/self/ns/pid' \
		5<"/proc/$a_cmd/ns/user"
	expect "--userns alone: A's user namespace, the caller's pid namespace" \
		status 0 out "$(printf '%s\n%s' "$a_user" "$(readlink /proc/self/ns/pid)")"

	run_box --userns 5 --pidns 6 --unshare-pid --info-fd 7 \
		sh -c 'sleep 0.2; readlink /proc/self/ns/pid; echo $$' \
		5<"/proc/$a_cmd/ns/user" 6<"/proc/$a_cmd/ns/pid" 7>"$T/info.b"
	b_pidns=$(json_num "$T/info.b" pid-namespace)
	[ "pid:[$b_pidns]" != "$a_pidns" ] || b_pidns="$b_pidns (A's)"
	expect "--pidns --unshare-pid: a new pid namespace below A's, reported" \
		status 0 out "$(printf 'pid:[%s]\n2' "${b_pidns:-?}")"

	run_box --userns 5 true 5<"/proc/$a_cmd/ns/pid"
	expect_error "--userns given a pid namespace fd is refused" "--userns" "not a user namespace"
	run_box --pidns 5 true 5<"/proc/$a_cmd/ns/user"
	expect_error "--pidns given a user namespace fd is refused" "--pidns"
	stop_bg

	# --userns2: A's COMMAND (a shell in A's user namespace U1) runs a
	# child in a user namespace U2 of its own; B enters U1 for the setup
	# and U2 for COMMAND.
	if unshare --help 2>/dev/null | grep -q -e --map-user; then
		u2='unshare -U --map-user=5 --map-group=5'
		u2_id=5
	else
		u2='unshare -U'
		u2_id=$(cat /proc/sys/kernel/overflowuid)
	fi
	bg $ROOT_MIN --proc /proc $CTL --unshare-user --info-fd 3 \
		sh -c "$u2 sh -c '$wait_stop'; :" 3>"$T/info"
	wait_until 10 exists "$C/ready"
	a_pid=$(json_num "$T/info" child-pid)
	a_inner=$(children "${a_pid:-0}")
	a_u1=$(readlink "/proc/$a_pid/ns/user")
	a_u2=$(readlink "/proc/$a_inner/ns/user")
	run_box --userns 5 --userns2 6 sh -c 'readlink /proc/self/ns/user; id -u' \
		5<"/proc/$a_pid/ns/user" 6<"/proc/$a_inner/ns/user"
	expect "--userns2: COMMAND ends up in the second user namespace" \
		status 0 out "$(printf '%s\n%s' "$a_u2" "$u2_id")"
	if [ -z "$a_u2" ] || [ "$a_u1" = "$a_u2" ]; then
		diag "  (the two user namespaces of A: '$a_u1' '$a_u2')"
	fi
	stop_bg
fi

# --- --disable-userns and --assert-userns-disabled --------------------------------------

if need_userns "--disable-userns"; then
	run_box --unshare-user --disable-userns sh -c 'unshare -U true 2>/dev/null && echo created || echo refused'
	expect "--disable-userns: unshare -U fails inside" status 0 out refused
	run_box --unshare-user --disable-userns --unshare-pid sh -c 'unshare -U true 2>/dev/null && echo created || echo refused'
	expect "--disable-userns --unshare-pid: unshare -U fails inside" status 0 out refused
	run_box --unshare-user --disable-userns --assert-userns-disabled echo ran
	expect "--disable-userns --assert-userns-disabled: COMMAND runs" status 0 out ran
	run_box --unshare-user sh -c 'unshare -U true 2>/dev/null && echo created || echo refused'
	expect "without --disable-userns, unshare -U works inside" status 0 out created
	run_box --disable-userns true
	expect_error "--disable-userns without --unshare-user is refused" "--disable-userns" "--unshare-user"

	# A sandbox joined in its disabled user namespace passes the assertion.
	bg $ROOT $CTL --unshare-user --disable-userns sh -c "$wait_stop"
	wait_until 10 exists "$C/ready"
	a_cmd=$bg
	for _c in $(children "$bg"); do a_cmd=$_c; done
	run_box --userns 5 --assert-userns-disabled echo ran 5<"/proc/$a_cmd/ns/user"
	expect "--assert-userns-disabled after --userns into a --disable-userns sandbox" \
		status 0 out ran
	stop_bg
fi
run_box --assert-userns-disabled echo ran
expect_error "--assert-userns-disabled when they are not disabled" \
	"creation of new user namespaces was not disabled as requested"

# The knob that refused the user namespace is named.
if need_userns "user.max_user_namespaces=0 is named"; then
	run_cmd unshare -U --map-root-user sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh \
		"$NSBOX" $ROOT --unshare-user true
	expect_error "user.max_user_namespaces=0 is named" "user.max_user_namespaces"
	run_cmd unshare -U --map-root-user sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh \
		"$NSBOX" $ROOT --unshare-user-try echo ran
	expect "--unshare-user-try goes on without one there" status 0 out ran
fi

# --- signals -----------------------------------------------------------------------------

# COMMAND records TERM, USR1 and HUP in /ctl/got; TERM ends it with 7.
traps='trap "echo TERM >>/ctl/got; exit 7" TERM; trap "echo USR1 >>/ctl/got" USR1; trap "echo HUP >>/ctl/got" HUP; '"$wait_stop"'; echo done >>/ctl/got; exit 3'

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
	rm -f "$C/got"
	# shellcheck disable=SC2086
	bg $ROOT $CTL --no-forward-signals $2 sh -c "$traps"
	_why=
	wait_until 10 exists "$C/ready" || _because "the sandbox did not start"
	kill -TERM "$bg"
	# (quietly: the shell would report the job's death by SIGTERM)
	{ wait_bg; } 2>/dev/null
	status=$bg_status out="" err=$(cat "$T/bg.err")
	[ "$status" = 143 ] || _because "nsbox's status $status, wanted 143"
	sleep 0.2
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
		sleep 0.1
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
run_box --kill-on-exit --json-status-fd 3 sh -c "sleep $(tag) & sleep 0.2; exit 4" 3>"$T/json"
is "$(sed -n 2p "$T/json")" '{ "exit-code": 4 }' "--kill-on-exit: the exit code is still reported"

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

# A signal sent to nsbox before COMMAND exists ends the setup: the sandbox
# is held at its start by --userns-block-fd (a pipe that gets its byte only
# later), nsbox gets SIGTERM, COMMAND never runs, status 143.
if need_userns "SIGTERM during setup ends the sandbox with 143"; then
	(
		sleep 1
		echo x
	) | env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" timeout -k 5 20 "$NSBOX" $ROOT_MIN \
		--unshare-user --unshare-pid --info-fd 3 --userns-block-fd 0 -- echo RAN \
		3>/dev/null >"$T/sig.out" 2>"$T/sig.err" &
	sig_job=$!
	wait_until 5 sh -c "pgrep -f -- '^$NSBOX $ROOT_MIN --unshare-user --unshare-pid' >/dev/null"
	sleep 0.2
	pkill -TERM -f -- "^$NSBOX $ROOT_MIN --unshare-user --unshare-pid" 2>/dev/null
	wait "$sig_job"
	sig_status=$?
	is "$sig_status $(cat "$T/sig.out")" "143 " "SIGTERM during setup ends the sandbox with 143"
fi

done_testing
