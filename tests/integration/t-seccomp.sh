# SPDX-License-Identifier: LGPL-2.1-or-later
# Seccomp: the built-in profiles, policy files, raw BPF fds, seen from
# inside with the try-syscall probe (tests/helpers/try-syscall.c), which
# prints "ok", "errno NAME" or "killed SIGNAME" for one syscall.
. "${0%/*}/lib.sh"

if [ -z "${NSBOX_TRY_SYSCALL:-}" ]; then
	# Built by "make check"; without it these tests cannot say anything.
	not_ok "the try-syscall probe is available (NSBOX_TRY_SYSCALL)"
	done_testing
	exit
fi
PROBE="--ro-bind $NSBOX_TRY_SYSCALL /try"

# probe DESC EXPECTED NSBOX-OPTIONS... -- SYSCALL
probe() {
	_p_desc=$1 _p_want=$2
	shift 2
	# shellcheck disable=SC2086
	run_box $PROBE "$@"
	expect "$_p_desc" status 0 out "$_p_want"
}

probe "control: getpid without a filter" "ok" -- /try getpid
probe "control: TIOCSTI is refused by the kernel only where it must be" "$(
	# shellcheck disable=SC2086
	"$NSBOX" $ROOT $PROBE -- /try tiocsti 2>/dev/null)" -- /try tiocsti

# The default profile, rule by rule.
for case in \
	"tiocsti:errno EPERM" "tiocsti-high:errno EPERM" "tioclinux:errno EPERM" \
	"tioclinux-high:errno EPERM" "unshare-user:errno EPERM" "clone-user:errno EPERM" \
	"clone3-user:errno ENOSYS" "keyctl:errno ENOSYS" "add_key:errno ENOSYS" \
	"request_key:errno ENOSYS" "perf_event_open:errno EPERM" "ptrace-attach:errno EPERM" \
	"kexec_load:errno EPERM" "init_module:errno EPERM" "finit_module:errno EPERM" \
	"mount:errno EPERM" "open_tree:errno EPERM" "fsopen:errno EPERM" "bpf:errno EPERM" \
	"userfaultfd:errno EPERM" "x32-getpid:killed SIGSYS" "i386-getpid:killed SIGSYS" \
	"getpid:ok" "ptrace-traceme:ok"; do
	sc=${case%%:*} want=${case#*:}
	probe "default profile: $sc -> $want" "$want" --seccomp-profile default -- /try "$sc"
done

# devel lets debuggers and profilers work, and nothing else more.
probe "devel profile: ptrace-attach allowed" "ok" --seccomp-profile devel -- /try ptrace-attach
probe "devel profile: TIOCSTI still refused" "errno EPERM" --seccomp-profile devel -- /try tiocsti
probe "devel profile: unshare -U still refused" "errno EPERM" \
	--seccomp-profile devel -- /try unshare-user
probe "default+userns: user namespaces allowed" "ok" \
	--seccomp-profile default+userns -- /try unshare-user

# The whole mount family, new mount API included, under the profiles that
# block mounts: open_tree_attr (Linux 6.15) is refused by number where
# libseccomp does not know its name.
for prof in default devel; do
	for sc in mount umount2 pivot_root open_tree open_tree_attr move_mount fsopen fsconfig \
		fsmount fspick mount_setattr; do
		probe "$prof profile: $sc -> errno EPERM" "errno EPERM" \
			--seccomp-profile "$prof" -- /try "$sc"
	done
done
probe "default+userns: open_tree_attr is lifted with the rest of the mount family" "$(
	# shellcheck disable=SC2086
	"$NSBOX" $ROOT $PROBE -- /try open_tree_attr 2>/dev/null)" \
	--seccomp-profile default+userns -- /try open_tree_attr

