# SPDX-License-Identifier: LGPL-2.1-or-later
# Deny-lists of agent sandboxes over a read-only "/" that nsbox does not
# handle yet (the ones it does are in t-paths.sh). This script is not in
# tests.am until the core handles them: run it with
#   NSBOX_BUILD_BIN=$PWD/build/nsbox sh tests/integration/harness.sh \
#     tests/integration/t-paths-pending.sh
# What a user of a deny-list expects in every case: the launch succeeds,
# COMMAND cannot see the secret through PATH, nothing changes on the host.
# - --tmpfs over a symlink to a file, --ro-bind /dev/null over a symlink to
#   a directory (the kind of the mount does not match the link's target);
# - either over a dangling symlink (also in a writable bind, where
#   creating the target would change the host);
# - as an unprivileged user, either over a missing path in a directory
#   owned by root (/etc: read-only there; /root: not even searchable), the
#   "/opt/.claude" that agent sandboxes deny.
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
for v in $who_deny; do
	l=$(label "$v")
	need_userns "${l}deny-lists" || continue
	for k in lfile rfile; do
		deny_case "${l}--tmpfs over a symlink to a file ($k)" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --tmpfs "$S/$k" -- "$S/$k"
	done
	for k in ldir rdir; do
		deny_case "${l}--ro-bind /dev/null over a symlink to a directory ($k)" "$v" SECRET "$S" \
			--ro-bind / / --dev /dev --ro-bind /dev/null "$S/$k" -- "$S/$k"
	done
	for k in ldang rdang; do
		deny_case "${l}--ro-bind /dev/null over a dangling symlink ($k)" "$v" . "$S" \
			--ro-bind / / --dev /dev --ro-bind /dev/null "$S/$k" -- "$S/$k"
		deny_case "${l}--tmpfs over a dangling symlink ($k)" "$v" . "$S" \
			--ro-bind / / --dev /dev --tmpfs "$S/$k" -- "$S/$k"
	done
	deny_case "${l}--ro-bind /dev/null over a dangling symlink in a writable bind" "$v" . "$S" \
		--ro-bind / / --dev /dev --bind "$S/ws" "$S/ws" --ro-bind /dev/null "$S/ws/ldang" \
		-- "$S/ws/ldang"
	deny_case "${l}--tmpfs over a dangling symlink in a writable bind" "$v" . "$S" \
		--ro-bind / / --dev /dev --bind "$S/ws" "$S/ws" --tmpfs "$S/ws/ldang" -- "$S/ws/ldang"
done

missing=nsbox-test-deny-$$
if [ -n "$who_unpriv" ]; then
	l=$(label "$who_unpriv")
	for d in /etc /root; do
		if [ ! -d "$d" ]; then
			skip "${l}--ro-bind /dev/null over a missing path in root's $d" "no $d here"
			skip "${l}--tmpfs over a missing path in root's $d" "no $d here"
			continue
		fi
		deny_case "${l}--ro-bind /dev/null over a missing path in root's $d" "$who_unpriv" . \
			"$d/$missing" --ro-bind / / --dev /dev --ro-bind /dev/null "$d/$missing" \
			-- "$d/$missing"
		deny_case "${l}--tmpfs over a missing path in root's $d" "$who_unpriv" . \
			"$d/$missing" --ro-bind / / --dev /dev --tmpfs "$d/$missing" -- "$d/$missing"
	done
fi

done_testing
