# SPDX-License-Identifier: LGPL-2.1-or-later
# Namespaces and identity: the automatic user namespace, --uid/--gid, the
# network, UTS, PID, IPC and cgroup namespaces, --unshare-all/--share-net.
. "${0%/*}/lib.sh"

uid=$(id -u)
gid=$(id -g)

# ns_check DESC OPTIONS NEW SAME: run with OPTIONS (one string, split on
# blanks); every namespace in NEW must differ from the host's, every one in
# SAME must be the host's.
ns_check() {
	_names="$3 $4"
	# shellcheck disable=SC2086
	run_box $2 sh -c 'for n in '"$_names"'; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	[ "$status" = 0 ] || _because "status $status"
	for _n in $3; do
		_in=$(sed -n "s/^$_n //p" "$T/out")
		_host=$(readlink "/proc/self/ns/$_n")
		[ -n "$_in" ] && [ "$_in" != "$_host" ] || _because "$_n namespace is the host's ($_host)"
	done
	for _n in $4; do
		_in=$(sed -n "s/^$_n //p" "$T/out")
		_host=$(readlink "/proc/self/ns/$_n")
		[ "$_in" = "$_host" ] || _because "$_n namespace is '$_in', not the host's $_host"
	done
	_verdict "$1"
}

# --- identity ----------------------------------------------------------------------

run_box sh -c 'id -u; id -g'
expect "uid and gid inside are the caller's ($uid/$gid)" status 0 out "$(printf '%s\n%s' "$uid" "$gid")"

if $is_root; then
	ns_check "as root, no user namespace unless asked" "" "" "user"
else
	ns_check "unprivileged: a user namespace is created without asking" "" "user" ""
fi

if need_userns "--uid/--gid pick the ids inside"; then
	run_box --unshare-user --uid 1234 --gid 5678 sh -c 'id -u; id -g'
	expect "--uid/--gid pick the ids inside" status 0 out "$(printf '1234\n5678')"
fi
if need_userns "--uid/--gid take ids above 2^31"; then
	run_box --unshare-user --uid 4000000000 --gid 4000000000 sh -c 'id -u; id -g'
	expect "--uid/--gid take ids above 2^31" status 0 out "$(printf '4000000000\n4000000000')"
fi
if need_userns "--uid 0 gives uid 0 inside"; then
	run_box --unshare-user --uid 0 --gid 0 sh -c 'id -u; id -g'
	expect "--uid 0 gives uid 0 inside" status 0 out "$(printf '0\n0')"
fi

if $is_root; then
	run_box --uid 1000 true
	expect_error "as root, --uid without a user namespace is refused" "--uid"
	run_box --gid 1000 true
	expect_error "as root, --gid without a user namespace is refused" "--gid"
else
	run_box --uid 1000 --gid 1000 sh -c 'id -u; id -g'
	expect "unprivileged: --uid/--gid work without --unshare-user" status 0 out "$(printf '1000\n1000')"
	run_box sh -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"'
	expect "unprivileged with --dev: uid_map inside reads '<uid> 0 1'" status 0 out "$uid 0 1"
fi

if need_userns "user namespaces can be created inside"; then
	run_box unshare -Ur true
	expect "user namespaces can be created inside" status 0
	run_box --unshare-all unshare -Urm true
	expect "user and mount namespaces can be created inside --unshare-all" status 0
fi

# --- network ---------------------------------------------------------------------

ns_check "no network namespace by default" "" "" "net"
ns_check "--unshare-net: a new network namespace" "--unshare-net" "net" ""

run_box --unshare-net sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
expect "--unshare-net: only lo" status 0 out "lo"

ip=
for p in /usr/sbin/ip /usr/bin/ip; do
	[ -x "$p" ] && ip=$p && break
done
if [ -n "$ip" ]; then
	run_box --unshare-net "$ip" -o link show
	expect "--unshare-net: lo is up" status 0 out_match '^1: lo: <([A-Z_]+,)*UP[,>]'
	run_box --unshare-net "$ip" -o -4 addr show
	expect "--unshare-net: lo has 127.0.0.1/8" status 0 out_match '^1: +lo +inet 127\.0\.0\.1/8 '
else
	# Local routes exist only for an address on an interface that is up.
	run_box --unshare-net cat /proc/net/fib_trie
	expect "--unshare-net: lo is up with 127.0.0.1/8" status 0 out_match '127\.0\.0\.0/8'
fi

ns_check "--unshare-all --share-net keeps the host network" "--unshare-all --share-net" \
	"ipc pid uts cgroup" "net"
if can_userns; then
	ns_check "--unshare-all unshares user, ipc, pid, net, uts and cgroup" "--unshare-all" \
		"user ipc pid net uts cgroup" ""
else
	ns_check "--unshare-all unshares ipc, pid, net, uts and cgroup (no user namespaces here)" \
		"--unshare-all" "ipc pid net uts cgroup" ""
fi

# --- UTS ---------------------------------------------------------------------------

host_name=$(uname -n)
run_box --unshare-uts --hostname nsbox-test-host uname -n
expect "--unshare-uts --hostname sets the hostname inside" status 0 out "nsbox-test-host"
is "$(uname -n)" "$host_name" "the host's hostname is unchanged"
ns_check "--unshare-uts: a new UTS namespace" "--unshare-uts" "uts" ""
run_box --hostname nsbox-test-host true
expect_error "--hostname without --unshare-uts is refused" "--hostname"

# --- PID ---------------------------------------------------------------------------

run_box --unshare-pid sh -c 'echo $$ $PPID'
expect "--unshare-pid: COMMAND is pid 2, child of the pid 1 reaper" status 0 out "2 1"
run_box --unshare-pid sh -c 'for p in /proc/[0-9]*; do echo "${p#/proc/}"; done'
expect "--unshare-pid: /proc shows only the sandbox's processes" status 0 out "$(printf '1\n2')"
run_box --unshare-pid --as-pid-1 sh -c 'echo $$'
expect "--as-pid-1: COMMAND is pid 1" status 0 out "1"
run_box --as-pid-1 true
expect_error "--as-pid-1 without --unshare-pid is refused" "--as-pid-1"
ns_check "--unshare-pid: a new PID namespace" "--unshare-pid" "pid" "ipc net uts"

# --- IPC, cgroup ---------------------------------------------------------------------

ns_check "no IPC, UTS, PID, cgroup namespace by default" "" "" "ipc uts pid cgroup"
ns_check "--unshare-ipc: a new IPC namespace" "--unshare-ipc" "ipc" "pid net uts cgroup"
ns_check "--unshare-cgroup: a new cgroup namespace" "--unshare-cgroup" "cgroup" "ipc"
ns_check "--unshare-cgroup-try: a new cgroup namespace" "--unshare-cgroup-try" "cgroup" "ipc"

done_testing
