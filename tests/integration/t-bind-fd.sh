# SPDX-License-Identifier: LGPL-2.1-or-later
# --bind-fd and --ro-bind-fd: what gets mounted is what the fd refers to,
# whatever happened to its path since; a path that now leads elsewhere is
# refused ("Race condition binding dirfd"); the fd does not reach COMMAND.
# Also --not-a-security-boundary, which turns the failures that only weaken
# isolation into warnings.
. "${0%/*}/lib.sh"

mkdir -p "$T/dir/sub" "$T/other"
echo "from the fd" >"$T/dir/file"
echo "elsewhere" >"$T/other/file"
echo "a file" >"$T/plain"

# --- directories and files -------------------------------------------------------------

run_box --bind-fd 3 /mnt sh -c 'cat /mnt/file && echo written >/mnt/new' 3<"$T/dir"
expect "--bind-fd: the directory of the fd is visible" status 0 out "from the fd"
is "$(cat "$T/dir/new" 2>&1)" "written" "--bind-fd: a write inside lands in that directory"
rm -f "$T/dir/new"

run_box --ro-bind-fd 3 /mnt sh -c 'cat /mnt/file; touch /mnt/nope' 3<"$T/dir"
expect "--ro-bind-fd: visible, and writes fail with EROFS" status_not 0 out "from the fd" \
	err_has "Read-only file system"
check "--ro-bind-fd: nothing written on the host" test ! -e "$T/dir/nope"

run_box --ro-bind-fd 3 /etc/f cat /etc/f 3<"$T/plain"
expect "--ro-bind-fd of a regular file binds that file" status 0 out "a file"
run_box --bind-fd 3 /a/b/c sh -c 'stat -c %a /a /a/b; cat /a/b/c/file' 3<"$T/dir"
expect "missing parents of DEST are created" status 0 out "$(printf '755\n755\nfrom the fd')"
run_box --dir /real --symlink /real /link --bind-fd 3 /link cat /real/file 3<"$T/dir"
expect "a symlink DEST is followed inside the new root" status 0 out "from the fd"
run_box --bind-fd 3 /a --ro-bind-fd 3 /b sh -c 'cat /a/file /b/file' 3<"$T/dir"
expect "one fd may serve several binds" status 0 out "$(printf 'from the fd\nfrom the fd')"
run_box --bind-fd 3 /n sh -c 'echo x >/n' 3</dev/null
expect "--bind-fd: device nodes do not work (nodev)" status_not 0 err_has "Permission denied"

# An O_PATH fd, as Flatpak passes them (perl can open one).
o_path_box() {
	# shellcheck disable=SC2086
	run_cmd perl -e '
		use Fcntl;
		$^F = 1000;	# keep the new fd open across exec
		my $o_path = eval { Fcntl::O_PATH() } || 010000000;
		sysopen(my $fh, shift @ARGV, $o_path | O_DIRECTORY) or die "open: $!\n";
		my @argv = map { $_ eq "FD" ? fileno($fh) : $_ } @ARGV;
		exec @argv or die "exec: $!\n";
	' "$T/dir" "$NSBOX" $ROOT "$@"
}
if command -v perl >/dev/null 2>&1; then
	o_path_box --ro-bind-fd FD /mnt cat /mnt/file
	expect "--ro-bind-fd with an O_PATH fd of a directory" status 0 out "from the fd"
	o_path_box --bind-fd FD /mnt sh -c 'echo via-o-path >/mnt/o && cat /mnt/o'
	expect "--bind-fd with an O_PATH fd is writable" status 0 out "via-o-path"
	rm -f "$T/dir/o"
else
	skip "--ro-bind-fd with an O_PATH fd of a directory" "perl is not installed"
	skip "--bind-fd with an O_PATH fd is writable" "perl is not installed"
fi

# --- the fd itself -------------------------------------------------------------------------

run_box --bind-fd 3 /mnt sh -c 'if [ -e /proc/self/fd/3 ]; then echo leaked; else echo closed; fi' 3<"$T/dir"
expect "the fd is closed before COMMAND runs" status 0 out "closed"
run_box --ro-bind-fd 9 /mnt true
expect_error "an fd that is not open" "--ro-bind-fd: fd 9 is not open"
run_box --bind-fd x /mnt true
expect_error "an fd that is not a number" "Invalid fd: x" "--bind-fd (argument"
run_box --bind-fd -1 /mnt true
expect_error "a negative fd" "Invalid fd: -1" "--bind-fd (argument"
# bubblewrap's own test suite looks for its message as a whole line.
expect "a negative fd: bubblewrap's message is a line of its own" \
	err_match "^$NSBOX_TEST_PROG: Invalid fd: -1\$"
