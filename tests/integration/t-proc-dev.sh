# SPDX-License-Identifier: LGPL-2.1-or-later
# --proc and --dev: the procfs inside, its read-only corners, the minimal
# /dev with its nodes, links, devpts and shm.
. "${0%/*}/lib.sh"

# uid 0 inside: root as is, the unprivileged user mapped to 0.
if $is_root; then
	as_uid0=""
else
	as_uid0="--uid 0 --gid 0"
fi

# --- --proc --------------------------------------------------------------------------

run_box --unshare-pid sh -c 'grep " /proc " /proc/self/mountinfo | sed "s/.* - //" | cut -d " " -f 1'
expect "--proc with --unshare-pid mounts a procfs" status 0 out "proc"
run_box --unshare-pid sh -c "test -d /proc/$$ && echo visible || echo hidden"
expect "--proc with --unshare-pid: host processes are hidden" status 0 out "hidden"
run_box sh -c "test -d /proc/$$ && echo visible || echo hidden"
expect "--proc without a PID namespace shows the host's processes" status 0 out "visible"

# shellcheck disable=SC2086
run_box --unshare-pid --unshare-uts $as_uid0 sh -c \
	'id -u; test -w /proc/sys/kernel/hostname && echo writable || echo read-only'
expect "--proc: /proc/sys is read-only for uid 0 inside" status 0 out "$(printf '0\nread-only')"
# shellcheck disable=SC2086
run_box --unshare-pid --unshare-uts $as_uid0 sh -c 'echo changed >/proc/sys/kernel/hostname'
expect "--proc: writing /proc/sys fails for uid 0 inside" status_not 0
# shellcheck disable=SC2086
run_box --unshare-pid $as_uid0 sh -c 'test -w /proc/sysrq-trigger && echo writable || echo read-only'
expect "--proc: /proc/sysrq-trigger is read-only for uid 0 inside" status 0 out "read-only"
# shellcheck disable=SC2086
run_box $as_uid0 sh -c 'test -w /proc/sysrq-trigger && echo writable || echo read-only'
expect "--proc without a PID namespace: /proc/sysrq-trigger is read-only too" status 0 out "read-only"

# --- --dev: nodes --------------------------------------------------------------------

run_box ls -A /dev
expect "--dev: only the minimal set of entries" status 0 \
	out "$(printf '%s\n' core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero)"
run_box stat -c '%a %F' /dev /dev/shm /dev/pts
expect "--dev: /dev is a 0755 dir with shm and pts dirs" status 0 \
	out "$(printf '755 directory\n755 directory\n755 directory')"
run_box sh -c 'echo x >/dev/null && wc -c </dev/null'
expect "--dev: /dev/null swallows writes and reads empty" status 0 out "0"
run_box sh -c 'head -c 4 /dev/zero | od -An -tx1 | tr -d " "'
expect "--dev: /dev/zero reads zeros" status 0 out "00000000"
run_box sh -c 'head -c 1 /dev/zero >/dev/full'
expect "--dev: /dev/full fails writes with ENOSPC" status_not 0 err_has "No space left on device"
run_box sh -c 'head -c 16 /dev/random | wc -c; head -c 16 /dev/urandom | wc -c'
expect "--dev: /dev/random and /dev/urandom read" status 0 out "$(printf '16\n16')"
run_box sh -c 'test -c /dev/tty && echo char'
expect "--dev: /dev/tty is a character device" status 0 out "char"
run_box readlink /dev/stdin /dev/stdout /dev/stderr /dev/fd /dev/core /dev/ptmx
expect "--dev: the stdin/stdout/stderr/fd/core/ptmx links" status 0 \
	out "$(printf '%s\n' /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 /proc/self/fd /proc/kcore pts/ptmx)"
echo "from stdin" >"$T/in"
run_box cat /dev/stdin <"$T/in"
expect "--dev: /dev/stdin works" status 0 out "from stdin"
run_box sh -c 'echo via-link >/dev/stdout; echo via-link2 >/dev/stderr'
expect "--dev: /dev/stdout and /dev/stderr work" status 0 out "via-link" err "via-link2"

# --- --dev: terminals ----------------------------------------------------------------

run_box sh -c 'grep " /dev/pts " /proc/self/mountinfo | sed "s/.* - //"'
expect "--dev: a devpts instance on /dev/pts with ptmxmode=666" status 0 \
	out_match '^devpts ' out_match '[ ,]ptmxmode=0?666([ ,]|$)'
run_box script -qec tty /dev/null
expect "--dev: /dev/ptmx gives a working pty" status 0 out_match '^/dev/pts/[0-9]+'
# shellcheck disable=SC2086
run_cmd script -qec "$NSBOX $ROOT sh -c 'echo tty-ok >/dev/tty; test -c /dev/console && echo console-ok'" /dev/null
expect "--dev in a terminal: /dev/tty works and /dev/console exists" status 0 \
	out_has "tty-ok" out_has "console-ok"

done_testing
