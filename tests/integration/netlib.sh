# SPDX-License-Identifier: LGPL-2.1-or-later
# Network tests run in a network namespace of their own whose uplink
# refuses everything that does not stay on the machine, so that a bug can
# never send a packet anywhere. A t-net-*.sh script sources this file
# FIRST (before lib.sh):
#
#   . "${0%/*}/netlib.sh"
#   . "${0%/*}/lib.sh"
#
# and is then re-executed inside the guarded namespace, as the same user:
#   root:       unshare --net --mount (root keeps its own capabilities)
#   any other:  unshare --user --net --mount mapping the user to itself;
#               the capabilities of that user namespace are used for the
#               set-up only and dropped before the script runs, so the
#               tests run as an ordinary unprivileged user.
#
# Inside:
#   lo up; an uplink "up0" (one end of a veth pair whose other end leads
#   nowhere) with 192.0.2.2/24 and 2001:db8::2/64 (documentation
#   prefixes, RFC 5737 / RFC 3849) and default routes via .1 / ::1, so
#   that pasta and slirp4netns find a routable interface;
#   an nftables table "inet nsbox_guard" whose output and forward chains
#   accept what goes through lo and reject (at once, counted) everything
#   else: ICMPv6 in the counter "leaked_icmpv6" (the kernel's own router
#   solicitations and multicast reports for up0 land there, at times the
#   tests do not choose), the rest in "leaked";
#   /etc/resolv.conf (a bind mount) naming 127.0.0.1 then 192.0.2.2, the
#   addresses where t-net scripts may start a test resolver (the first is
#   on loopback, as systemd-resolved's 127.0.0.53 is: the helpers' DNS
#   forwarders must reach it);
#   net.ipv4.ip_unprivileged_port_start=0 in that namespace, so that the
#   unprivileged run can start its resolver on port 53.
#
# Also, as root only: /dev/net/tun is made 0666 (Debian's default) if it
# is not, because both helpers open it as the calling user; the change is
# reported with a diag line (CI runs as root first, then as uid 65534).
#
# After the re-execution, NSBOX_NET_GUARDED=1 and these are available:
#   net_leaked               packets (not ICMPv6) the guard refused so far,
#                            or "unknown" in the unprivileged run (reading
#                            counters needs CAP_NET_ADMIN; the root run
#                            checks the counting)
#   net_have CMD...          true if every CMD is on PATH
#   NET_UPLINK_ADDR4/6, NET_GATEWAY4
#
# When the namespace cannot be built (a tool missing, the kernel refusing
# user namespaces), the script is skipped as a whole; with
# NSBOX_MUST_WORK=1 that is a failure. Tests never run unguarded.

NET_UPLINK_ADDR4=192.0.2.2
NET_UPLINK_ADDR6=2001:db8::2
NET_GATEWAY4=192.0.2.1

_net_skip_all() {
	if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - guarded network namespace: $1 (NSBOX_MUST_WORK=1)"
		exit 1
	fi
	echo "1..0 # SKIP guarded network namespace: $1"
	exit 0
}

net_have() {
	for _nh in "$@"; do
		command -v "$_nh" >/dev/null 2>&1 || return 1
	done
}

# Build the guard in the current (new, empty) network namespace.
_net_guard_setup() {
	ip link set lo up &&
		ip link add up0 type veth peer name up0p &&
		ip link set up0p up &&
		ip link set up0 up &&
		ip addr add "$NET_UPLINK_ADDR4/24" dev up0 &&
		ip -6 addr add "$NET_UPLINK_ADDR6/64" dev up0 nodad &&
		ip route add default via "$NET_GATEWAY4" &&
		ip -6 route add default via 2001:db8::1 &&
		nft -f - <<'EOF'
table inet nsbox_guard {
	counter leaked {
	}
	counter leaked_icmpv6 {
	}
	chain output {
		type filter hook output priority -300; policy accept;
		oifname "lo" accept
		meta l4proto ipv6-icmp counter name "leaked_icmpv6" reject with icmpx admin-prohibited
		counter name "leaked" reject with icmpx admin-prohibited
	}
	chain forward {
		type filter hook forward priority -300; policy accept;
		meta l4proto ipv6-icmp counter name "leaked_icmpv6" reject with icmpx admin-prohibited
		counter name "leaked" reject with icmpx admin-prohibited
	}
}
EOF
}

