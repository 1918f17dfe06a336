# SPDX-License-Identifier: LGPL-2.1-or-later
# pasta and slirp4netns end to end, without nsbox's launch path: a "sandbox"
# (unshare --user --net --mount, its /etc/resolv.conf the one nsbox
# generates) gets its network from src/net-helper.c through
# tests/helpers/net-try; the nftables policy of src/net-rules.c is installed
# in its namespace with src/net-nft.c. Everything runs in the guarded
# namespace of netlib.sh and only reaches servers this script starts on
# 127.0.0.1 (and its uplink's own address, also local).
#
# For each helper:
#   host loopback on: TCP, UDP and DNS (through the helper's forwarder, to
#   a test resolver) reach the servers; a forwarded host port reaches a
#   server inside;
#   host loopback off: the host's loopback servers are out of reach;
#   a policy allowing dns, one TCP port and one UDP port: those work, a
#   second TCP port is refused at once (reset), a second UDP port too
#   (ICMP), the sandbox's own loopback works, and a process without
#   CAP_NET_ADMIN cannot remove the rules;
#   the helper is gone after a stop, and when its starter is SIGKILLed;
#   the time from start to ready (diag; the report quotes it).
. "${0%/*}/netlib.sh"
. "${0%/*}/lib.sh"

NET_TRY=${NSBOX_NET_TRY:-}

need() {
	# need DESC CMD...: true if every CMD exists; else skip DESC (a
	# failure under NSBOX_MUST_WORK=1).
	_n_desc=$1
	shift
	for _n in "$@"; do
		if [ "$_n" = net-try ]; then
			[ -n "$NET_TRY" ] && [ -x "$NET_TRY" ] && continue
		else
			net_have "$_n" && continue
		fi
		if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
			not_ok "$_n_desc: $_n is missing (NSBOX_MUST_WORK=1)"
		else
			skip "$_n_desc" "$_n is missing"
		fi
		return 1
	done
}

if ! need "network helpers" net-try python3 nsenter; then
	done_testing
	exit
fi

# --- the host side: TCP, UDP and DNS servers ----------------------------------------------

# The client inside: one check per call, one line "RESULT MS".
net_write_client "$T/cli.py"

if ! net_start_servers dns=127.0.0.1 dns=192.0.2.2 'a=*.nsbox.test=192.0.2.77'; then
	not_ok "the test servers start"
	diag "$(cat "$T/srv.out" 2>/dev/null)"
	done_testing
	exit
fi
ok "the test servers start"

# --- one helper ----------------------------------------------------------------------------

# Inside the sandbox (its namespaces, no capability, like COMMAND).
inside() {
	nsenter -t "$sb" -U -n -m --preserve-credentials \
		setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all "$@"
}

# result LINE DESC WANT [MAX_MS]: the first word of a cli.py line is WANT
# (one of a |-separated list) and took at most MAX_MS.
result() {
	_r_got=${1%% *}
	_r_ms=${1##* }
	case "|$3|" in
	*"|$_r_got|"*)
		if [ -n "${4:-}" ] && [ "$_r_ms" -gt "$4" ]; then
			not_ok "$2 (took $_r_ms ms, more than $4)"
		else
			ok "$2 ($_r_got, $_r_ms ms)"
		fi
		;;
	*) not_ok "$2 (got '$1', wanted $3)" ;;
	esac
}

# The lines of the server log added since mark_log.
mark_log() { _log_mark=$(wc -l <"$T/srv.log" 2>/dev/null || echo 0); }
new_log() { tail -n +"$((_log_mark + 1))" "$T/srv.log" 2>/dev/null; }

