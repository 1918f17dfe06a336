# SPDX-License-Identifier: LGPL-2.1-or-later
# Security properties: planted symlinks never make an op act on the host,
# no fd leaks, the old root is gone, mount flags, capabilities, read-only
# binds stay read-only, the monitor cannot be ptraced, a fresh session
# keyring, a setuid nsbox refuses to run.
. "${0%/*}/lib.sh"

# Options that make uid 0 an unprivileged uid inside (root runs with all its
# capabilities otherwise).
if $is_root; then
	unpriv="--unshare-user --uid 1000 --gid 1000"
else
	unpriv=""
fi

# --- planted symlinks ------------------------------------------------------------------

# $T/h is bound into the sandbox; it holds symlinks to $T/outside, a host
# directory that is not in the sandbox: absolute, relative with too many
# .., and through /oldroot and /newroot (where a sandbox builder that pivots
# through an intermediate root keeps the host and the new root during
# setup). No op may touch $T/outside.
mkdir -p "$T/h" "$T/outside" "$T/src"
echo "planted data" >"$T/data"
echo "inside" >"$T/src/inside"
up=../../../../../../../../../../../../../../../..
ln -s "$T/outside" "$T/h/abs"
ln -s "$up$T/outside" "$T/h/rel"
ln -s "/oldroot$T/outside" "$T/h/old"
ln -s "$up/oldroot$T/outside" "$T/h/relold"
ln -s "/newroot/h/old" "$T/h/new"
links="abs rel old relold new"

reset_outside() {
	rm -rf "$T/outside"
	mkdir -m 0755 "$T/outside"
	echo original >"$T/outside/victim"
	chmod 0644 "$T/outside/victim"
}
reset_outside
snapshot() {
	find "$T/outside" -printf '%p %y %m %s\n' | sort
	cat "$T/outside/victim"
}
before=$(snapshot)

# The paths the links point to, created inside the new root, so that
# following a link inside finds something there.
decoys="--dir $T/outside --dir /oldroot$T/outside"

# escape DESC ARGS...: for each planted link L, run a sandbox with $T/h
# bound on /h and ARGS, where @ stands for /h/L, with and without the
# decoys; the host side of the links must stay untouched.
escape() {
	_s_desc=$1
	shift
	_why=
	for _l in $links; do
		_args=
		for _a in "$@"; do
			case $_a in
			@*) _args="$_args /h/$_l${_a#@}" ;;
			*) _args="$_args $_a" ;;
			esac
		done
		for _d in "" "$decoys"; do
			# shellcheck disable=SC2086
			run_box $_d --bind "$T/h" /h $_args true 3<"$T/data"
			_now=$(snapshot)
			if [ "$_now" != "$before" ]; then
				_because "through /h/$_l${_d:+ with decoys}, the host dir changed ($(printf '%s\n' "$_now" |
					grep -v -x -F -e "$before" | sed "s|^$T/outside||" | tr '\n' ' '))"
				reset_outside
			fi
		done
	done
	_verdict "$_s_desc"
}

escape "--dir through a planted symlink stays inside" --dir @/newdir
escape "--dir on a planted symlink stays inside" --dir @
escape "--dir with parents through a planted symlink stays inside" --dir @/a/b/c
escape "--perms --dir through a planted symlink stays inside" --perms 0700 --dir @/pdir
escape "--file onto a host file through a planted symlink stays inside" --file 3 @/victim
escape "--file through a planted symlink stays inside" --file 3 @/newfile
escape "--bind-data onto a host file through a planted symlink stays inside" --bind-data 3 @/victim
escape "--ro-bind-data through a planted symlink stays inside" --ro-bind-data 3 @/newfile
escape "--symlink through a planted symlink stays inside" --symlink target @/newlink
escape "--chmod of a host file through a planted symlink stays inside" --chmod 0777 @/victim
escape "--chmod of a planted symlink to a host dir stays inside" --chmod 0700 @
escape "--bind through a planted symlink stays inside" --bind "$T/src" @/mnt
escape "--ro-bind of a file through a planted symlink stays inside" --ro-bind "$T/data" @/mntfile
escape "--tmpfs through a planted symlink stays inside" --tmpfs @/tmp
escape "--remount-ro through a planted symlink stays inside" --remount-ro @
escape "--mqueue through a planted symlink stays inside" --unshare-ipc --mqueue @/mq

