# SPDX-License-Identifier: LGPL-2.1-or-later
# The Landlock options end to end: --scope-abstract-af-unix keeps COMMAND
# from the host's abstract unix sockets (the X11 / D-Bus leak) on the
# host's network while pathname sockets bound in keep working;
# --scope-signals keeps it from signalling host processes (and pid 1 still
# passes signals on); --landlock-tcp-connect / --landlock-tcp-bind
# allowlists against servers this script starts on 127.0.0.1; the -try
# forms and the plain ones on a kernel without Landlock (simulated: an
# outer nsbox whose seccomp policy fails landlock_create_ruleset with
# ENOSYS). Abstract sockets live in a network namespace, so the script
# shares the caller's: it runs in netlib.sh's guarded namespace.
. "${0%/*}/netlib.sh"
. "${0%/*}/lib.sh"

if ! net_have python3; then
	skip "Landlock options" "python3 is missing"
	done_testing
	exit
fi

# This kernel's Landlock ABI (0: none), asked the way nsbox asks.
abi=$(python3 -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(444, None, 0, 1)
print(r if r > 0 else 0)')
diag "Landlock ABI of this kernel: $abi"

# need_abi N DESC: true if the kernel has ABI N; else skip DESC (a failure
# under NSBOX_MUST_WORK=1).
need_abi() {
	[ "$abi" -ge "$1" ] && return 0
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "$2 (the kernel has Landlock ABI $abi, $1 needed; NSBOX_MUST_WORK=1)"
	else
		skip "$2" "the kernel has Landlock ABI $abi, $1 needed"
	fi
	return 1
}

# The client: one check per call, one word.
cat >"$T/cli.py" <<'EOF'
import errno, os, socket, sys
what = sys.argv[1]
names = {errno.ECONNREFUSED: "refused", errno.EPERM: "denied", errno.EACCES: "denied"}
def run():
    if what == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[2].replace("@", "\0", 1))
        return s.recv(64).decode().strip() or "empty"
    if what == "unix-inside":
        # An abstract socket made inside the sandbox: its own, allowed.
        name = "\0nsbox-inside-%d" % os.getpid()
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(name)
        srv.listen(1)
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(name)
        srv.accept()[0].sendall(b"x")
        return "ok" if c.recv(1) == b"x" else "bad"
    if what == "connect":
        c = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=3)
        return c.makefile().readline().strip() or "empty"
    if what == "bind":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(sys.argv[2])))
        return "bound"
try:
    print(run())
except OSError as e:
    print(names.get(e.errno, errno.errorcode.get(e.errno, str(e.errno))))
EOF

# Servers on the host: an abstract socket, a pathname socket, two TCP
# ports on 127.0.0.1.
mkdir -m 0755 "$T/sockdir"
abstract="@nsbox-test-$NSBOX_TEST_MARK-$NSBOX_AS"
cat >"$T/srv.py" <<'EOF'
import os, select, socket, sys, time
abstract, path, portfile = sys.argv[1], sys.argv[2], sys.argv[3]
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.bind(abstract.replace("@", "\0", 1)); a.listen(8)
p = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
p.bind(path); os.chmod(path, 0o777); p.listen(8)
tcp = {}
for n in ("tcp_a", "tcp_b"):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8); tcp[n] = s
with open(portfile + ".tmp", "w") as f:
    f.write(" ".join("%s=%d" % (n, s.getsockname()[1]) for n, s in tcp.items()) + "\n")
os.rename(portfile + ".tmp", portfile)
hello = {a: b"hello-abstract\n", p: b"hello-path\n"}
for n, s in tcp.items():
    hello[s] = ("hello-%s\n" % n).encode()
end = time.time() + 300
while time.time() < end:
    for s in select.select(list(hello), [], [], 1)[0]:
        c = s.accept()[0]; c.sendall(hello[s]); c.close()
EOF
env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" python3 "$T/srv.py" "$abstract" "$T/sockdir/s.sock" \
	"$T/ports" >"$T/srv.out" 2>&1 &