helper_case() {
	mode=$1
	if [ "$mode" = pasta ]; then
		gw=$NET_GATEWAY4
	else
		gw=10.0.2.2
	fi
	need "$mode" "$mode" || return 0

	# The sandbox: its resolv.conf is the one nsbox generates.
	run_cmd "$NET_TRY" resolv "$mode" /etc/resolv.conf
	printf '%s\n' "$out" >"$T/resolv.$mode"
	expect "$mode: the sandbox's resolv.conf names the helper's forwarder" status 0 \
		out_match "^nameserver $(nsb_dns4 "$mode")\$"
	rm -f "$T/sb.ready"
	NSBOX_TEST_CHILD=$NSBOX_TEST_MARK unshare --user --map-root-user --net --mount sh -c \
		'mount --bind "$1" /etc/resolv.conf && touch "$2" && exec sleep 120' \
		sh "$T/resolv.$mode" "$T/sb.ready" &
	sb=$!
	if ! wait_until 5 test -e "$T/sb.ready"; then
		not_ok "$mode: the sandbox starts"
		return 0
	fi
	rm -f "$T/inside-port"
	# A server inside for --net-forward (on every address: slirp4netns
	# delivers to the sandbox's tap address).
	inside python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
sys.stdout.close()
end = time.time() + 120
while time.time() < end:
    c = s.accept()[0]; c.sendall(b"hello-inside\n"); c.close()
' >"$T/inside-port" 2>"$T/inside-port.err" &
	in_srv=$!
	wait_until 5 test -s "$T/inside-port"
	in_port=$(cat "$T/inside-port")
	[ -n "$in_port" ] || diag "$mode: the server inside did not start: $(cat "$T/inside-port.err")"
	fwd_port=$((20000 + $$ % 20000))

	# 1. Host loopback on, a forward, no policy.
	cat >"$T/phase1.sh" <<EOF
for c in "dns x.nsbox.test" "tcp $gw $tcp_ok" "tcp $gw $tcp_no" "udp $gw $udp_ok" "lo"; do
	nsenter -t $sb -U -n -m --preserve-credentials setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all python3 "$T/cli.py" \$c
done
python3 -c '
import socket
c = socket.create_connection(("127.0.0.1", $fwd_port), timeout=3)
print(c.makefile().readline().strip() or "empty", 0)'
EOF
	mark_log
	run_cmd "$NET_TRY" start "$mode" "$sb" --host-loopback --forward "tcp:$fwd_port:$in_port" \
		-- sh "$T/phase1.sh"
	expect "$mode: starts, runs the command, stops (host loopback on)" status 0 \
		err_match '^ready-us [0-9]+$'
	set -- $(printf '%s\n' "$out" | tr ' ' '@')
	result "$(echo "${1:-}" | tr @ ' ')" "$mode: DNS through the forwarder to the test resolver" 192.0.2.77
	result "$(echo "${2:-}" | tr @ ' ')" "$mode: TCP to the host's loopback via $gw" hello-tcp_ok
	result "$(echo "${3:-}" | tr @ ' ')" "$mode: ... another port too (no policy yet)" hello-tcp_no
	result "$(echo "${4:-}" | tr @ ' ')" "$mode: UDP to the host's loopback" echo
	result "$(echo "${5:-}" | tr @ ' ')" "$mode: the sandbox's own loopback" ok
	result "$(echo "${6:-}" | tr @ ' ')" "$mode: --net-forward: the host's 127.0.0.1:$fwd_port reaches the server inside" hello-inside
	check "$mode: ... the host's resolver on its loopback (127.0.0.1)" \
		sh -c "tail -n +$((_log_mark + 1)) '$T/srv.log' | grep -qx 'dns 127.0.0.1'"

	# 2. Host loopback off: the same servers are out of reach.
	mark_log
	run_cmd "$NET_TRY" start "$mode" "$sb" -- \
		nsenter -t "$sb" -U -n -m --preserve-credentials python3 "$T/cli.py" tcp "$gw" "$tcp_ok"
	expect "$mode: starts with host loopback off" status 0
	result "$(printf '%s\n' "$out" | tail -n 1)" "$mode: the host's loopback is out of reach" \
		"refused|timeout|unreachable"
	is "$(new_log | grep -c '^tcp_ok')" 0 "$mode: ... no connection reached the server"

	# 3. The policy: dns, one TCP port, one UDP port.
	run_cmd nsenter -t "$sb" -U -n -m --preserve-credentials \
		"$NET_TRY" apply "$mode" dns "tcp:$gw:$tcp_ok" "udp:$gw:$udp_ok"
	expect "$mode: the policy installs in the sandbox's namespace" status 0 err ""
	cat >"$T/phase3.sh" <<EOF
for c in "tcp $gw $tcp_ok" "tcp $gw $tcp_no" "udp $gw $udp_ok" "udp $gw $udp_no" "dns y.nsbox.test" "lo"; do
	nsenter -t $sb -U -n -m --preserve-credentials setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all python3 "$T/cli.py" \$c
done
EOF
	mark_log
	run_cmd "$NET_TRY" start "$mode" "$sb" --host-loopback -- sh "$T/phase3.sh"
	expect "$mode: starts under the policy" status 0
	set -- $(printf '%s\n' "$out" | tr ' ' '@')
	result "$(echo "${1:-}" | tr @ ' ')" "$mode policy: the allowed TCP port works" hello-tcp_ok
	result "$(echo "${2:-}" | tr @ ' ')" "$mode policy: another TCP port is refused at once (reset)" refused 1000
	result "$(echo "${3:-}" | tr @ ' ')" "$mode policy: the allowed UDP port works" echo
	result "$(echo "${4:-}" | tr @ ' ')" "$mode policy: another UDP port is refused at once" \
		"unreachable|denied|refused" 1000
	result "$(echo "${5:-}" | tr @ ' ')" "$mode policy: 'dns' lets names resolve" 192.0.2.77
	result "$(echo "${6:-}" | tr @ ' ')" "$mode policy: the sandbox's own loopback works" ok
	is "$(new_log | grep -c '^tcp_no')" 0 "$mode policy: ... the refused port never saw a connection"

	run_cmd nsenter -t "$sb" -U -n -m --preserve-credentials \
		setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all nft flush ruleset
	expect "$mode policy: without CAP_NET_ADMIN the rules cannot be flushed" status_not 0
	run_cmd nsenter -t "$sb" -U -n -m --preserve-credentials "$NET_TRY" list
	expect "$mode policy: ... they are still there" status 0 out_has "table inet nsbox"

	# 4. Start-to-ready time, five times.
	times=
	for _i in 1 2 3 4 5; do
		run_cmd "$NET_TRY" start "$mode" "$sb" -- true
		times="$times $(sed -n 's/^ready-us //p' "$T/err")"
	done
	diag "$mode: start to ready (us):$times"

	# 5. The starter SIGKILLed: the helper goes too.
	km="$NSBOX_TEST_MARK-$mode"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" NSBOX_NET_KILLME="$km" \
		"$NET_TRY" start "$mode" "$sb" -- sleep 60 2>"$T/kill.err" &
	starter=$!
	if wait_until 10 grep -q '^ready-us' "$T/kill.err"; then
		before=$(killme_left | tr '\n' ' ')
		kill -KILL "$starter"
		wait "$starter" 2>/dev/null
		if wait_until 5 no_killme_left; then
			ok "$mode: SIGKILL of the starter ends the helper (before: $before)"
		else
			not_ok "$mode: SIGKILL of the starter ends the helper"
			diag "  left: $(killme_left | tr '\n' ' ')"
		fi
	else
		not_ok "$mode: SIGKILL of the starter ends the helper (never ready: $(cat "$T/kill.err"))"
		kill -KILL "$starter" 2>/dev/null
	fi
	# COMMAND (sleep) outlives its starter, as it would nsbox's monitor
	# without a pid namespace: not the helper's business.
	for _p in $(killme_left all); do kill -KILL "${_p%% *}" 2>/dev/null; done

	kill "$in_srv" 2>/dev/null
	kill "$sb" 2>/dev/null
	wait "$sb" 2>/dev/null
}

