# SPDX-License-Identifier: LGPL-2.1-or-later
# Overlays: --overlay-src with --overlay, --tmp-overlay and --ro-overlay.
# What each one shows inside, where the writes land (the upper dir for
# --overlay, nowhere for --tmp-overlay, EROFS for --ro-overlay), that the
# host's layers are never modified, awkward characters in paths, and the
# bad combinations with their messages.
. "${0%/*}/lib.sh"

O=$T/ov
mkdir -p "$O/bottom/sub" "$O/middle" "$O/top" "$O/upper" "$O/work"
echo "bottom" >"$O/bottom/shadowed"
echo "bottom" >"$O/bottom/only-bottom"
echo "bottom sub" >"$O/bottom/sub/file"
echo "middle" >"$O/middle/shadowed"
echo "middle" >"$O/middle/only-middle"
echo "top" >"$O/top/shadowed"
echo "top" >"$O/top/only-top"

# The layers' state, to show they are never modified: names, sizes,
# contents and modification times of everything under them.
layers_state() {
	(cd "$O" && find bottom middle top -exec stat -c '%n %s %Y %a' {} + | sort &&
		cat bottom/* middle/* top/* 2>/dev/null)
}
layers_before=$(layers_state)
layers_unchanged() { [ "$(layers_state)" = "$layers_before" ]; }

L3="--overlay-src $O/bottom --overlay-src $O/middle --overlay-src $O/top"

# --- what each overlay shows ---------------------------------------------------------

# shellcheck disable=SC2086
run_box $L3 --ro-overlay /o sh -c 'cat /o/shadowed /o/only-bottom /o/only-middle /o/only-top /o/sub/file'
expect "--ro-overlay: every layer shows, the last --overlay-src on top" status 0 \
	out "$(printf 'top\nbottom\nmiddle\ntop\nbottom sub')"
run_box --overlay-src "$O/top" --overlay-src "$O/bottom" --ro-overlay /o cat /o/shadowed
expect "--ro-overlay: the first --overlay-src is the bottom layer" status 0 out "bottom"
run_box --overlay-src "$O/bottom" --tmp-overlay /o sh -c 'cat /o/shadowed /o/sub/file'
expect "--tmp-overlay: one layer is enough" status 0 out "$(printf 'bottom\nbottom sub')"
run_box --overlay-src "$O/bottom" --overlay-src "$O/top" --overlay "$O/upper" "$O/work" /o \
	sh -c 'cat /o/shadowed /o/only-bottom'
expect "--overlay: the layers show through the upper dir" status 0 out "$(printf 'top\nbottom')"

# Five layers, each with a file of its own and one they all have.
i=1
L5=
while [ $i -le 5 ]; do
	mkdir -p "$T/five/$i"
	echo "$i" >"$T/five/$i/n"
	echo "$i" >"$T/five/$i/own-$i"
	L5="$L5 --overlay-src $T/five/$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
run_box $L5 --ro-overlay /o sh -c 'cat /o/n; ls /o | tr "\n" " "'
expect "five layers: the last one wins, every file shows" status 0 \
	out "$(printf '5\nn own-1 own-2 own-3 own-4 own-5 ')"

# shellcheck disable=SC2086
run_box $L3 --tmp-overlay /o sh -c 'grep " /o " /proc/self/mountinfo'
expect "the overlay is mounted nosuid,nodev with userxattr" status 0 \
	out_match '^[0-9]+ [0-9]+ [0-9:]+ / /o rw,nosuid,nodev[^ ]* .*- overlay .*userxattr'
# shellcheck disable=SC2086
run_box $L3 --ro-overlay /o sh -c 'grep -c " /o ro,nosuid,nodev.* - overlay " /proc/self/mountinfo'
expect "--ro-overlay is mounted read-only" status 0 out "1"

# --- --tmp-overlay: writes land nowhere ------------------------------------------------

touch "$T/mark"
sleep 1
# shellcheck disable=SC2086
run_box $L3 --tmp-overlay /o sh -c \
	'echo new >/o/new && echo changed >/o/shadowed && rm /o/only-bottom && mkdir /o/sub/d &&
	 echo more >>/o/sub/file && cat /o/new /o/shadowed /o/sub/file && ls /o'
expect "--tmp-overlay: creating, changing and removing files works inside" status 0 \
	out "$(printf 'new\nchanged\nbottom sub\nmore\nnew\nonly-middle\nonly-top\nshadowed\nsub')"
check "--tmp-overlay: the layers are unchanged" layers_unchanged
is "$(find "$O" -newer "$T/mark" | sort)" "" "--tmp-overlay: nothing under the layers or upper dir was written"
# shellcheck disable=SC2086
run_box $L3 --tmp-overlay /o sh -c 'cat /o/shadowed; ls /o'
expect "--tmp-overlay: the writes are gone in the next run" status 0 \
	out "$(printf 'top\nonly-bottom\nonly-middle\nonly-top\nshadowed\nsub')"
# shellcheck disable=SC2086
run_box $L3 --tmp-overlay /o $L3 --tmp-overlay /p sh -c 'echo x >/o/x && ! test -e /p/x && echo apart'
expect "two --tmp-overlay of the same layers do not share writes" status 0 out "apart"
run_box --overlay-src "$O/bottom" --tmp-overlay /o sh -c 'head -c 1000000 /dev/zero >/o/big && wc -c </o/big'
expect "--tmp-overlay: a 1 MB write fits" status 0 out "1000000"

# --- --overlay: writes land in RWSRC ---------------------------------------------------

# shellcheck disable=SC2086
run_box $L3 --overlay "$O/upper" "$O/work" /o sh -c \
	'echo new >/o/new && echo changed >/o/shadowed && rm /o/only-bottom && echo ok'
expect "--overlay: creating, changing and removing files works inside" status 0 out "ok"
is "$(cat "$O/upper/new" "$O/upper/shadowed" 2>&1)" "$(printf 'new\nchanged')" \
	"--overlay: new and changed files land in the upper dir"
check "--overlay: the removal is a whiteout in the upper dir" test -c "$O/upper/only-bottom"
check "--overlay: the layers are unchanged" layers_unchanged
# shellcheck disable=SC2086
run_box $L3 --overlay "$O/upper" "$O/work" /o sh -c 'cat /o/new /o/shadowed; ls /o | tr "\n" " "'
expect "--overlay: the next run sees the earlier writes" status 0 \
	out "$(printf 'new\nchanged\nnew only-middle only-top shadowed sub ')"
rm -rf "$O/upper" "$O/work"
mkdir "$O/upper" "$O/work"

# --- --ro-overlay: EROFS ---------------------------------------------------------------

# shellcheck disable=SC2086
run_box $L3 --ro-overlay /o sh -c 'echo x >/o/new'
expect "--ro-overlay: creating a file fails with EROFS" status_not 0 err_has "Read-only file system"
# shellcheck disable=SC2086
run_box $L3 --ro-overlay /o sh -c 'echo x >>/o/shadowed'
expect "--ro-overlay: changing a file fails with EROFS" status_not 0 err_has "Read-only file system"
# shellcheck disable=SC2086
run_box $L3 --ro-overlay /o rm /o/only-top
expect "--ro-overlay: removing a file fails with EROFS" status_not 0 err_has "Read-only file system"
check "--ro-overlay: the layers are unchanged" layers_unchanged

# --- paths -------------------------------------------------------------------------------

# The kernel's option syntax gives '\', ',' and ':' a meaning: they must
# reach it intact.
W=$T/weird
mkdir -p "$W/lo,w:er\\1" "$W/up,p:er\\" "$W/wo,r:k\\"
echo "odd" >"$W/lo,w:er\\1/f"
run_box --overlay-src "$W/lo,w:er\\1" --overlay "$W/up,p:er\\" "$W/wo,r:k\\" /o sh -c 'cat /o/f && echo w >/o/g'
expect "paths with backslash, comma and colon work as layers, upper and work dir" status 0 out "odd"
is "$(cat "$W/up,p:er\\/g" 2>&1)" "w" "... and the write lands in that upper dir"
mkdir -p "$W/lowerdir=x,upperdir=y"
echo "not an option" >"$W/lowerdir=x,upperdir=y/f"
run_box --overlay-src "$W/lowerdir=x,upperdir=y" --tmp-overlay /o cat /o/f
expect "a layer named like overlay options is just a path" status 0 out "not an option"

# A layer path longer than one fsconfig string (256 bytes).
long=$T/long
n=0
while [ $n -lt 12 ]; do
	long=$long/a-rather-long-directory-name-$n
	n=$((n + 1))
done
mkdir -p "$long"
echo "deep" >"$long/f"
run_box --overlay-src "$long" --overlay-src "$O/bottom" --ro-overlay /o cat /o/f
expect "a layer path of more than 256 bytes works" status 0 out "deep"

cd "$O" || exit 1
run_box --overlay-src bottom --overlay-src ./top --overlay upper work /o cat /o/shadowed
expect "relative paths are relative to the caller's cwd" status 0 out "top"
ln -s ov/top "$T/toplink"
run_box --overlay-src "$O/bottom" --overlay-src "$T/toplink" --ro-overlay /o cat /o/shadowed
expect "a symlink as a layer is followed on the host" status 0 out "top"
cd "$T" || exit 1

run_box --overlay-src "$O/bottom" --tmp-overlay /a/b/o stat -c %a /a /a/b
expect "missing parents of DEST are created" status 0 out "$(printf '755\n755')"
run_box --dir /real --symlink /real /link --overlay-src "$O/bottom" --tmp-overlay /link \
	cat /real/shadowed
expect "a symlink DEST is followed inside the new root" status 0 out "bottom"
run_box --overlay-src "$O/bottom" --tmp-overlay /o --bind "$T/five" /o/five cat /o/five/1/n
expect "later operations work inside an overlay" status 0 out "1"

# --- bad combinations ----------------------------------------------------------------------

run_box --tmp-overlay /o true
expect_error "--tmp-overlay without --overlay-src" \
	"--tmp-overlay requires at least one --overlay-src (argument" "got 0)"
run_box --overlay "$O/upper" "$O/work" /o true
expect_error "--overlay without --overlay-src" \
	"--overlay requires at least one --overlay-src (argument" "got 0)"
run_box --overlay-src "$O/bottom" --ro-overlay /o true
expect_error "--ro-overlay with a single layer" \
	"--ro-overlay requires at least two --overlay-src (argument" "got 1)"
run_box --overlay-src "$O/bottom" --tmpfs /o true
expect_error "--overlay-src followed by another option" \
	"--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay (not --tmpfs"
run_box --overlay-src "$O/bottom" true
expect_error "--overlay-src followed by COMMAND" \
	"--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay (no option follows it"
run_box --overlay-src "$O/bottom" --tmp-overlay /o --tmp-overlay /p true
expect_error "the layers serve one overlay only" \
	"--tmp-overlay requires at least one --overlay-src (argument" "got 0)"
run_box --overlay-src "" --tmp-overlay /o true
expect_error "an empty SRC" "--overlay-src: SRC must not be empty"

run_box --overlay-src "$O/bottom" --overlay "$O/bottom" "$O/work" /o true
expect_error "the upper dir as a layer too" "Overlay directories may not overlap"
run_box --overlay-src "$O/bottom" --overlay "$O/upper" "$O/upper" /o true
expect_error "the work dir equal to the upper dir" "Can't make overlay mount on /o"
mkdir "$O/work/up"
run_box --overlay-src "$O/bottom" --overlay "$O/work/up" "$O/work" /o true
expect_error "the upper dir inside the work dir" "Can't make overlay mount on /o"
rmdir "$O/work/up"
run_box --overlay-src "$O/missing" --tmp-overlay /o true
expect_error "a missing layer is an error naming it" \
	"--tmp-overlay: cannot open the layer '$O/missing'" "No such file or directory"
run_box --overlay-src "$O/bottom/shadowed" --tmp-overlay /o true
expect_error "a file as a layer" "cannot open the layer '$O/bottom/shadowed'" "Not a directory"
run_box --overlay-src "$O/bottom" --overlay "$O/nope" "$O/work" /o true
expect_error "a missing upper dir" "cannot open the upper directory '$O/nope'"
run_box --overlay-src "$O/bottom" --overlay "$O/upper" "$O/nope" /o true
expect_error "a missing work dir" "cannot open the work directory '$O/nope'"
check "the failed runs left the layers unchanged" layers_unchanged

done_testing