srv_pid=$!
if ! wait_until 10 test -s "$T/ports"; then
	not_ok "the test servers start"
	diag "$(cat "$T/srv.out")"
	done_testing
	exit
fi
ok "the test servers start"
eval "$(cat "$T/ports")"

LROOT="$ROOT --ro-bind $T/cli.py /cli.py $CTL"
cli="python3 /cli.py"

# --- --scope-abstract-af-unix -------------------------------------------------------------

run_nsbox $LROOT -- $cli unix "$abstract"
expect "without a scope, the host's abstract socket is reachable (the leak)" status 0 out hello-abstract
if need_abi 6 "--scope-abstract-af-unix"; then
	run_nsbox $LROOT --scope-abstract-af-unix -- $cli unix "$abstract"
	expect "--scope-abstract-af-unix: the host's abstract socket is refused" status 0 out denied
	run_nsbox $LROOT --unshare-all --share-net --scope-abstract-af-unix -- $cli unix "$abstract"
	expect "--unshare-all --share-net --scope-abstract-af-unix: refused too" status 0 out denied
	run_nsbox $LROOT --bind "$T/sockdir" /sock --scope-abstract-af-unix -- $cli unix /sock/s.sock
	expect "--scope-abstract-af-unix: a pathname socket bound in still works" status 0 out hello-path
	run_nsbox $LROOT --scope-abstract-af-unix -- $cli unix-inside
	expect "--scope-abstract-af-unix: an abstract socket made inside still works" status 0 out ok
	run_nsbox $LROOT --scope-abstract-af-unix-try -- $cli unix "$abstract"
	expect "--scope-abstract-af-unix-try on a kernel that has it: refused, quietly" status 0 \
		out denied err ""
fi

# --- --scope-signals --------------------------------------------------------------------------

env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" sleep 60 &
victim=$!
run_nsbox $LROOT -- sh -c "kill -0 $victim && echo sent"
expect "without a scope, COMMAND can signal a host process of its user (no pid namespace)" \
	status 0 out sent
if need_abi 6 "--scope-signals"; then
	run_nsbox $LROOT --scope-signals -- sh -c "kill -TERM $victim 2>/dev/null && echo sent || echo refused"
	expect "--scope-signals: a signal to a host process fails" status 0 out refused
	check "--scope-signals: ... the host process is still alive" kill -0 "$victim"
	run_nsbox $LROOT --scope-signals-try -- sh -c "kill -0 $victim 2>/dev/null && echo sent || echo refused"
	expect "--scope-signals-try on a kernel that has it: refused, quietly" status 0 out refused err ""
	run_nsbox $LROOT --scope-signals -- sh -c 'sleep 10 & kill $! && wait $!; echo $?'
	expect "--scope-signals: signals inside the sandbox still work" status 0 out 143
	# pid 1 is not restricted: it still passes a SIGTERM on to COMMAND.
	bg $LROOT --unshare-pid --scope-signals -- sh -c \
		'trap "echo got-term; exit 7" TERM; : >/ctl/ready; i=0; while [ $i -lt 600 ]; do sleep 0.025; i=$((i + 1)); done'
	if wait_until 10 test -e "$C/ready"; then
		kill -TERM "$bg"
		wait_bg
		is "$bg_status/$(cat "$T/bg.out")" "7/got-term" \
			"--scope-signals with a pid namespace: SIGTERM still reaches COMMAND through pid 1"
	else
		not_ok "--scope-signals with a pid namespace: COMMAND starts"
		wait_bg
	fi
fi
kill "$victim" 2>/dev/null
wait "$victim" 2>/dev/null

# --- TCP ports --------------------------------------------------------------------------------

if need_abi 4 "--landlock-tcp-connect / --landlock-tcp-bind"; then
	run_nsbox $LROOT --landlock-tcp-connect "$tcp_a" -- sh -c "$cli connect $tcp_a; $cli connect $tcp_b"
	expect "--landlock-tcp-connect on the host's network: the listed port answers" status 0 \
		out "hello-tcp_a