net_leaked() {
	nft list counter inet nsbox_guard leaked 2>/dev/null |
		awk '$1 == "packets" { print $2; found = 1 } END { if (!found) print "unknown" }'
}

if [ "${NSBOX_NET_GUARDED:-0}" != 1 ]; then
	if [ "${NSBOX_NET_SETUP:-0}" != 1 ]; then
		net_have unshare setpriv ip nft || _net_skip_all "needs unshare, setpriv, ip (iproute2) and nft (nftables)"
		if [ "$(id -u)" = 0 ]; then
			_net_unshare="unshare --net --mount"
		else
			_net_unshare="unshare --user --map-current-user --keep-caps --net --mount"
		fi
		NSBOX_NET_SETUP=1 exec $_net_unshare sh "$0" "$@" ||
			_net_skip_all "unshare refused"
	fi
	# In the new namespaces, still holding the capabilities to set up.
	_net_err=$(_net_guard_setup 2>&1) || _net_skip_all "set-up failed: $_net_err"
	_net_rc_dir=$(mktemp -d "${TMPDIR:-/tmp}/nsbox-net.XXXXXX") || _net_skip_all "mktemp"
	printf 'nameserver 127.0.0.1\nnameserver %s\n' "$NET_UPLINK_ADDR4" >"$_net_rc_dir/resolv.conf"
	chmod 0755 "$_net_rc_dir"
	chmod 0644 "$_net_rc_dir/resolv.conf"
	# A symlinked /etc/resolv.conf (systemd-resolved) is followed by the
	# bind mount: its target is covered, which is what readers see.
	mount --bind "$_net_rc_dir/resolv.conf" /etc/resolv.conf ||
		_net_skip_all "cannot bind a resolv.conf over /etc/resolv.conf"
	echo 0 >/proc/sys/net/ipv4/ip_unprivileged_port_start ||
		_net_skip_all "cannot set ip_unprivileged_port_start"
	_net_tun_note=
	if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ]; then
		case $(stat -c %a /dev/net/tun) in
		666) ;;
		*)
			_net_tun_note="/dev/net/tun was $(stat -c %a /dev/net/tun), made 0666 (Debian's default) so that unprivileged users can run pasta and slirp4netns"
			chmod 0666 /dev/net/tun
			;;
		esac
	fi
	export NSBOX_NET_GUARDED=1 NSBOX_NET_TUN_NOTE="$_net_tun_note" NSBOX_NET_RC_DIR="$_net_rc_dir"
	unset NSBOX_NET_SETUP
	if [ "$(id -u)" = 0 ]; then
		exec sh "$0" "$@"
	fi
	# An ordinary user from here on: no capability left, ambient or not.
	exec setpriv --inh-caps=-all --ambient-caps=-all sh "$0" "$@"
fi

# net_write_client FILE: the probe the network tests run inside a sandbox
# (python3 FILE WHAT ARGS...): one check per call, one line "RESULT MS".
net_write_client() {
	cat >"$1" <<'EOF'
import errno, socket, sys, time
what = sys.argv[1]
t0 = time.monotonic()
names = {errno.ECONNREFUSED: "refused", errno.EHOSTUNREACH: "unreachable",
         errno.ENETUNREACH: "unreachable", errno.EPERM: "denied", errno.EACCES: "denied"}
def run():
    if what == "dns":
        return socket.getaddrinfo(sys.argv[2], 80, socket.AF_INET)[0][4][0]
    if what == "lo":
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        c = socket.create_connection(srv.getsockname(), timeout=3)
        srv.accept()[0].sendall(b"x")
        return "ok" if c.recv(1) == b"x" else "bad"
    addr, port = sys.argv[2], int(sys.argv[3])
    if what == "tcp":
        c = socket.create_connection((addr, port), timeout=3)
        return c.makefile().readline().strip() or "empty"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((addr, port))
    s.send(b"ping")
    return "echo" if s.recv(16) == b"ping" else "bad"
try:
    r = run()
except socket.timeout:
    r = "timeout"
except socket.gaierror as e:
    r = "gaierror"
except OSError as e:
    r = names.get(e.errno, errno.errorcode.get(e.errno, str(e.errno)))
print(r, int((time.monotonic() - t0) * 1000))
EOF
}

