# SPDX-License-Identifier: LGPL-2.1-or-later
# nsbox's network options end to end, as users run them: --net pasta and
# --net slirp4netns with --net-allow, --net-host-loopback, --net-forward,
# the sandbox's /etc/resolv.conf, what COMMAND cannot do to the rules or to
# the helper, the helper's end; --net none, host and --netns as
# bubblewrap's modes; the last network option winning; the agent sandbox
# of the man page. Everything runs in netlib.sh's guarded namespace and
# only reaches servers this script starts on 127.0.0.1 (the host's
# loopback, which the sandbox reaches at the helper's gateway address) or
# inside the sandbox.
. "${0%/*}/netlib.sh"
. "${0%/*}/lib.sh"

# need DESC CMD...: true if every CMD exists; else skip DESC (a failure
# under NSBOX_MUST_WORK=1).
need() {
	_n_desc=$1
	shift
	for _n in "$@"; do
		net_have "$_n" && continue
		if [ "${NSBOX_MUST_WORK:-0}" = 1 ]; then
			not_ok "$_n_desc: $_n is missing (NSBOX_MUST_WORK=1)"
		else
			skip "$_n_desc" "$_n is missing"
		fi
		return 1
	done
}

if ! need "network options" python3 nsenter; then
	done_testing
	exit
fi

# --- the host side: servers on 127.0.0.1 ----------------------------------------------------

# The client, inside: one check per call, one line "RESULT MS".
net_write_client "$T/cli.py"
chmod a+r "$T/cli.py"

if ! net_start_servers dns=127.0.0.1 tcp=index:443 a=pkg-pasta.nsbox.test=192.0.2.1 a=pkg-slirp4netns.nsbox.test=10.0.2.2 a=x.nsbox.test=192.0.2.77; then
	not_ok "the test servers start"
	diag "$(cat "$T/srv.out" 2>/dev/null)"
	done_testing
	exit
fi
ok "the test servers start"

# The sandbox's root: /usr, /proc, /dev, the scripts, the control directory.
NROOT="$ROOT --ro-bind $T/cli.py /cli.py $CTL"
cli="python3 /cli.py"

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
	*)
		not_ok "$2 (got '$1', wanted $3)"
		_show_run
		;;
	esac
}

# line N: line N of the last run's stdout.
line() { sed -n "${1}p" "$T/out"; }

mark_log() { _log_mark=$(wc -l <"$T/srv.log" 2>/dev/null || echo 0); }
new_log() { tail -n +"$((_log_mark + 1))" "$T/srv.log" 2>/dev/null; }

# helpers_of PID: "PID COMM" of the pasta or slirp4netns processes below
# PID (an nsbox: pasta runs under a keeper, a fork of nsbox). Other test
# scripts may be running helpers meanwhile, and pasta's environment is not
# readable by its own user (it is not dumpable): by ancestry, then.
helpers_of() {
	for _p in $(descendants "$1"); do
		_c=$(cat "/proc/$_p/comm" 2>/dev/null) || continue
		case $_c in pasta* | passt* | slirp4netns*) echo "$_p $_c" ;; esac
	done
}
has_helper() { [ -n "$(helpers_of "$1")" ]; }
# gone PID...: none of them is running any more.
gone() {
	for _p in "$@"; do
		[ ! -e "/proc/$_p" ] || return 1
	done
}

# Does CapEff (hex, in $1) hold CAP_NET_ADMIN (12)?
has_net_admin() { [ $(((0x$1 >> 12) & 1)) = 1 ]; }

# --- one helper ----------------------------------------------------------------------------

