# SPDX-License-Identifier: LGPL-2.1-or-later
# Lockdown as COMMAND sees it: the capability sets after --cap-add and
# --cap-drop (and without them, for root and for everyone else), resource
# limits set with --rlimit, and the SELinux labels refused where SELinux is
# not enabled.
. "${0%/*}/lib.sh"

# --- capabilities ------------------------------------------------------------------------

last=$(cat /proc/sys/kernel/cap_last_cap)
hex() { printf '%016x' "$1"; }
FULL=$((((1 << last) - 1) | (1 << last)))
NET_RAW=$((1 << 13))
SYS_ADMIN=$((1 << 21))
SYS_RESOURCE=$((1 << 24))
# Our own sets, as numbers.
mine() { echo $((0x$(awk -v k="Cap$1:" '$1 == k { print $2 }' /proc/self/status))); }
my_eff=$(mine Eff)
my_prm=$(mine Prm)
my_bnd=$(mine Bnd)

# caps_case DESC "INH PRM EFF BND AMB" OPTIONS...: COMMAND's sets, from
# /proc/self/status, are these (numbers).
caps_case() {
	_c_desc=$1
	set -- $2 "$@"
	_c_want="$(hex "$1") $(hex "$2") $(hex "$3") $(hex "$4") $(hex "$5")"
	shift 7
	run_box "$@" sh -c 'for k in Inh Prm Eff Bnd Amb; do grep "^Cap$k:" /proc/self/status; done'
	_c_got=$(awk '{ printf "%s%s", sep, $2; sep = " " }' "$T/out")
	_why=
	[ "$status" = 0 ] || _because "status $status"
	[ "$_c_got" = "$_c_want" ] ||
		_because "Inh Prm Eff Bnd Amb: got $_c_got, wanted $_c_want"
	_verdict "$_c_desc"
}
# all5 N: the same value for the five sets.
all5() { echo "$1 $1 $1 $1 $1"; }

if $is_root; then
	caps_case "root: COMMAND keeps root's capabilities, none ambient" \
		"0 $my_prm $my_prm $my_bnd 0"
	caps_case "root --cap-drop CAP_SYS_ADMIN: all the others, bounding set too, ambient" \
		"$(all5 $((my_eff & ~SYS_ADMIN)))" --cap-drop CAP_SYS_ADMIN
	caps_case "root --unshare-user: root's capabilities in the new user namespace, no more" \
		"0 $my_prm $my_prm $my_bnd 0" --unshare-user
else
	caps_case "unprivileged: no capability at all, bounding set empty" "$(all5 0)"
	caps_case "unprivileged --uid 0: still none" "$(all5 0)" --uid 0
	caps_case "unprivileged --cap-add ALL: every capability of the caller's bounding set, ambient too" \
		"$(all5 $my_bnd)" --cap-add ALL
	caps_case "unprivileged --cap-add sys_admin --uid 0" "$(all5 $SYS_ADMIN)" \
		--cap-add sys_admin --uid 0
fi
caps_case "--cap-drop ALL: no capability, bounding set empty" "$(all5 0)" --cap-drop ALL
if [ $((my_prm & NET_RAW)) != 0 ] || ! $is_root; then
	caps_case "--cap-drop ALL --cap-add CAP_NET_RAW: that one, in all five sets" \
		"$(all5 $NET_RAW)" --cap-drop ALL --cap-add CAP_NET_RAW
else
	skip "--cap-drop ALL --cap-add CAP_NET_RAW" "root lacks CAP_NET_RAW here"