# killme_left [all]: "PID COMM" of the processes started for the kill
# test ($km in their environment), except COMMAND (sleep) unless "all".
killme_left() {
	for _f in $(grep -l -s -a -F "NSBOX_NET_KILLME=$km" /proc/[0-9]*/environ); do
		_p=${_f#/proc/}
		_p=${_p%/environ}
		_c=$(cat "/proc/$_p/comm" 2>/dev/null) || continue
		[ "${1:-}" != all ] && [ "$_c" = sleep ] && continue
		echo "$_p $_c"
	done
}
no_killme_left() { [ -z "$(killme_left)" ]; }

# The forwarder address nsbox uses for a helper (src/net-rules.c).
nsb_dns4() {
	case $1 in pasta) echo 169.254.1.1 ;; *) echo 10.0.2.3 ;; esac
}

helper_case pasta
helper_case slirp4netns

# A helper that is not there: the message names the Debian package.
run_cmd env PATH=/nonexistent "$NET_TRY" start pasta "$$" -- true
expect "a missing pasta: the message names the package" status 1 \
	err "nsbox: --net pasta: pasta was not found on PATH (Debian package passt)"
run_cmd env PATH=/nonexistent "$NET_TRY" start slirp4netns "$$" -- true
expect "a missing slirp4netns: the message names the package" status 1 \
	err "nsbox: --net slirp4netns: slirp4netns was not found on PATH (Debian package slirp4netns)"

kill "$srv_pid" 2>/dev/null
wait 2>/dev/null
done_testing