# Where the planted links lead inside: the same paths in the new root.
# shellcheck disable=SC2086
run_box $decoys --bind "$T/h" /h --dir /h/abs/newdir test -d "$T/outside/newdir"
expect "a planted symlink is followed inside the new root (--dir)" status 0
# shellcheck disable=SC2086
run_box $decoys --bind "$T/h" /h --file 3 /h/rel/victim cat "$T/outside/victim" 3<"$T/data"
expect "a planted ../ symlink is followed inside the new root (--file)" status 0 out "planted data"
# shellcheck disable=SC2086
run_box $decoys --bind "$T/h" /h --file 3 /h/old/victim cat "/oldroot$T/outside/victim" 3<"$T/data"
expect "a planted /oldroot symlink is followed inside the new root (--file)" status 0 out "planted data"
# shellcheck disable=SC2086
run_box $decoys --bind "$T/h" /h --symlink target /h/relold/link readlink "/oldroot$T/outside/link"
expect "a planted ../oldroot symlink is followed inside the new root (--symlink)" status 0 out "target"
is "$(snapshot)" "$before" "... and the host dir is untouched"

# --- fds -------------------------------------------------------------------------------

# What ls sees started the same way, outside: the fds the test inherited.
run_cmd ls /proc/self/fd
fds_outside=$out
run_box ls /proc/self/fd
expect "no fd of nsbox reaches COMMAND" status 0 out "$fds_outside"
run_box --unshare-all ls /proc/self/fd
expect "no fd of nsbox reaches COMMAND (--unshare-all)" status 0 out "$fds_outside"
run_box --unshare-pid --as-pid-1 ls /proc/self/fd
expect "no fd of nsbox reaches COMMAND (--as-pid-1)" status 0 out "$fds_outside"
printf -- '--setenv\0A\0b\0' >"$T/args"
run_box --args 5 --file 3 /f --file 4 /g ls /proc/self/fd 3<"$T/data" 4<"$T/data" 5<"$T/args"
expect "fds given to --file and --args are closed for COMMAND" status 0 out "$fds_outside"
run_box --bind-data 3 /f --ro-bind-data 4 /g ls /proc/self/fd 3<"$T/data" 4<"$T/data"
expect "fds given to --bind-data and --ro-bind-data are closed for COMMAND" status 0 out "$fds_outside"

# If nsbox left an fd to a host directory open, --chdir through it would
# give COMMAND a cwd outside the new root: walking up with .. from there
# would never reach the sandbox's /.
walk_up='r=$(stat -c %d:%i /); p=.; i=0
while [ $i -lt 64 ]; do
	[ "$(stat -c %d:%i "$p")" = "$r" ] && { echo inside; exit 0; }
	p=$p/..; i=$((i + 1))
done; echo outside'
for pid_ns in "" "--unshare-pid"; do
	_why=
	for fd in 3 4 5 6 7 8 9 10 11 12; do
		run_box $pid_ns --chdir "/proc/self/fd/$fd" sh -c "$walk_up"
		[ "$status" = 0 ] || continue
		[ "$out" = inside ] || _because "--chdir /proc/self/fd/$fd left the new root ($out)"
	done
	_verdict "--chdir /proc/self/fd/N stays inside ${pid_ns:-(no PID namespace)}"
done

# --- the old root --------------------------------------------------------------------

expected_root=$(printf '%s\n' $ROOT_TOP | sort)
run_box ls -A /
expect "/ holds only what the options put there (no oldroot, no newroot)" status 0 out "$expected_root"
run_box sh -c 'test "$(stat -c %d:%i /)" = "$(stat -c %d:%i /..)" && echo same'
expect "/.. is /" status 0 out "same"
for pid_ns in "" "--unshare-pid"; do
	run_box $pid_ns --bind "$T/src" /src --tmpfs /tmp sh -c \
		'cut -d " " -f 5 /proc/self/mountinfo | grep -v -E "^/(usr|proc|dev|src|tmp)(/|$)|^/$"; echo end'
	expect "mountinfo inside lists only the sandbox's mounts ${pid_ns:-(no PID namespace)}" status 0 out "end"
done
run_box --unshare-pid sh -c \
	'for f in root cwd; do readlink /proc/1/$f 2>/dev/null || echo /; done | grep -v -x /; echo end'