fi
if need_userns "capabilities in a new user namespace"; then
	caps_case "--unshare-user --cap-drop ALL: none" "$(all5 0)" --unshare-user --cap-drop ALL
	caps_case "--unshare-user --uid 1000: none for a non-root uid" "$(all5 0)" \
		--unshare-user --uid 1000
	caps_case "--unshare-user --uid 1000 --cap-add CAP_SYS_ADMIN: kept through exec (ambient)" \
		"$(all5 $SYS_ADMIN)" --unshare-user --uid 1000 --cap-add CAP_SYS_ADMIN
	caps_case "--uid 0 --cap-add ALL --cap-drop CAP_NET_RAW: in order" \
		"$(all5 $((my_bnd & ~NET_RAW)))" --unshare-user --uid 0 --cap-add ALL \
		--cap-drop CAP_NET_RAW
	if $is_root; then
		caps_case "root --unshare-user --uid 0: root's capabilities by default, no more" \
			"0 $my_prm $my_prm $my_bnd 0" --unshare-user --uid 0
	else
		caps_case "unprivileged --unshare-user --uid 0: none by default" "$(all5 0)" \
			--unshare-user --uid 0
	fi

	# A new user namespace starts with a full bounding set: COMMAND must
	# still not get a capability the caller's bounding set lacks.
	if $is_root; then
		run_cmd setpriv --bounding-set -sys_time "$NSBOX" $ROOT --unshare-user --uid 0 \
			sh -c 'grep ^CapBnd: /proc/self/status'
		bnd=$((0x$(awk '{ print $2 } END { if (!NR) print 0 }' "$T/out")))
		[ "$status" = 0 ] && [ $((bnd & (1 << 25))) = 0 ] && [ $((bnd & SYS_ADMIN)) != 0 ]
		check "root without CAP_SYS_TIME: --unshare-user --uid 0 does not give it back" \
			[ $? = 0 ]
	fi
	run_box --ro-bind "$NSBOX" /nsbox --unshare-user --uid 0 --cap-add ALL \
		--cap-drop CAP_SYS_TIME /nsbox $ROOT_MIN --proc /proc --unshare-user --uid 0 \
		--cap-add ALL sh -c 'grep ^CapBnd: /proc/self/status'
	bnd=$((0x$(awk '{ print $2 } END { if (!NR) print 0 }' "$T/out")))
	_why=
	[ "$status" = 0 ] || _because "status $status"
	[ $((bnd & (1 << 25))) = 0 ] || _because "CAP_SYS_TIME is back in the nested sandbox"
	[ $((bnd & SYS_ADMIN)) != 0 ] || _because "CAP_SYS_ADMIN is missing"
	_verdict "nested: --cap-drop CAP_SYS_TIME outside, --cap-add ALL inside does not give it back"

	# What a kept capability is good for: mounting in the sandbox's mount
	# namespace (no --dev: COMMAND stays in the user namespace that owns it).
	run_nsbox $ROOT_MIN --proc /proc --dir /m --unshare-user --uid 1000 \
		--cap-add CAP_SYS_ADMIN sh -c 'mount -t tmpfs none /m && echo mounted'
	expect "--cap-add CAP_SYS_ADMIN lets a non-root uid mount inside" status 0 out mounted
	run_nsbox $ROOT_MIN --proc /proc --dir /m --unshare-user --uid 1000 \
		sh -c 'mount -t tmpfs none /m 2>/dev/null && echo mounted || echo refused'
	expect "without it, mount is refused" status 0 out refused
fi

run_nsbox --cap-add CAP_BOGUS true
expect "--cap-add of an unknown name: exit 1, exact message" status 1 out "" \
	err "$NSBOX_TEST_PROG: unknown cap: CAP_BOGUS (--cap-add, argument 2): expected a name such as CAP_SYS_ADMIN, or ALL"
run_nsbox --cap-drop 12 true
expect "--cap-drop of a number: refused" status 1 out "" \
	err "$NSBOX_TEST_PROG: unknown cap: 12 (--cap-drop, argument 2): expected a name such as CAP_SYS_ADMIN, or ALL"

# --- resource limits ----------------------------------------------------------------------

run_box --rlimit NOFILE=64:128 sh -c 'ulimit -Sn; ulimit -Hn'
expect "--rlimit NOFILE=64:128: ulimit -n inside" status 0 out "$(printf '64\n128')"
run_box --rlimit nofile=10 --rlimit RLIMIT_NOFILE=20:30 sh -c 'ulimit -Sn; ulimit -Hn'
expect "--rlimit: given twice, the last one wins" status 0 out "$(printf '20\n30')"
# my_hard LABEL: this shell's hard limit from the /proc/self/limits line.
my_hard() {
	awk -v l="$1" 'index($0, l) == 1 {
		split(substr($0, length(l) + 1), f, " ")
		print f[2] }' /proc/self/limits
}
hard_n=$(my_hard 'Max open files')
run_box --rlimit NOFILE=50 sh -c 'ulimit -Sn; ulimit -Hn'
expect "--rlimit NAME=SOFT keeps the hard limit" status 0 out "$(printf '50\n%s' "$hard_n")"

# limit_of LABEL: "SOFT HARD" of a /proc/self/limits line in $T/out.
limit_of() {
	awk -v l="$1" 'index($0, l) == 1 {
		n = split(substr($0, length(l) + 1), f, " ")
		print f[1], f[2] }' "$T/out"
}
run_box --rlimit CPU=100:200 --rlimit core=0:0 --rlimit Fsize=1048576:2097152 \
	--rlimit RLIMIT_MSGQUEUE=8192:16384 cat /proc/self/limits
is "$status/$(limit_of 'Max cpu time')/$(limit_of 'Max core file size')/$(limit_of 'Max file size')/$(limit_of 'Max msgqueue size')" \
	"0/100 200/0 0/1048576 2097152/8192 16384" "--rlimit: the limits in /proc/self/limits"
run_box --rlimit Fsize=1M:2MiB --rlimit STACK=8m:8mi --rlimit MEMLOCK=64KiB:64K cat /proc/self/limits
is "$status/$(limit_of 'Max file size')/$(limit_of 'Max stack size')/$(limit_of 'Max locked memory')" \
	"0/1048576 2097152/8388608 8388608/65536 65536" "--rlimit: units on the limits in bytes"
run_box --rlimit NOFILE=1K true
expect_error "--rlimit: no unit on a count" "--rlimit" "NOFILE is not counted in bytes"

