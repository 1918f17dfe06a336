# SPDX-License-Identifier: LGPL-2.1-or-later
# --mask and --mask-try, the one-op way to hide a path inside the new root,
# and the deny-lists of agent sandboxes over a read-only "/" that cannot be
# written with --tmpfs or --ro-bind /dev/null: a symbolic link (to a file,
# to a directory, to nothing, also inside a writable bind), a path in a
# directory owned by root. With --mask the launch succeeds, COMMAND cannot
# see the secret, nothing changes on the host; the plain ops refuse with a
# message that points at --mask-try.
. "${0%/*}/lib.sh"

if $is_root; then
	who_deny=root who_unpriv=
	if unpriv_ok; then
		who_deny="root unpriv" who_unpriv=unpriv
	elif [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "uid 65534 gets a user namespace (NSBOX_MUST_WORK=1)"
	fi
else
	who_deny=user who_unpriv=user
fi
label() { [ "$1" = unpriv ] && echo "(uid 65534) "; }

scratch_dir W
S=$W/s
make_secrets "$S"

# --- what --mask leaves behind ------------------------------------------------------

run_box --ro-bind "$S" /s --mask /s/secret.txt --mask /s/secretdir sh -c '
	test -f /s/secret.txt && echo file
	test -d /s/secretdir && echo dir
	ls -A /s/secretdir | wc -l
	stat -c %a /s/secret.txt
	cat /s/secret.txt 2>/dev/null
	touch /s/secretdir/x 2>/dev/null || echo read-only
	mount | grep -c " /s/secretdir "'
expect "--mask keeps the type: an empty read-only directory, an empty file of mode 0" \
	status 0 out "$(printf 'file\ndir\n0\n0\nread-only\n1')"

run_box --ro-bind "$S" /s --mask /s/nowhere true
expect_error "--mask of a missing path is an error" "/s/nowhere" "--mask"
run_box --ro-bind "$S" /s --mask-try /s/nowhere --mask-try /s/ldang sh -c 'echo ran'
expect "--mask-try skips a missing path and a dangling symlink" status 0 out ran
run_nsbox --dry-run $ROOT --mask /etc/shadow --mask-try /nowhere true
expect "--dry-run lists the masks" status 0 out_has "--mask /etc/shadow" out_has "--mask-try /nowhere"

# --- deny-lists -----------------------------------------------------------------------

for v in $who_deny; do
	l=$(label "$v")
	need_userns "${l}deny-lists" || continue
	for k in lfile rfile ldir rdir; do
		deny_case "${l}--mask over a symlink ($k)" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --mask "$S/$k" -- "$S/$k"
		deny_case "${l}--mask over a symlink ($k): its target is hidden too" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --mask "$S/$k" -- "$S/${k#?}"
	done
	for k in ldang rdang; do
		deny_case "${l}--mask-try over a dangling symlink ($k)" "$v" . "$S" \
			--ro-bind / / --dev /dev --mask-try "$S/$k" -- "$S/$k"
	done
	deny_case "${l}--mask-try over a dangling symlink in a writable bind" "$v" . "$S" \
		--ro-bind / / --dev /dev --bind "$S/ws" "$S/ws" --mask-try "$S/ws/ldang" \
		-- "$S/ws/ldang"

	# The plain ops cannot: a clear refusal that names --mask-try.
	for c in "--tmpfs $S/lfile" "--ro-bind /dev/null $S/ldir" "--tmpfs $S/ldang" \
		"--ro-bind /dev/null $S/ldang"; do
		# shellcheck disable=SC2086
		run_as "$v" --ro-bind / / --dev /dev $c true
		expect_error "${l}$c: refused, pointing at --mask-try" "--mask-try ${c##* }"
	done
done

missing=nsbox-test-deny-$$
if [ -n "$who_unpriv" ]; then
	l=$(label "$who_unpriv")
	for d in /etc /root; do
		if [ ! -d "$d" ]; then
			skip "${l}--mask-try over a missing path in root's $d" "no $d here"
			continue
		fi
		deny_case "${l}--mask-try over a missing path in root's $d" "$who_unpriv" . \
			"$d/$missing" --ro-bind / / --dev /dev --mask-try "$d/$missing" -- "$d/$missing"
	done
	# A file of root's that the user may read: hidden all the same.
	echo SECRET-ROOT >"$W/rootfile"
	chmod 0644 "$W/rootfile"
	deny_case "${l}--mask over a file owned by root" "$who_unpriv" SECRET "$W" \
		--ro-bind / / --dev /dev --mask "$W/rootfile" -- "$W/rootfile"
fi

done_testing