# net_start_servers [dns=ADDR]... [tcp=NAME:PORT]... [a=NAME=ADDR]...: the
# test servers on the host, in the background ($srv_pid), until the
# script ends (at most 300 s): TCP servers tcp_ok and tcp_no and UDP echo
# servers udp_ok and udp_no on ephemeral ports of 127.0.0.1, TCP servers
# NAME on fixed ports, and a DNS resolver on ADDR:53 answering A records
# for the names given (*.SUFFIX for every name under it; other names get
# NXDOMAIN). Every request is logged to $T/srv.log ("NAME from ADDR",
# "dns ADDR"). Sets tcp_ok, tcp_no, udp_ok and udp_no to the ports once
# the servers listen; 1 if they do not start ($T/srv.out says why).
net_start_servers() {
	cat >"$T/srv.py" <<'EOF'
import select, socket, struct, sys, time, os
log = open(sys.argv[2], "a", buffering=1)
def sock(kind, addr, port):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(64)
    return s
tcp = {n: sock(socket.SOCK_STREAM, "127.0.0.1", 0) for n in ("tcp_ok", "tcp_no")}
udp = {n: sock(socket.SOCK_DGRAM, "127.0.0.1", 0) for n in ("udp_ok", "udp_no")}
dns, names = [], {}
for arg in sys.argv[3:]:
    kind, _, val = arg.partition("=")
    if kind == "dns":
        dns.append(sock(socket.SOCK_DGRAM, val, 53))
    elif kind == "tcp":
        n, _, port = val.partition(":")
        tcp[n] = sock(socket.SOCK_STREAM, "127.0.0.1", int(port))
    elif kind == "a":
        n, _, addr = val.partition("=")
        names[n.lower()] = addr
ports = {n: s.getsockname()[1] for n, s in list(tcp.items()) + list(udp.items())}
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(" ".join("%s=%d" % kv for kv in ports.items()) + "\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def lookup(q):
    labels, i = [], 12
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace").lower())
        i += 1 + q[i]
    name = ".".join(labels)
    for n, addr in names.items():
        if name == n or (n.startswith("*.") and name.endswith(n[1:])):
            return addr, i
    return None, i
def answer(q):
    addr, i = lookup(q)
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    n = 1 if addr and qtype == 1 else 0
    hdr = q[:2] + struct.pack("!HHHHH", 0x8180 if addr else 0x8183, 1, n, 0, 0)
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(addr) if n else b""
    return hdr + q[12:i + 5] + rr
end = time.time() + 300
socks = list(tcp.values()) + list(udp.values()) + dns
while time.time() < end:
    for s in select.select(socks, [], [], 1)[0]:
        if s in dns:
            q, a = s.recvfrom(512)
            log.write("dns %s\n" % s.getsockname()[0])
            s.sendto(answer(q), a)
        elif s.type == socket.SOCK_STREAM:
            c, a = s.accept()
            name = [n for n, x in tcp.items() if x is s][0]
            log.write("%s from %s\n" % (name, a[0]))
            c.sendall(("hello-%s\n" % name).encode())
            c.close()
        else:
            d, a = s.recvfrom(512)
            name = [n for n, x in udp.items() if x is s][0]
            log.write("%s from %s\n" % (name, a[0]))
            s.sendto(d, a)
EOF
	chmod a+r "$T/srv.py"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" python3 "$T/srv.py" "$T/ports" "$T/srv.log" "$@" \
		>"$T/srv.out" 2>&1 &
	srv_pid=$!
	wait_until 10 test -s "$T/ports" || return 1
	eval "$(cat "$T/ports")"
}