expect "the pid 1 reaper's root and cwd are the new root's / (or hidden)" status 0 out "end"

# --- mount flags -----------------------------------------------------------------------

# Lines of mountinfo (mount point, per-mount options) lacking FLAG.
lacking='cut -d " " -f 5,6 /proc/self/mountinfo | grep -v -E "[ ,]$0(,|$)" | grep -v -E "$1"; echo end'
all_ops="--unshare-pid --bind $T/src /src --ro-bind $T/src /ro --tmpfs /tmp --dir /d
--dev-bind /dev/null /devnull --remount-ro /src"
# shellcheck disable=SC2086
run_box $all_ops sh -c "$lacking" nosuid '^$'
expect "every mount is nosuid" status 0 out "end"
# shellcheck disable=SC2086
run_box $all_ops sh -c "$lacking" nodev '^/dev(/|nul| )'
expect "every mount but /dev's is nodev" status 0 out "end"
run_box --bind-data 3 /bd --ro-bind-data 4 /rbd sh -c "$lacking" nosuid '^/(usr|proc|dev)[/ ]' 3<"$T/data" 4<"$T/data"
expect "--bind-data and --ro-bind-data mounts are nosuid" status 0 out "end"
run_box --bind-data 3 /bd --ro-bind-data 4 /rbd sh -c "$lacking" nodev '^/(usr|proc|dev)[/ ]' 3<"$T/data" 4<"$T/data"
expect "--bind-data and --ro-bind-data mounts are nodev" status 0 out "end"
run_box --ro-bind "$T/src" /ro sh -c 'cut -d " " -f 5,6 /proc/self/mountinfo | grep "^/ro " | cut -d , -f 1'
expect "--ro-bind is mounted ro" status 0 out "/ro ro"

# --- capabilities -------------------------------------------------------------------

caps='grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status | tr -s "\t " " "'
no_caps="$(printf '%s\n' 'CapInh: 0000000000000000' 'CapPrm: 0000000000000000' \
	'CapEff: 0000000000000000' 'CapBnd: 0000000000000000' 'CapAmb: 0000000000000000' 'NoNewPrivs: 1')"
if $is_root; then
	run_box sh -c "$caps"
	expect "root: NoNewPrivs is set" status 0 out_has "NoNewPrivs: 1"
	if need_userns "root with --unshare-user --uid 1000: no capabilities, NoNewPrivs"; then
		run_box $unpriv sh -c "$caps"
		expect "root with --unshare-user --uid 1000: no capabilities, NoNewPrivs" status 0 out "$no_caps"
	fi
else
	run_box sh -c "$caps"
	expect "unprivileged: no capabilities, NoNewPrivs" status 0 out "$no_caps"
	run_box --unshare-all sh -c "$caps"
	expect "unprivileged with --unshare-all: no capabilities, NoNewPrivs" status 0 out "$no_caps"
	run_box --uid 0 sh -c "$caps"
	expect "unprivileged with --uid 0: no capabilities, NoNewPrivs" status 0 out "$no_caps"
fi

# --- read-only binds stay read-only ----------------------------------------------------

mkdir -m 0755 "$T/rodir"
try_rw='for o in remount,rw remount,bind,rw; do mount -o "$o" "$0" 2>/dev/null && echo "$o worked"; done
touch "$0/nsbox-test-written" 2>/dev/null && echo "write worked"; echo end'
desc="a read-only bind cannot be remounted rw from a nested user namespace"
if need_userns "$desc"; then
	# shellcheck disable=SC2086
	run_box $unpriv --ro-bind "$T/rodir" /ro unshare -Urm sh -c "$try_rw" /ro
	expect "$desc" status 0 out "end"
	check "... and nothing was written on the host" test ! -e "$T/rodir/nsbox-test-written"
fi
try_rw_usr='for o in remount,rw remount,bind,rw; do mount -o "$o" /usr 2>/dev/null && echo "$o worked"; done; echo end'
desc="/usr cannot be remounted rw from a nested user namespace"
if need_userns "$desc"; then
	# shellcheck disable=SC2086
	run_box $unpriv unshare -Urm sh -c "$try_rw_usr"
	expect "$desc" status 0 out "end"
fi
desc="a read-only bind cannot be unmounted from a nested user namespace"
if need_userns "$desc"; then
	# shellcheck disable=SC2086
	run_box $unpriv --ro-bind "$T/rodir" /ro unshare -Urm sh -c 'umount /ro 2>/dev/null && echo unmounted; echo end'
	expect "$desc" status 0 out "end"