run_box --bind-fd 3 "" true 3<"$T/dir"
expect_error "an empty DEST" "--bind-fd: DEST must not be empty"
run_box --perms 0700 --bind-fd 3 /mnt true 3<"$T/dir"
expect_error "--perms does not apply to --bind-fd" \
	"--perms must be followed by an option that creates a file (not --bind-fd"

# shellcheck disable=SC2086
run_cmd sh -c 'echo piped | exec "$@"' sh "$NSBOX" $ROOT --bind-fd 0 /mnt true
expect_error "a pipe names no file" "--bind-fd: fd 0 names no file reachable by path"
mkdir "$T/gone"
exec 5<"$T/gone"
rmdir "$T/gone"
run_box --bind-fd 5 /mnt true
expect_error "the fd of a removed directory" "--bind-fd: fd 5 names a deleted file"
exec 5<&-

# --- the path moved or swapped -----------------------------------------------------------

# The directory is renamed and a symlink to somewhere else takes its old
# name: the fd still refers to the directory, and that is what is bound.
mkdir -p "$T/moving"
echo "the fd's own" >"$T/moving/file"
exec 6<"$T/moving"
mv "$T/moving" "$T/moved"
ln -s "$T/other" "$T/moving"
run_box --ro-bind-fd 6 /mnt cat /mnt/file
expect "renamed with a symlink in its place: the fd's directory is bound" status 0 out "the fd's own"
exec 6<&-

# Between the open and the bind, the path starts leading somewhere else:
# here a tmpfs mounted over its parent, holding a symlink or a directory
# under the same name. nsbox must refuse rather than bind what the path
# now names. (A private mount namespace, so the host sees nothing: as root
# a plain one, unprivileged one of our own user namespace.)
mkdir -p "$T/p/victim"
echo "the fd's own" >"$T/p/victim/file"
if $is_root; then
	in_private_ns="unshare -m --propagation private"
else
	in_private_ns="unshare -Urm"
fi
# swapped KIND ARGS...: open fd 3 on $T/p/victim, cover $T/p with a tmpfs
# where victim is KIND (symlink|dir), then run nsbox ARGS.
swapped() {
	_kind=$1
	shift
	# shellcheck disable=SC2086
	run_cmd $in_private_ns sh -c '
		exec 3<"$0/victim" || exit 90
		mount -t tmpfs nsbt-swap "$0" || exit 91
		mkdir "$0/elsewhere" && echo "swapped in" >"$0/elsewhere/file" || exit 92
		if [ "$1" = symlink ]; then
			ln -s elsewhere "$0/victim"
		else
			mkdir "$0/victim" && echo "swapped in" >"$0/victim/file"
		fi || exit 93
		shift
		exec "$@"' "$T/p" "$_kind" "$NSBOX" $ROOT "$@"
}
swapped symlink --ro-bind-fd 3 /mnt cat /mnt/file
expect_error "a symlink swapped in at the fd's path is refused" \
	"--ro-bind-fd: Race condition binding dirfd: fd 3 was '$T/p/victim'"
swapped dir --bind-fd 3 /mnt cat /mnt/file
expect_error "another directory swapped in at the fd's path is refused" \
	"--bind-fd: Race condition binding dirfd: fd 3 was '$T/p/victim'"
check "the swap tests left the host alone" test -f "$T/p/victim/file"

# --- --not-a-security-boundary ---------------------------------------------------------

# A failure that only weakens isolation: --remount-ro of a path that is
# not a mount point (the kernel refuses to change it).
run_box --dir /d --remount-ro /d true
expect_error "a failed --remount-ro is an error" "--remount-ro: cannot remount '/d' read-only"
run_box --not-a-security-boundary --dir /d --remount-ro /d echo ran
expect "with --not-a-security-boundary it is a warning and COMMAND runs" status 0 out "ran" \
	err_has "--remount-ro: cannot remount '/d' read-only" err_has "going on: --not-a-security-boundary"
run_box --dir /d --remount-ro /d --not-a-security-boundary echo ran
expect "--not-a-security-boundary applies wherever it is given" status 0 out "ran"
run_box --not-a-security-boundary --ro-bind "$T/missing" /m true
expect_error "other failures are still errors" "Can't find source path $T/missing" "(--ro-bind, argument"
expect "a missing source: bubblewrap's words start the line" \
	err_match "^$NSBOX_TEST_PROG: Can't find source path .*missing"
run_box --not-a-security-boundary --ro-bind "$T/dir" /m touch /m/nope
expect "binds are read-only as usual" status_not 0 err_has "Read-only file system"
run_box --not-a-security-boundary true
expect "nothing to weaken: no warning" status 0 err ""

done_testing