# System call numbers this build of nsbox does not know get ENOSYS from
# every profile, whatever the kernel has: 470 is the first number after
# the highest one nsbox knows (file_setattr, Linux 6.17, on every
# architecture but alpha and mips), 1000 is far beyond, 337 is in the
# space x86_64 keeps for its own new calls (uprobe, 336, came in 6.18).
unknown="470 1000 0x3fffffff"
[ "$(uname -m)" = x86_64 ] && unknown="$unknown 337 423"
for prof in default devel default+userns devel+userns; do
	for nr in $unknown; do
		probe "$prof profile: unknown system call $nr -> errno ENOSYS" "errno ENOSYS" \
			--seccomp-profile "$prof" -- /try nr "$nr"
	done
done

# The attack the mount family rule is for: COMMAND holding CAP_SYS_ADMIN
# in the sandbox's user namespace clones a --ro-bind mount with
# open_tree_attr, clears MOUNT_ATTR_RDONLY on the copy and writes the host
# file through it. No --dev: with it, COMMAND runs in a nested user
# namespace that does not own the mounts, which stops this by itself.
mkdir "$T/rw"
ro_victim_reset() { echo original >"$T/rw/victim"; }
ro_victim_intact() { [ "$(cat "$T/rw/victim")" = original ]; }
ro_attack() {
	ro_victim_reset
	# shellcheck disable=SC2086
	run_nsbox $ROOT_MIN $PROBE --ro-bind "$T/rw" /ro "$@" -- /try ro-bind-write /ro
}
ro_attack --unshare-user --uid 0 --cap-add CAP_SYS_ADMIN
case $out in
ok)
	if ro_victim_intact; then
		not_ok "control: without a profile the attack writes the host file"
		_show_run
	else
		ok "control: without a profile the attack writes the host file"
	fi
	attack_works=true
	;;
"errno ENOSYS" | unsupported)
	skip "control: without a profile the attack writes the host file" \
		"the kernel has no open_tree_attr (Linux 6.15)"
	attack_works=false
	;;
*)
	not_ok "control: without a profile the attack writes the host file"
	_show_run
	attack_works=false
	;;
esac
if $attack_works; then
	for prof in default devel; do
		ro_attack --unshare-user --uid 0 --cap-add CAP_SYS_ADMIN --seccomp-profile "$prof"
		expect "$prof profile: uid 0 with CAP_SYS_ADMIN cannot make a --ro-bind writable" \
			status 0 out "errno EPERM"
		check "$prof profile: the host file behind the --ro-bind is unchanged" ro_victim_intact
	done
	if $is_root; then
		# Root without a user namespace keeps its capabilities.
		ro_attack --seccomp-profile default
		expect "default profile, root without --unshare-user: --ro-bind stays read-only" \
			status 0 out "errno EPERM"
		check "default profile, root without --unshare-user: host file unchanged" \
			ro_victim_intact
	fi
fi

# What the profile does not stop (docs/seccomp.md): with /proc mounted, a
# process can open a sibling's /proc/PID/mem for writing; the documented
# remedy, a read-only /proc, must hold.
# shellcheck disable=SC2016
mem_write='sleep 30 & p=$!
if (exec 3<>"/proc/$p/mem") 2>/dev/null; then echo writable; else echo refused; fi
kill "$p"'
run_box --unshare-pid --remount-ro /proc --seccomp-profile default -- sh -c "$mem_write"
expect "documented: with --remount-ro /proc a sibling's /proc/PID/mem is not writable" \
	status 0 out refused

# A real program under the default profile.
run_box --seccomp-profile default -- sh -c 'echo hello | cat; unshare -U true; echo "unshare=$?"'
expect "default profile: a shell pipeline works, unshare -U fails" status 0 \
	out_has hello out_has "unshare=1"

