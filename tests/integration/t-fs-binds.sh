# SPDX-License-Identifier: LGPL-2.1-or-later
# Bind mounts: --bind, --ro-bind, --dev-bind and their -try forms,
# recursive binds and their sub-mounts, mount point creation, --remount-ro.
. "${0%/*}/lib.sh"

mkdir -p "$T/src/sub" "$T/w"
echo "hello from the host" >"$T/src/hello"
echo "deeper" >"$T/src/sub/file"

# --- content -----------------------------------------------------------------------

run_box --bind "$T/src" /mnt/src sh -c 'cat /mnt/src/hello /mnt/src/sub/file'
expect "--bind: the host directory is visible" status 0 out "$(printf 'hello from the host\ndeeper')"
run_box --ro-bind "$T/src" /mnt/src cat /mnt/src/hello
expect "--ro-bind: the host directory is visible" status 0 out "hello from the host"
run_box --dev-bind "$T/src" /mnt/src cat /mnt/src/hello
expect "--dev-bind: the host directory is visible" status 0 out "hello from the host"
run_box --ro-bind "$T/src/hello" /etc/greeting cat /etc/greeting
expect "--ro-bind of a single file" status 0 out "hello from the host"

ln -s src "$T/srclink"
run_box --ro-bind "$T/srclink" /s cat /s/hello
expect "a symlink as SRC is followed on the host" status 0 out "hello from the host"

cd "$T" || exit 1
run_box --ro-bind src /rel cat /rel/hello
expect "a relative SRC is relative to the caller's cwd" status 0 out "hello from the host"

# --- writes ------------------------------------------------------------------------

run_box --bind "$T/src" /mnt/src sh -c 'echo written >/mnt/src/new'
expect "--bind: a write inside succeeds" status 0
is "$(cat "$T/src/new" 2>&1)" "written" "--bind: the write lands on the host"

cp "$T/src/hello" "$T/file"
run_box --bind "$T/file" /f sh -c 'echo changed >/f'
is "$(cat "$T/file")" "changed" "--bind of a file: the write lands on the host"

run_box --ro-bind "$T/src" /mnt/src touch /mnt/src/nope
expect "--ro-bind: writes fail with EROFS" status 1 err_has "Read-only file system"
check "--ro-bind: nothing written on the host" test ! -e "$T/src/nope"
run_box --ro-bind "$T/src" /mnt/src sh -c 'echo x >>/mnt/src/hello'
expect "--ro-bind: appending to an existing file fails" err_has "Read-only file system"
is "$(cat "$T/src/hello")" "hello from the host" "--ro-bind: the host file is unchanged"
run_box --ro-bind "$T/src" /mnt/src mkdir /mnt/src/sub/d
expect "--ro-bind: the whole tree is read-only" status 1 err_has "Read-only file system"

# --- sub-mounts ----------------------------------------------------------------------

# A tree with a mount inside, made in a private mount namespace so the host
# sees nothing: as root a plain one, unprivileged one of our own user
# namespace (where nsbox then runs as uid 0).
mkdir -p "$T/tree/sub"
echo "top" >"$T/tree/top"
if $is_root; then
	in_private_ns="unshare -m --propagation private"
else
	in_private_ns="unshare -Urm"
fi
# with_submount ARGS...: run nsbox ARGS with a tmpfs mounted on $T/tree/sub
# (holding a file 'marker').
with_submount() {
	# shellcheck disable=SC2086
	run_cmd $in_private_ns sh -c \
		'mount -t tmpfs -o size=1m nsbt-sub "$0/sub" && echo inner >"$0/sub/marker" && exec "$@"' \
		"$T/tree" "$NSBOX" $ROOT "$@"
}

with_submount --bind "$T/tree" /tree sh -c 'cat /tree/sub/marker && touch /tree/sub/rw'
expect "--bind is recursive: sub-mounts are visible and writable" status 0 out "inner"
with_submount --ro-bind "$T/tree" /tree cat /tree/sub/marker
expect "--ro-bind is recursive: sub-mounts are visible" status 0 out "inner"
with_submount --ro-bind "$T/tree" /tree touch /tree/sub/nope
expect "--ro-bind: sub-mounts of the bound tree are read-only too" status 1 err_has "Read-only file system"
with_submount --ro-bind "$T/tree" /tree sh -c \
	'cut -d " " -f 5,6 /proc/self/mountinfo | grep "^/tree" | sed "s/,.*//"'
expect "--ro-bind: every mount under the destination is ro" status 0 \
	out "$(printf '/tree ro\n/tree/sub ro')"
with_submount --bind "$T/tree" /tree --remount-ro /tree sh -c 'touch /tree/sub/rw && ! touch /tree/x'
expect "--remount-ro is not recursive" status 0

# --- -try and missing sources --------------------------------------------------------

for op in --bind --ro-bind --dev-bind; do
	run_box "$op-try" "$T/missing" /x sh -c 'if test -e /x; then echo there; else echo absent; fi'
	expect "$op-try with a missing source is skipped silently" status 0 out "absent" err ""
	run_box "$op" "$T/missing" /x true
	expect_error "$op with a missing source is an error naming it" "$T/missing"
done
run_box --bind-try "$T/src" /x cat /x/hello
expect "--bind-try with an existing source binds it" status 0 out "hello from the host"

# --- devices ---------------------------------------------------------------------------

run_box --dev-bind /dev/null /n sh -c 'echo x >/n && echo written'
expect "--dev-bind: device nodes work" status 0 out "written"
run_box --bind /dev/null /n sh -c 'echo x >/n'
expect "--bind: device nodes do not work (nodev)" status_not 0 err_has "Permission denied"
run_box --ro-bind /dev/null /n sh -c 'cat /n'
expect "--ro-bind: device nodes do not work (nodev)" err_has "Permission denied"

# --- mount points --------------------------------------------------------------------

run_box --bind "$T/w" /w --ro-bind "$T/src" /w/a/b ls /w/a/b/hello
expect "a missing mount point inside a writable bind is created" status 0 out "/w/a/b/hello"
check "... and it exists on the host as a directory" test -d "$T/w/a/b"
run_box --bind "$T/w" /w --ro-bind "$T/src/hello" /w/f cat /w/f
expect "a missing file mount point inside a writable bind is created" status 0 out "hello from the host"
check "... and it exists on the host as a file" test -f "$T/w/f"

run_box --dir /real --symlink /real /link --ro-bind "$T/src" /link cat /real/hello
expect "a symlink destination is followed inside the new root" status 0 out "hello from the host"

run_box --ro-bind "$T/src" /a/b/c/d cat /a/b/c/d/hello
expect "missing parents of a destination are created" status 0 out "hello from the host"

# --- --remount-ro ----------------------------------------------------------------------

run_box --bind "$T/w" /w --remount-ro /w touch /w/nope
expect "--remount-ro makes a bind read-only" status 1 err_has "Read-only file system"
check "... nothing written on the host" test ! -e "$T/w/nope"
run_nsbox $ROOT_MIN --proc /proc --dev-bind /dev /dev --remount-ro /dev sh -c ': >/dev/null'
expect "--remount-ro adds nodev" status_not 0 err_has "Permission denied"
run_box --remount-ro /nonexistent true
expect_error "--remount-ro of a missing path is an error" "/nonexistent"

done_testing