fi

# --- the monitor ---------------------------------------------------------------------

# nsbox is exec'd by a shell, so the shell's $$ is the monitor's pid; without
# a PID namespace the host's /proc shows it.
probe='p=/proc/$MON_PID
test -d "$p" && echo visible
cat "$p/environ" >/dev/null 2>&1 && echo "environ readable"
(: <"$p/mem") 2>/dev/null && echo "mem openable"
readlink "$p/exe" >/dev/null 2>&1 && echo "exe readable"
readlink "$p/cwd" >/dev/null 2>&1 && echo "cwd readable"
readlink "$p/root" >/dev/null 2>&1 && echo "root readable"
readlink "$p/fd/0" >/dev/null 2>&1 && echo "fd readable"
echo end'
desc="the sandbox cannot read or ptrace the monitor (it is not dumpable)"
if need_userns "$desc"; then
	# shellcheck disable=SC2086
	run_cmd sh -c 'exec "$0" --setenv MON_PID "$$" "$@"' "$NSBOX" $ROOT $unpriv sh -c "$probe"
	expect "$desc" status 0 out "$(printf 'visible\nend')"
fi

# --- the reaper ------------------------------------------------------------------------

# pid 1 of the sandbox is nsbox's reaper: not dumpable either, whether it was
# re-executed for a launcher that asked for its pid (--info-fd) or not.
probe1='p=/proc/1
test -d "$p" && echo visible
cat "$p/environ" >/dev/null 2>&1 && echo "environ readable"
(: <"$p/mem") 2>/dev/null && echo "mem openable"
readlink "$p/exe" >/dev/null 2>&1 && echo "exe readable"
readlink "$p/root" >/dev/null 2>&1 && echo "root readable"
echo end'
for how in "" "--info-fd 3"; do
	desc="the sandbox cannot read or ptrace its pid 1 reaper (--unshare-pid ${how:-alone})"
	if need_userns "$desc"; then
		# shellcheck disable=SC2086
		run_box $unpriv --unshare-pid $how sh -c "$probe1" 3>/dev/null
		expect "$desc" status 0 out "$(printf 'visible\nend')"
	fi
done

# --- session keyring -----------------------------------------------------------------

# keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) through perl
# (perl-base is always there on Debian); the syscall number is per arch.
case $(uname -m) in
x86_64) nr_keyctl=250 ;;
aarch64 | riscv64 | loongarch64) nr_keyctl=219 ;;
i?86) nr_keyctl=288 ;;
arm*) nr_keyctl=311 ;;
ppc* | s390*) nr_keyctl=280 ;;
*) nr_keyctl=unknown ;;
esac
keyring_id="print syscall($nr_keyctl, 0, -3, 0), qq(\n)"
outer_ring=$(perl -e "$keyring_id" 2>&1)
run_box perl -e "$keyring_id"
if [ "$status" = 0 ] && [ "$out" -gt 0 ] 2>/dev/null && [ "$outer_ring" -gt 0 ] 2>/dev/null &&
	[ "$out" != "$outer_ring" ]; then
	ok "the sandbox gets a fresh session keyring"
else
	not_ok "the sandbox gets a fresh session keyring"
	diag "  session keyring outside: $outer_ring, inside: $out (arch $(uname -m))"
	_show_run
fi

# --- setuid ---------------------------------------------------------------------------

# A setuid-root (or setgid-root) copy run by an unprivileged user must
# refuse. The copy lives on a tmpfs mounted on /tmp in a private mount
# namespace: reachable by the user, the bits work whatever the host's mount
# options, and the host sees nothing.
if $is_root; then
	for bits in 4755 2755; do
		# shellcheck disable=SC2086
		run_cmd unshare -m --propagation private sh -c '
			exec 3<"$0" && mount -t tmpfs -o mode=0755 nsbt-suid /tmp &&
			cat <&3 >/tmp/nsbox && exec 3<&- &&
			chown 0:0 /tmp/nsbox && chmod "$1" /tmp/nsbox && shift 2 &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups /tmp/nsbox "$@"' \
			"$NSBOX" "$bits" $ROOT true
		expect_error "a copy of nsbox with mode $bits refuses to run"
	done
fi

done_testing
