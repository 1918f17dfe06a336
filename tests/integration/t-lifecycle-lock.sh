# SPDX-License-Identifier: LGPL-2.1-or-later
# --lock-file: the sandbox's pid 1 (or reaper) holds read locks while it
# runs, seen from outside in /proc/locks and with fcntl(F_GETLK); they go
# with the sandbox; a missing file, --as-pid-1 and a file write-locked
# outside are errors.
. "${0%/*}/lib.sh"

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

done_testing