denied"
	run_nsbox $LROOT --landlock-tcp-connect "1-$((tcp_a - 1)),$((tcp_a + 1))-65535" -- sh -c \
		"$cli connect $tcp_a; $cli connect $tcp_b"
	expect "--landlock-tcp-connect with ranges: only the port left out is refused" status 0 \
		out "denied
hello-tcp_b"
	run_nsbox $LROOT --unshare-net --landlock-tcp-bind 8081 -- sh -c "$cli bind 8081; $cli bind 8082; $cli bind 0"
	expect "--landlock-tcp-bind: the listed port binds, another and port 0 do not" status 0 \
		out "bound
denied
denied"
	run_nsbox $LROOT --unshare-net --landlock-tcp-bind 0,8081 --landlock-tcp-connect 8081 -- sh -c \
		"$cli bind 0; $cli connect 8081"
	expect "--landlock-tcp-bind 0: a port the kernel picks; connect and bind together" status 0 \
		out "bound
refused"
fi

# --- dry run and --verbose ---------------------------------------------------------------

run_nsbox --dry-run $LROOT --scope-abstract-af-unix-try --landlock-tcp-connect 443,8000-8100 -- true
expect "--dry-run shows the Landlock restrictions" status 0 \
	out_has "Landlock: TCP connect only to port(s) 443,8000-8100" \
	out_has "Landlock: applied last, just before the seccomp programs"
if need_abi 4 "--verbose names the Landlock step"; then
	run_nsbox --verbose $LROOT --landlock-tcp-connect 443 -- true
	expect "--verbose names the Landlock step" status 0 err_has "nsbox: Landlock restrictions applied"
fi

# --- a kernel without Landlock -----------------------------------------------------------
# An outer nsbox fails landlock_create_ruleset with ENOSYS, as a kernel
# built without Landlock does; the nsbox inside sees ABI 0.
printf 'landlock_create_ruleset errno ENOSYS\n' >"$T/no-landlock.policy"
run_nsbox --ro-bind / / --dev /dev --unshare-pid --proc /proc --seccomp-policy "$T/no-landlock.policy" \
	-- "$NSBOX" $ROOT -- true
if [ "$status" != 0 ]; then
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "a kernel without Landlock, simulated (nsbox inside nsbox failed: $err)"
	else
		skip "a kernel without Landlock, simulated" "nsbox inside nsbox does not run here: $err"
	fi
else
	nolandlock() {
		run_nsbox --ro-bind / / --dev /dev --unshare-pid --proc /proc \
			--seccomp-policy "$T/no-landlock.policy" -- "$NSBOX" $ROOT "$@"
	}
	nolandlock --scope-signals -- true
	expect_error "no Landlock: --scope-signals fails, naming the ABI and Linux release it needs" \
		"nsbox: --scope-signals needs Landlock ABI 6 (Linux 6.12 or later); Landlock is missing or disabled in this kernel"
	nolandlock --scope-abstract-af-unix -- true
	expect_error "no Landlock: --scope-abstract-af-unix fails the same way" \
		"nsbox: --scope-abstract-af-unix needs Landlock ABI 6 (Linux 6.12 or later)"
	nolandlock --landlock-tcp-connect 443 -- true
	expect_error "no Landlock: --landlock-tcp-connect fails, naming ABI 4" \
		"nsbox: --landlock-tcp-connect needs Landlock ABI 4 (Linux 6.7 or later)"
	nolandlock --scope-signals-try --scope-abstract-af-unix-try -- echo ran
	expect "no Landlock: the -try forms warn once each and go on" status 0 out ran \
		err "nsbox: --scope-abstract-af-unix-try: Landlock ABI 6 (Linux 6.12) is needed and Landlock is missing or disabled in this kernel; going on without it
nsbox: --scope-signals-try: Landlock ABI 6 (Linux 6.12) is needed and Landlock is missing or disabled in this kernel; going on without it"
	nolandlock --dry-run --scope-signals-try -- true
	expect "no Landlock: --dry-run says a -try scope is skipped" status 0 \
		out_has "Landlock: signals to processes outside the sandbox: allowed (-try: the kernel lacks Landlock ABI 6)"
fi

kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
done_testing
