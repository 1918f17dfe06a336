# SPDX-License-Identifier: LGPL-2.1-or-later
# Paths that broke other sandboxes, as their users met them:
# - bubblewrap 0.12's switch to RESOLVE_IN_ROOT broke launches whose paths
#   pass through a directory the user may traverse but not read (mode 0711,
#   like some home directories): "Can't mkdir parents". Sources,
#   destinations, missing parents created below such a directory, the cwd.
# - deny-lists of agent sandboxes over a read-only "/" (--ro-bind /dev/null
#   PATH, --tmpfs PATH) aborted bwrap when PATH was a symlink or owned by
#   root. The cases nsbox does not handle yet are in t-paths-pending.sh.
# - nsbox inside a container whose "/" is not a shared mount.
# The user expects the launch to succeed, the secret to be hidden and
# nothing on the host to change. As root, the 0711 directory belongs to
# another uid and the tests run as root, as root in a user namespace and
# as uid 65534 (unpriv); the deny-lists run as root and as uid 65534.
. "${0%/*}/lib.sh"

# Who runs each group: the caller, and from root the other variants.
if $is_root; then
	who_0711="root rootns" who_deny=root who_unpriv=
	if unpriv_ok; then
		who_0711="$who_0711 unpriv" who_deny="root unpriv" who_unpriv=unpriv
	elif [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "uid 65534 gets a user namespace (NSBOX_MUST_WORK=1)"
	else
		diag "the kernel refuses user namespaces to uid 65534: no unprivileged variant"
	fi
else
	who_0711=user who_deny=user who_unpriv=user
fi
# label WHO: how a variant shows in test names (the harness adds [root] or
# [user] for the caller).
label() {
	case $1 in
	rootns) echo "(--unshare-user) " ;;
	unpriv) echo "(uid 65534) " ;;
	esac
}

scratch_dir W

# --- a directory one may traverse but not read ------------------------------------

# D: mode 0711 and another uid's (as root: uid 1234, mapped in no sandbox,
# so not even the setup's capabilities may read it). Unprivileged, the
# caller can only make its own directory traverse-only: mode 0111 (its
# COMMAND may not list it; its setup, with capabilities over the caller's
# files, may). D/user: the user's own (uid 65534 as root), with a source
# and a work directory.
D=$W/home
U=$D/user
mkdir -p "$U/src/sub" "$U/work"
echo FROM-SOURCE >"$U/src/file"
if $is_root; then
	chown -R 65534:65534 "$U"
	chown 1234:1234 "$D"
	chmod 0711 "$D"
else
	chmod 0111 "$D"
fi
before=$(snap "$W")

for v in $who_0711; do
	l=$(label "$v")
	need_userns "${l}a bind source below a 0711 directory" || continue

	run_as "$v" $ROOT --ro-bind "$U/src" /src cat /src/file
	expect "${l}a bind source below a 0711 directory" status 0 out FROM-SOURCE

	run_as "$v" $ROOT --ro-bind "$U/src/file" /file cat /file
	expect "${l}a file bind source below a 0711 directory" status 0 out FROM-SOURCE

	run_as "$v" --ro-bind / / --dev /dev --ro-bind "$U/src" "$U/work" cat "$U/work/file"
	expect "${l}a bind destination below a 0711 directory (over a read-only /)" \
		status 0 out FROM-SOURCE

	# Missing parents below D: in a tmpfs on D/user, reached through D.
	run_as "$v" --ro-bind / / --dev /dev --tmpfs "$U" --ro-bind "$U/src" "$U/a/b/c" \
		--dir "$U/x/y" --ro-bind "$U/src/file" "$U/f/g/file" \
		sh -c 'cat "$1/a/b/c/file" "$1/f/g/file"; stat -c %a "$1/a" "$1/a/b" "$1/x" "$1/x/y" "$1/f/g"; ls "$1"' \
		sh "$U"
	expect "${l}missing parents of destinations below a 0711 directory are created" \
		status 0 out "$(printf 'FROM-SOURCE\nFROM-SOURCE\n755\n755\n755\n755\n755\na\nf\nx')"

	run_as "$v" --ro-bind / / --dev /dev --tmpfs "$U" --perms 0700 --dir "$U/p/q" \
		stat -c %a "$U/p" "$U/p/q"
	expect "${l}... with --perms 0700: the parents 0700 too" status 0 out "$(printf '700\n700')"

	run_as "$v" --ro-bind / / --dev /dev --chdir "$U/work" pwd
	expect "${l}--chdir below a 0711 directory" status 0 out "$U/work"

	case $v in
	rootns) set -- "$NSBOX" --unshare-user ;;
	# shellcheck disable=SC2086
	unpriv) set -- $UNPRIV "$NSBOX" ;;
	*) set -- "$NSBOX" ;;
	esac
	run_cmd sh -c 'cd "$1" && shift && exec "$@"' sh "$U/work" "$@" --ro-bind / / --dev /dev pwd
	expect "${l}a cwd below a 0711 directory is kept inside" status 0 out "$U/work"
