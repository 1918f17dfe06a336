# SPDX-License-Identifier: LGPL-2.1-or-later
# The guard every network test runs behind (netlib.sh): inside it, a packet
# for an address off the machine (TEST-NET 192.0.2.1, 2001:db8::1: nobody's)
# is refused at once and counted; loopback is not touched.
. "${0%/*}/netlib.sh"
. "${0%/*}/lib.sh"

[ -z "${NSBOX_NET_TUN_NOTE:-}" ] || diag "$NSBOX_NET_TUN_NOTE"

is "${NSBOX_NET_GUARDED:-0}" 1 "the script runs in the guarded namespace"
if $is_root; then
	ok "root keeps its capabilities"
else
	is "$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)" 0000000000000000 \
		"an unprivileged run holds no capability"
fi
is "$(ip route show default | awk '{ print $3; exit }')" "$NET_GATEWAY4" \
	"a default route via the uplink"

if ! net_have python3; then
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		not_ok "python3 is needed for the probes (NSBOX_MUST_WORK=1)"
	else
		skip "probes" "python3 is missing"
	fi
	done_testing
	exit
fi

# probe ADDR PORT tcp|udp: how a connection (or a datagram and the wait
# for its answer) ends: "refused", "unreachable", "denied", "ok", "timeout"
# or an errno name; at most 3 s.
cat >"$T/probe.py" <<'EOF'
import errno, socket, sys
addr, port, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
s.settimeout(3)
names = {errno.ECONNREFUSED: "refused", errno.EHOSTUNREACH: "unreachable",
         errno.ENETUNREACH: "unreachable", errno.EPERM: "denied", errno.EACCES: "denied"}
try:
    s.connect((addr, port))
    if proto == "udp":
        s.send(b"x")
        s.recv(16)
    print("ok")
except socket.timeout:
    print("timeout")
except OSError as e:
    print(names.get(e.errno, errno.errorcode.get(e.errno, str(e.errno))))
EOF

before=$(net_leaked)
start=$(date +%s%N)
got=$(python3 "$T/probe.py" 192.0.2.1 9 tcp)
ms=$((($(date +%s%N) - start) / 1000000))
after=$(net_leaked)
case $got in refused | unreachable | denied) ok "TCP to 192.0.2.1 is refused ($got)" ;; *) not_ok "TCP to 192.0.2.1 is refused (got $got)" ;; esac
check "... at once (${ms} ms)" [ "$ms" -lt 2000 ]
# Reading the counters needs CAP_NET_ADMIN: the user run (which has none)
# proves the refusal, the root run the counting.
counted() {
	if [ "$before" != unknown ]; then
		check "... and counted ($before -> $after)" [ "$after" -gt "$before" ]
	fi
}
counted

before=$after
got=$(python3 "$T/probe.py" 2001:db8::1 9 udp)
after=$(net_leaked)
case $got in refused | unreachable | denied) ok "UDP to 2001:db8::1 is refused ($got)" ;; *) not_ok "UDP to 2001:db8::1 is refused (got $got)" ;; esac
counted

before=$after
is "$(python3 "$T/probe.py" 127.0.0.1 9 tcp)" refused "loopback works (nothing listens on 127.0.0.1:9)"
is "$(net_leaked)" "$before" "... and is not counted"
# The uplink's own address is local: delivered through lo, not counted.
is "$(python3 "$T/probe.py" "$NET_UPLINK_ADDR4" 9 tcp)" refused "the uplink's own address is local"
is "$(net_leaked)" "$before" "... and is not counted"

if [ -c /dev/net/tun ] && [ -r /dev/net/tun ] && [ -w /dev/net/tun ]; then
	ok "/dev/net/tun is usable by uid $(id -u)"
else
	not_ok "/dev/net/tun is usable by uid $(id -u) ($(stat -c %a /dev/net/tun 2>&1))"
fi

done_testing