# Policy files: every action.
printf '# test policy\ngetpid errno EACCES\n' >"$T/errno.policy"
probe "policy: errno NAME" "errno EACCES" --seccomp-policy "$T/errno.policy" -- /try getpid
printf 'getpid kill\n' >"$T/kill.policy"
probe "policy: kill" "killed SIGSYS" --seccomp-policy "$T/kill.policy" -- /try getpid
printf 'getpid trap\n' >"$T/trap.policy"
probe "policy: trap" "trap" --seccomp-policy "$T/trap.policy" -- /try getpid
printf 'getpid log\n' >"$T/log.policy"
probe "policy: log" "ok" --seccomp-policy "$T/log.policy" -- /try getpid
printf 'ioctl errno EPERM arg1 & 0xffffffff == TIOCSTI\n' >"$T/arg.policy"
if "$NSBOX" $ROOT_MIN --seccomp-policy "$T/arg.policy" true 2>/dev/null; then
	probe "policy: argument condition" "errno EPERM" --seccomp-policy "$T/arg.policy" -- \
		/try tiocsti-high
	probe "policy: argument condition spares other calls" "ok" \
		--seccomp-policy "$T/arg.policy" -- /try getpid
else
	not_ok "policy: the documented argument syntax compiles"
	diag "  $("$NSBOX" $ROOT_MIN --seccomp-policy "$T/arg.policy" true 2>&1)"
fi
probe "policy and profile combined: both apply" "errno EACCES" \
	--seccomp-profile default --seccomp-policy "$T/errno.policy" -- /try getpid
run_box $PROBE --seccomp-profile default --seccomp-policy "$T/errno.policy" -- /try tiocsti
expect "policy and profile combined: the profile's rule too" status 0 out "errno EPERM"

# Bad policy files: file, line and word named, exit 1, nothing run.
printf 'getpid errno EPERM\nnosuchcall errno EPERM\n' >"$T/bad1.policy"
run_box --seccomp-policy "$T/bad1.policy" -- echo ran
expect_error "bad policy: unknown syscall names file, line and word" "$T/bad1.policy:2" \
	"nosuchcall"
printf 'getpid frobnicate\n' >"$T/bad2.policy"
run_box --seccomp-policy "$T/bad2.policy" -- echo ran
expect_error "bad policy: unknown action" "$T/bad2.policy:1" "frobnicate"
printf 'getpid errno ENOTANERRNO\n' >"$T/bad3.policy"
run_box --seccomp-policy "$T/bad3.policy" -- echo ran
expect_error "bad policy: unknown errno name" "$T/bad3.policy:1" "ENOTANERRNO"
run_box --seccomp-policy "$T/missing.policy" -- echo ran
expect_error "missing policy file" "$T/missing.policy"
run_box --seccomp-profile paranoid -- echo ran
expect_error "unknown profile" "--seccomp-profile" "paranoid"

# Raw BPF (bubblewrap's --seccomp and --add-seccomp-fd): "return errno
# EPERM for everything but the few calls exec needs" is hard to write by
# hand; use a one-instruction program: ret ERRNO(EACCES) would break exec,
# so check the plumbing with "allow" and the errors with bad data.
printf '\006\000\000\000\000\000\377\177' >"$T/allow.bpf"
run_box --seccomp 3 -- echo allowed 3<"$T/allow.bpf"
expect "--seccomp FD: an allow-all program" status 0 out allowed
run_box --add-seccomp-fd 3 --add-seccomp-fd 4 -- echo allowed 3<"$T/allow.bpf" 4<"$T/allow.bpf"
expect "--add-seccomp-fd twice" status 0 out allowed
printf '\006\000\000\000\000\000\377' >"$T/short.bpf"
run_box --seccomp 3 -- echo ran 3<"$T/short.bpf"
expect_error "--seccomp: data not a multiple of 8" "multiple of 8"
run_box --add-seccomp-fd 3 -- echo ran 3<"$T/short.bpf"
expect_error "--add-seccomp-fd: data not a multiple of 8" "multiple of 8"
run_box --seccomp 3 --add-seccomp-fd 4 -- echo ran 3<"$T/allow.bpf" 4<"$T/allow.bpf"
expect_error "--seccomp and --add-seccomp-fd together" "--seccomp" "--add-seccomp-fd"
run_box --seccomp 9 -- echo ran
expect_error "--seccomp with a closed fd" "--seccomp" "9"

done_testing