done
is "$(snap "$W")" "$before" "the launches below the 0711 directory changed nothing on the host"

# --- deny-lists over a read-only / ---------------------------------------------------

S=$W/s
make_secrets "$S"
for v in $who_deny; do
	l=$(label "$v")
	need_userns "${l}deny-lists" || continue
	for k in lfile rfile; do
		deny_case "${l}--ro-bind /dev/null over a symlink to a file ($k)" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --ro-bind /dev/null "$S/$k" -- "$S/$k"
	done
	for k in ldir rdir; do
		deny_case "${l}--tmpfs over a symlink to a directory ($k)" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --tmpfs "$S/$k" -- "$S/$k"
	done
	deny_case "${l}--ro-bind /dev/null over the secret file" "$v" SECRET "$S" \
		--ro-bind / / --dev /dev --ro-bind /dev/null "$S/secret.txt" -- "$S/secret.txt"
	deny_case "${l}--tmpfs over the secret directory" "$v" SECRET "$S" \
		--ro-bind / / --dev /dev --tmpfs "$S/secretdir" -- "$S/secretdir"
done

# Paths owned by root, denied by an unprivileged user: a file it may read,
# one it may not, a directory it may not enter. Nothing may change at PATH
# on the host.
if [ -n "$who_unpriv" ]; then
	l=$(label "$who_unpriv")
	for f in /etc/passwd /etc/shadow; do
		if [ -f "$f" ]; then
			deny_case "${l}--ro-bind /dev/null over root's $f" "$who_unpriv" '^root:' "$f" \
				--ro-bind / / --dev /dev --ro-bind /dev/null "$f" -- "$f"
		else
			skip "${l}--ro-bind /dev/null over root's $f" "no $f here"
		fi
	done
	if [ -d /root ]; then
		# (/root itself only: what is in it may change meanwhile.)
		deny_depth=0
		deny_case "${l}--tmpfs over root's /root" "$who_unpriv" . /root \
			--ro-bind / / --dev /dev --tmpfs /root -- /root
		deny_depth=
	else
		skip "${l}--tmpfs over root's /root" "no /root here"
	fi
fi

# --- a container whose / is not a shared mount -------------------------------------------

# In a new mount namespace whose mounts do not propagate back: print
# whether / is shared there, then run nsbox with a deny-list, a bind and a
# created mount point.
prop_cmd='awk '"'"'$5 == "/" { l = $0 } END { print (l ~ / shared:/ ? "shared" : "not-shared") }'"'"' /proc/self/mountinfo; exec "$@"'
prop_args="--ro-bind / / --dev /dev --proc /proc --tmpfs $S/secretdir --tmpfs /mnt --ro-bind $S/secret.txt /mnt/s --dir /mnt/new/dir"
prop_show='cat /mnt/s; ls -A "$1"; ls -d /mnt/new/dir'
prop_want=$(printf 'not-shared\nSECRET-FILE\n/mnt/new/dir')
prop_before=$(snap "$S")
# As the caller (unshare -Urm), and from root also without a user
# namespace (unshare -m) and as uid 65534 (unshare -Urm).
hows=-Urm
$is_root && hows="-Urm -m"
[ "$who_unpriv" = unpriv ] && hows="$hows unpriv"
for prop in private slave; do
	for how in $hows; do
		desc="nsbox in unshare -Urm --propagation $prop (/ not shared)"
		set -- unshare -Urm --propagation "$prop"
		case $how in
		-m)
			desc="nsbox in unshare -m --propagation $prop (/ not shared)"
			set -- unshare -m --propagation "$prop"
			;;
		unpriv)
			desc="$(label unpriv)$desc"
			# shellcheck disable=SC2086
			set -- $UNPRIV "$@"
			;;
		esac
		need_userns "$desc" || continue
		# shellcheck disable=SC2086
		run_cmd "$@" sh -c "$prop_cmd" sh "$NSBOX" $prop_args sh -c "$prop_show" sh "$S/secretdir"
		expect "$desc" status 0 out "$prop_want"
	done
done
is "$(snap "$S")" "$prop_before" "the launches in those namespaces changed nothing on the host"

# Give the traverse-only directory back to its owner's reach, so that it can
# be removed.
$is_root || chmod 0755 "$D"

done_testing
