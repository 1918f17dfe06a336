# SPDX-License-Identifier: LGPL-2.1-or-later
# Joining a running sandbox: --userns and --pidns (through COMMAND's pid or
# the reaper's, with --info-fd, with a new pid namespace below the joined
# one), --userns2, fds of the wrong kind; --disable-userns and
# --assert-userns-disabled (also after joining), and the knob named when
# the kernel refuses a user namespace.
. "${0%/*}/lib.sh"

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

	# (B's COMMAND ends once its report is complete.)
	run_box $CTL --userns 5 --pidns 6 --info-fd 7 sh -c "$(box_wait /ctl/info.b '^}')" \
		5<"/proc/$a_cmd/ns/user" 6<"/proc/$a_cmd/ns/pid" 7>"$C/info.b"
	expect "--pidns with --info-fd" status 0
	b_pid=$(json_num "$C/info.b" child-pid)
	is "$(grep -c namespace "$C/info.b"; grep -c -e '"mnt-namespace"' "$C/info.b")" \
		"$(printf '1\n1')" "--info-fd: a joined pid namespace is not reported"

	run_box --userns 5 --pidns 6 sh -c "$show" 5<"/proc/$a_pid/ns/user" 6<"/proc/$a_pid/ns/pid"
	expect "--userns/--pidns through child-pid (the reaper) work as well" \
		status 0 out "$a_seen"

	run_box --userns 5 sh -c 'readlink /proc/self/ns/user /proc/self/ns/pid' \
		5<"/proc/$a_cmd/ns/user"
	expect "--userns alone: A's user namespace, the caller's pid namespace" \
		status 0 out "$(printf '%s\n%s' "$a_user" "$(readlink /proc/self/ns/pid)")"

	run_box $CTL --userns 5 --pidns 6 --unshare-pid --info-fd 7 \
		sh -c "$(box_wait /ctl/info.b '^}'); "'readlink /proc/self/ns/pid; echo $$' \
		5<"/proc/$a_cmd/ns/user" 6<"/proc/$a_cmd/ns/pid" 7>"$C/info.b"
	b_pidns=$(json_num "$C/info.b" pid-namespace)
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

done_testing