if [ "$(my_hard 'Max core file size')" = unlimited ]; then
	run_box --rlimit CORE=unlimited:infinity sh -c 'ulimit -Sc; ulimit -Hc'
	expect "--rlimit CORE=unlimited:infinity" status 0 out "$(printf 'unlimited\nunlimited')"
else
	skip "--rlimit CORE=unlimited:infinity" "the hard core limit is $(my_hard 'Max core file size') here"
fi

run_box --rlimit FSIZE=1024 --tmpfs /t sh -c 'head -c 4096 /dev/zero >/t/f'
expect "--rlimit FSIZE=1024: writing more is stopped by SIGXFSZ" status 153

# Raising a hard limit takes CAP_SYS_RESOURCE in the initial user namespace.
nr_open=$(cat /proc/sys/fs/nr_open)
if [ "$hard_n" != unlimited ] && [ "$hard_n" -lt "$nr_open" ]; then
	up=$((hard_n + 1))
	run_box --rlimit NOFILE="$up:$up" sh -c 'ulimit -Hn'
	if $is_root && [ $((my_eff & SYS_RESOURCE)) != 0 ]; then
		expect "root may raise the hard NOFILE limit" status 0 out "$up"
	else
		expect_error "raising the hard limit without CAP_SYS_RESOURCE fails, naming it" \
			"--rlimit" "NOFILE" "Operation not permitted"
	fi
else
	skip "raising the hard NOFILE limit" "the hard limit is already $hard_n"
fi
if [ "$(my_hard 'Max processes')" != unlimited ]; then
	run_box --rlimit NPROC=unlimited true
	expect_error "a soft limit above the current hard one is an error naming it" "NPROC"
fi

run_nsbox --rlimit NOFILE=64:32 true
expect "--rlimit with soft above hard: exit 1, exact message" status 1 out "" \
	err "$NSBOX_TEST_PROG: --rlimit: soft limit above the hard limit in 'NOFILE=64:32' (argument 2)"
run_nsbox --rlimit FOO=1 true
expect "--rlimit with an unknown name: exit 1, names the list" status 1 out "" msg \
	err_has "invalid limit 'FOO=1' at 'FOO=1' (argument 2)" err_has "SIGPENDING STACK"
run_nsbox --rlimit NOFILE=lots true
expect "--rlimit with a bad number: exit 1, points at it" status 1 out "" msg \
	err_has "invalid limit 'NOFILE=lots' at 'lots' (argument 2)"

# --- SELinux labels ---------------------------------------------------------------------

if [ -e /sys/fs/selinux/enforce ]; then
	skip "--exec-label without SELinux is refused" "SELinux is enabled here"
	skip "--file-label without SELinux is refused" "SELinux is enabled here"
else
	for o in --exec-label --file-label; do
		run_box "$o" system_u:system_r:container_t:s0 echo ran
		case $err in
		*"SELinux is not enabled"* | *"without SELinux support"*) _why= ;;
		*) _why="the message does not say SELinux is not there" ;;
		esac
		[ "$status" = 1 ] || _because "status $status"
		[ -z "$out" ] || _because "COMMAND ran"
		case $err in "$NSBOX_TEST_PROG: $o: "*"'system_u:system_r:container_t:s0'"*) ;;
		*) _because "the message does not name $o and the label" ;; esac
		_verdict "$o without SELinux is refused"
	done
fi

# A soft limit above the (finite) hard limit: said plainly, nothing runs.
hard_nproc=$(ulimit -Hu)
if [ "$hard_nproc" != unlimited ]; then
	run_box --rlimit NPROC=unlimited echo ran
	expect_error "--rlimit: a soft limit above the hard limit is named" "NPROC" \
		"above its hard limit $hard_nproc"
else
	run_box --rlimit NPROC=unlimited:100 echo ran
	expect_error "--rlimit: a soft limit above the hard limit is refused" "--rlimit"
fi

# Without a user namespace root can keep only what its bounding set has:
# an inner nsbox, run by a root that dropped CAP_SYS_RESOURCE, is asked
# for it.
if $is_root; then
	run_box --ro-bind "$NSBOX" /nsbox --cap-drop CAP_SYS_RESOURCE \
		/nsbox --ro-bind /usr /usr --symlink usr/lib64 /lib64 --symlink usr/lib /lib \
		--cap-add CAP_SYS_RESOURCE true
	expect_error "--cap-add of a capability outside the bounding set is named" \
		"cap_sys_resource" "bounding set"
	run_box --ro-bind "$NSBOX" /nsbox --cap-drop CAP_SYS_RESOURCE \
		/nsbox --ro-bind /usr /usr --symlink usr/lib64 /lib64 --symlink usr/lib /lib \
		--proc /proc --cap-add ALL sh -c 'grep CapEff /proc/self/status'
	expect "--cap-add ALL keeps what the bounding set has" status 0 out_match \
		'^CapEff:[[:space:]]+[0-9a-f]+$'
fi

done_testing