helper_case() {
	mode=$1
	if [ "$mode" = pasta ]; then
		gw=$NET_GATEWAY4
		fwd_addr=127.0.0.1
	else
		gw=10.0.2.2
		fwd_addr=0.0.0.0
	fi
	need "--net $mode" "$mode" || return 0

	# 1. The policy: one TCP port, one UDP port, dns; what COMMAND tries
	#    against the rules.
	mark_log
	run_nsbox $NROOT --net "$mode" --net-host-loopback --net-allow "tcp:$gw:$tcp_ok" \
		--net-allow "udp:$gw:$udp_ok" --net-allow dns -- sh -c "
		$cli tcp $gw $tcp_ok; $cli tcp $gw $tcp_no; $cli udp $gw $udp_ok
		$cli udp $gw $udp_no; $cli dns x.nsbox.test; $cli lo
		nft flush ruleset 2>/dev/null; echo flush \$? 0
		nft add table inet evil 2>/dev/null; echo add \$? 0
		$cli tcp $gw $tcp_no
		echo cap \$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"
	expect "--net $mode --net-allow: COMMAND runs" status 0
	result "$(line 1)" "--net $mode: the allowed TCP port of the host's loopback answers" hello-tcp_ok
	result "$(line 2)" "--net $mode: another TCP port is refused at once" refused 1000
	result "$(line 3)" "--net $mode: the allowed UDP port answers" echo
	result "$(line 4)" "--net $mode: another UDP port is refused at once" \
		"unreachable|denied|refused" 1000
	result "$(line 5)" "--net $mode: --net-allow dns: a name resolves through the test resolver on the host's loopback" 192.0.2.77
	result "$(line 6)" "--net $mode: the sandbox's own loopback works" ok
	case $(line 7) in "flush 0"*) not_ok "--net $mode: COMMAND cannot flush the rules (nft flush ruleset succeeded)" ;;
	"flush "*) ok "--net $mode: COMMAND cannot flush the rules ($(line 7 | cut -d' ' -f1,2))" ;;
	*) not_ok "--net $mode: COMMAND cannot flush the rules (no answer)" ;; esac
	case $(line 8) in "add 0"*) not_ok "--net $mode: COMMAND cannot add rules" ;;
	"add "*) ok "--net $mode: COMMAND cannot add rules ($(line 8 | cut -d' ' -f1,2))" ;;
	*) not_ok "--net $mode: COMMAND cannot add rules (no answer)" ;; esac
	result "$(line 9)" "--net $mode: ... the refused port is still refused" refused 1000
	capeff=$(line 10 | cut -d' ' -f2)
	if [ -n "$capeff" ] && ! has_net_admin "$capeff"; then
		ok "--net $mode: COMMAND holds no CAP_NET_ADMIN (CapEff $capeff)"
	else
		not_ok "--net $mode: COMMAND holds no CAP_NET_ADMIN (CapEff '$capeff')"
	fi
	is "$(new_log | grep -c '^tcp_no')" 0 "--net $mode: the refused TCP port never saw a connection"
	is "$(new_log | grep -c '^udp_no')" 0 "--net $mode: the refused UDP port never saw a packet"

	# 2. uid 0 inside gets no CAP_NET_ADMIN either.
	run_nsbox $NROOT --unshare-user --uid 0 --net "$mode" --net-allow dns -- sh -c "
		id -u; sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status
		nft flush ruleset 2>/dev/null; echo \$?"
	capeff=$(line 2)
	if [ "$status" = 0 ] && [ "$(line 1)" = 0 ] && [ -n "$capeff" ] && ! has_net_admin "$capeff" &&
		[ "$(line 3)" != 0 ]; then
		ok "--net $mode --uid 0: no CAP_NET_ADMIN, the rules stay (CapEff $capeff)"
	else
		not_ok "--net $mode --uid 0: no CAP_NET_ADMIN, the rules stay"
		_show_run
	fi

	# 3. Without --net-host-loopback the host's loopback is out of reach:
	#    127.0.0.1 is the sandbox's own; slirp4netns's 10.0.2.2 leads
	#    nowhere (it refuses by itself). pasta's gateway address would then
	#    be the real gateway, another address: not tried.
	mark_log
	if [ "$mode" = pasta ]; then
		run_nsbox $NROOT --net "$mode" -- $cli tcp 127.0.0.1 "$tcp_ok"
	else
		run_nsbox $NROOT --net "$mode" -- sh -c "$cli tcp 127.0.0.1 $tcp_ok; $cli tcp $gw $tcp_ok"
	fi
	expect "--net $mode without --net-host-loopback: COMMAND runs" status 0
	result "$(line 1)" "--net $mode: the host's loopback is not the sandbox's 127.0.0.1" refused 1000
	[ "$mode" = pasta ] ||
		result "$(line 2)" "--net $mode: $gw does not lead to the host's loopback without --net-host-loopback" \
			"refused|unreachable|denied" 1000
	is "$(new_log | grep -c '^tcp_ok')" 0 "--net $mode: ... no connection reached the server"

	# 4. The sandbox's resolv.conf names the forwarder; one the command
	#    line places is left alone.
	run_nsbox $NROOT --net "$mode" -- sh -c 'cat /etc/resolv.conf; test -w /etc/resolv.conf && echo writable; true'
	if [ "$mode" = pasta ]; then ns=169.254.1.1; else ns=10.0.2.3; fi
	expect "--net $mode: /etc/resolv.conf names the helper's forwarder, read-only" status 0 \
		out_match "^nameserver $ns\$" out_lacks writable out_lacks 127.0.0.1
	printf 'nameserver 192.0.2.53\n' >"$T/my-resolv.conf"
	run_nsbox $NROOT --ro-bind "$T/my-resolv.conf" /etc/resolv.conf --net "$mode" -- cat /etc/resolv.conf
	expect "--net $mode: a resolv.conf the command line places is left alone" status 0 \
		out "nameserver 192.0.2.53"

	# ... and one that is a symbolic link in the new root (systemd-resolved's
	# way) is followed inside it.
	mkdir -p "$T/etc.$mode"
	ln -sf ../run/systemd/resolve/stub-resolv.conf "$T/etc.$mode/resolv.conf"
	run_nsbox $NROOT --ro-bind "$T/etc.$mode" /etc --net "$mode" -- sh -c \
		'cat /etc/resolv.conf; readlink /etc/resolv.conf; cat /run/systemd/resolve/stub-resolv.conf'
	expect "--net $mode: a symlinked /etc/resolv.conf is followed inside the new root" status 0 \
		out_match "^nameserver $ns\$" out_has "../run/systemd/resolve/stub-resolv.conf"
	check "--net $mode: ... the host's link target is untouched" test ! -e "$T/run"

	# The plan and the steps.
	run_nsbox --dry-run $NROOT --net "$mode" --net-allow dns --net-forward 8080 -- true
	expect "--net $mode --dry-run: the helper, the forward, resolv.conf and the rules" status 0 \
		out_has "outbound IPv4 and IPv6 through $mode" out_has "the host's 127.0.0.1:8080 (tcp)" \
		out_match "^    nameserver $ns\$" out_has "table inet nsbox" \
		out_has "a pid namespace is implied"
	run_nsbox --verbose $NROOT --net "$mode" --net-allow dns -- true
	expect "--net $mode --verbose: each network step" status 0 \
		err_has "nsbox: --net $mode: the helper is " err_has "nsbox: --net-allow: nftables rules installed" \
		err_match "nsbox: --net $mode: $mode started \(pid [0-9]+\), network ready after [0-9]+ ms" \
		err_has "nsbox: the network is ready" err_has "nsbox: the network helper has ended"

	# 5. --net-forward: the host's 127.0.0.1:PORT reaches a server inside.
	fwd_port=$((20000 + ($$ + ${#mode}) % 20000))
	in_port=8$((${#mode} % 10))80
	rm -f "$C/listening"
	bg $NROOT --net "$mode" --net-forward "tcp:$fwd_port:$in_port" -- python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$fwd_addr', $in_port)); s.listen(2); s.settimeout(15)
open('/ctl/listening', 'w').close()
c = s.accept()[0]; c.sendall(b'hello-inside\n'); c.close()"
	if wait_until 10 test -e "$C/listening"; then
		run_cmd python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', $fwd_port), timeout=3)
print(c.makefile().readline().strip() or 'empty')"
		expect "--net $mode --net-forward: the host's 127.0.0.1:$fwd_port reaches the server inside" \
			status 0 out hello-inside
	else
		not_ok "--net $mode --net-forward: the server inside starts"
		diag "$(cat "$T/bg.err")"
	fi
	wait_bg
	is "$bg_status" 0 "--net $mode --net-forward: the sandbox ends well"

	# 6. COMMAND can neither see nor signal the helper; the helper goes
	#    with the sandbox.
	rm -f "$C/hpid" "$C/seen"
	bg $NROOT --net "$mode" -- sh -c '
		i=0; while [ ! -s /ctl/hpid ] && [ $i -lt 400 ]; do sleep 0.025; i=$((i + 1)); done
		h=$(cat /ctl/hpid)
		kill -KILL "$h" 2>/dev/null && echo killed || echo not-killed
		[ -e "/proc/$h" ] && echo visible || echo invisible
		cat /proc/[0-9]*/comm 2>/dev/null | grep -c -E "^(pasta|passt|slirp4netns)"
		: >/ctl/seen'
	if wait_until 10 has_helper "$bg"; then
		hpid=$(helpers_of "$bg" | head -n 1 | cut -d' ' -f1)
		echo "$hpid" >"$C/hpid"
		wait_until 10 test -e "$C/seen"
		wait_bg
		printf '%s\n' "$(cat "$T/bg.out")" >"$T/out"
		out=$(cat "$T/out")
		is "$(line 1)/$(line 2)/$(line 3)" "not-killed/invisible/0" \
			"--net $mode: COMMAND can neither signal the helper nor see it (pid $hpid on the host)"
		if wait_until 5 gone "$hpid"; then
			ok "--net $mode: the helper is gone once the sandbox has ended"
		else
			not_ok "--net $mode: the helper is gone once the sandbox has ended"
			diag "  left: $hpid $(cat "/proc/$hpid/comm" 2>/dev/null)"
		fi
	else
		not_ok "--net $mode: the helper runs while the sandbox does"
		: >"$C/hpid"
		wait_bg
	fi

	# 7. nsbox SIGKILLed mid-run: the helper goes too.
	bg_direct $NROOT --die-with-parent --net "$mode" -- sh -c ': >/ctl/ready; sleep 20'
	if wait_until 10 test -e "$C/ready" && has_helper "$bg"; then
		before=$(helpers_of "$bg" | tr '\n' ' ')
		all=$(descendants "$bg")
		kill -KILL "$bg"
		wait "$bg" 2>/dev/null
		# shellcheck disable=SC2086
		if wait_until 5 gone $all; then
			ok "--net $mode: SIGKILL of nsbox ends the helper (was: $before)"
		else
			not_ok "--net $mode: SIGKILL of nsbox ends the helper"
			for _p in $all; do
				gone "$_p" || diag "  left: $_p $(cat "/proc/$_p/comm" 2>/dev/null)"
			done
		fi
	else
		not_ok "--net $mode: SIGKILL of nsbox ends the helper (never ready: $(cat "$T/bg.err"))"
		kill -KILL "$bg" 2>/dev/null
		wait "$bg" 2>/dev/null
	fi

	# 8. A helper that is not on PATH.
	case $mode in pasta) pkg=passt ;; *) pkg=slirp4netns ;; esac
	run_cmd env PATH=/nonexistent "$NSBOX" $NROOT --net "$mode" -- /usr/bin/true
	expect_error "--net $mode: a helper missing from PATH is an error naming the package" \
		"nsbox: --net $mode: $mode was not found on PATH (Debian package $pkg)"
}

helper_case pasta
helper_case slirp4netns

# --- refusals -------------------------------------------------------------------------------

run_nsbox $NROOT --net pasta --cap-add CAP_NET_ADMIN --net-allow dns -- true
expect_error "--cap-add CAP_NET_ADMIN with --net-allow is refused" \
	"--cap-add CAP_NET_ADMIN (argument" "cannot be combined with --net-allow"
run_nsbox $NROOT --net host --net-allow dns -- true
expect_error "--net-allow with --net host is refused, pointing at --landlock-tcp-connect" \
	"cannot filter the host's network" "--landlock-tcp-connect" "--net pasta"
run_nsbox $NROOT --net none --net-allow dns -- true
expect_error "--net-allow with --net none is refused" "nothing to allow"

# --- bubblewrap's modes under their names ------------------------------------------------

run_nsbox $NROOT --unshare-net -- cat /proc/net/dev
unshare_dev=$(sed -n 's/^ *\([a-z0-9]*\):.*/\1/p' "$T/out" | sort | tr '\n' ' ')
run_nsbox $NROOT --net none -- cat /proc/net/dev
expect "--net none: only lo, as --unshare-net" status 0 out_lacks up0
is "$(sed -n 's/^ *\([a-z0-9]*\):.*/\1/p' "$T/out" | sort | tr '\n' ' ')" "$unshare_dev" \
	"--net none: the same devices as --unshare-net ($unshare_dev)"
run_nsbox $NROOT --net host -- readlink /proc/self/ns/net
expect "--net host: the caller's network namespace" status 0 out "$(readlink /proc/self/ns/net)"
run_nsbox $NROOT --unshare-all --net host -- readlink /proc/self/ns/net
expect "--unshare-all --net host: the caller's network, no warning" status 0 \
	out "$(readlink /proc/self/ns/net)" err ""

# --netns: root joins any; a user must join the owning user namespace too.
rm -f "$T/nsready"
if $is_root; then
	NSBOX_TEST_CHILD=$NSBOX_TEST_MARK unshare --net sh -c 'touch "$1"; exec sleep 60' sh "$T/nsready" &
else
	NSBOX_TEST_CHILD=$NSBOX_TEST_MARK unshare --user --map-root-user --net sh -c 'touch "$1"; exec sleep 60' sh "$T/nsready" &
fi
nsp=$!
if wait_until 5 test -e "$T/nsready"; then
	want=$(readlink "/proc/$nsp/ns/net")
	if $is_root; then
		run_nsbox $NROOT --netns 3 -- readlink /proc/self/ns/net 3<"/proc/$nsp/ns/net"
		expect "--netns: COMMAND is in the joined network namespace" status 0 out "$want"
		run_nsbox $NROOT --netns 3 --net-allow "tcp:192.0.2.1:443" -- true 3<"/proc/$nsp/ns/net"
		expect "--netns --net-allow: installed in the joined namespace" status 0
		run_cmd nsenter -t "$nsp" -n nft list table inet nsbox
		expect "--netns --net-allow: ... the table is there" status 0 out_has "192.0.2.1"
		run_nsbox $NROOT --net pasta --netns 3 -- readlink /proc/self/ns/net 3<"/proc/$nsp/ns/net"
		expect "--netns after --net pasta: the last one wins, with a warning" status 0 \
			out "$want" err_has "--netns 3 (argument" err_has "overrides --net pasta"
	else
		run_nsbox $NROOT --netns 3 -- true 3<"/proc/$nsp/ns/net"
		expect_error "--netns without the owning user namespace: refused with the hint" \
			"--netns 3: cannot join the network namespace" "--userns"
		run_nsbox $NROOT --userns 4 --netns 3 -- readlink /proc/self/ns/net \
			3<"/proc/$nsp/ns/net" 4<"/proc/$nsp/ns/user"
		expect "--netns with --userns: COMMAND is in the joined network namespace" status 0 out "$want"
		run_nsbox $NROOT --userns 4 --netns 3 --net-allow "tcp:192.0.2.1:443" -- true \
			3<"/proc/$nsp/ns/net" 4<"/proc/$nsp/ns/user"
		expect "--netns --userns --net-allow: installed in the joined namespace" status 0
		run_cmd nsenter -t "$nsp" -U -n --preserve-credentials nft list table inet nsbox
		expect "--netns --net-allow: ... the table is there" status 0 out_has "192.0.2.1"
		run_nsbox $NROOT --net pasta --userns 4 --netns 3 -- readlink /proc/self/ns/net \
			3<"/proc/$nsp/ns/net" 4<"/proc/$nsp/ns/user"
		expect "--netns after --net pasta: the last one wins, with a warning" status 0 \
			out "$want" err_has "--netns 3 (argument" err_has "overrides --net pasta"
	fi
else
	not_ok "a network namespace to join"
fi
kill "$nsp" 2>/dev/null
wait "$nsp" 2>/dev/null

# --pidns with a helper: the pid namespace a helper implies goes below the
# joined one (a relay process in between), and the helper still attaches.
if net_have pasta; then
	rm -f "$T/pidready"
	if $is_root; then
		NSBOX_TEST_CHILD=$NSBOX_TEST_MARK unshare --pid --fork sh -c 'touch "$1"; exec sleep 60' sh "$T/pidready" &
	else
		NSBOX_TEST_CHILD=$NSBOX_TEST_MARK unshare --user --map-root-user --pid --fork sh -c 'touch "$1"; exec sleep 60' sh "$T/pidready" &
	fi
	pnp=$!
	if wait_until 5 test -e "$T/pidready"; then
		pns=$(pgrep -P "$pnp" | head -n 1)
		[ -n "$pns" ] || pns=$pnp
		if $is_root; then
			run_nsbox $NROOT --pidns 3 --net pasta -- sh -c 'grep -c "^ *up0:" /proc/net/dev' \
				3<"/proc/$pns/ns/pid"
		else
			run_nsbox $NROOT --userns 4 --pidns 3 --net pasta -- sh -c 'grep -c "^ *up0:" /proc/net/dev' \
				3<"/proc/$pns/ns/pid" 4<"/proc/$pns/ns/user"
		fi
		expect "--pidns with --net pasta: the helper configures the sandbox below the relay" \
			status 0 out 1
	else
		not_ok "a pid namespace to join"
	fi
	kill "$pnp" 2>/dev/null
	wait "$pnp" 2>/dev/null
fi

# The last network option wins, with a warning.
run_nsbox $NROOT --net pasta --unshare-net -- cat /proc/net/dev
expect "--net pasta --unshare-net: the last wins (only lo), with a warning" status 0 \
	out_lacks up0 err_has "--unshare-net (argument" err_has "overrides --net pasta"
run_nsbox $NROOT --share-net --net none -- cat /proc/net/dev
expect "--share-net --net none: the last wins (only lo), with a warning" status 0 \
	out_lacks up0 err_has "--net none (argument" err_has "overrides --share-net"
if net_have pasta; then
	run_nsbox $NROOT --unshare-all --net pasta -- cat /proc/net/dev
	expect "--unshare-all --net pasta: pasta's network, no warning" status 0 out_has up0 err ""
fi

# --- the agent sandbox of the man page -----------------------------------------------------
# "An agent sandbox can be written as one nsbox command line: read-only
# host, writable project, --net pasta --net-allow dns --net-allow
# tcp:PACKAGE_INDEX:443, --scope-abstract-af-unix, --seccomp-profile
# default": the index is the test's server on the host's loopback, port
# 443, named pkg-pasta.nsbox.test by the test resolver (so reached at the
# gateway address, hence --net-host-loopback).
if net_have pasta; then
	scratch_dir proj
	mark_log
	run_nsbox --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp \
		--ro-bind "$T/cli.py" /tmp/cli.py --bind "$proj" "$proj" --chdir "$proj" \
		--net pasta --net-host-loopback --net-allow dns --net-allow tcp:pkg-pasta.nsbox.test:443 \
		--scope-abstract-af-unix --seccomp-profile default -- sh -c "
		python3 /tmp/cli.py tcp pkg-pasta.nsbox.test 443
		python3 /tmp/cli.py tcp pkg-pasta.nsbox.test $tcp_ok
		echo fetched >fetched && echo project-writable
		(echo x >/etc/nsbox-agent-test) 2>/dev/null && echo host-writable || echo host-read-only"
	expect "agent sandbox: COMMAND runs" status 0
	result "$(line 1)" "agent sandbox: the package index answers on 443" hello-index
	result "$(line 2)" "agent sandbox: another port of it is refused at once" refused 1000
	expect "agent sandbox: the project is writable, the host is not" status 0 \
		out_has project-writable out_has host-read-only
	check "agent sandbox: ... the file is in the project on the host" test -s "$proj/fetched"
	is "$(new_log | grep -c '^index')" 1 "agent sandbox: the index saw one connection"
else
	skip "agent sandbox" "pasta is missing"
fi

kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
done_testing
