# SPDX-License-Identifier: LGPL-2.1-or-later
# What config.json asks of the container, seen from inside it: masked and
# read-only paths, mounts and their flags, tmpcopyup, devices, hostname and
# domainname, env, cwd, user, umask, capabilities (/proc/self/status),
# rlimits, oomScoreAdj, sysctl, seccomp denials, --preserve-fds, id maps
# (one id written directly; several ranges through newuidmap as a user
# with /etc/subuid entries, from the root run), joining a namespace by
# path, and cgroups (limits, device rules, pause/resume, ps, update; as
# the user: skipped with a warning).
. "${0%/*}/lib.sh"
. "${0%/*}/ocilib.sh"

need_busybox "a busybox root filesystem" || {
	done_testing
	exit
}
ROOTFS=$T/rootfs
make_rootfs "$ROOTFS"
# (the config edits below read it)
export T
$is_root && rl= || rl=--rootless
B=$T/b
make_bundle "$B" $rl
cp "$B/config.json" "$T/base.json"
base() { cp "$T/base.json" "$B/config.json"; }

# box SCRIPT [STATEMENT...]: run SCRIPT in the base bundle edited by the
# statements.
box() {
	_box_s=$1
	shift
	base
	[ $# -eq 0 ] || cfg "$B" "$@"
	args "$B" "$_box_s"
	oci run -b "$B" cfgtest
}

# --- paths ---------------------------------------------------------------------------------

# (/proc/kcore only where the kernel has one; /proc/keys is masked too)
box 'for f in /proc/kcore /proc/keys; do [ -e $f ] || continue; stat -c %s $f; cat $f && echo read; done | sort -u; ls -A /sys/firmware | wc -l' \
	'c["process"]["capabilities"]["bounding"].append("CAP_DAC_OVERRIDE")' \
	'c["process"]["capabilities"]["effective"].append("CAP_DAC_OVERRIDE")' \
	'c["process"]["capabilities"]["permitted"].append("CAP_DAC_OVERRIDE")'
expect "maskedPaths: /proc/kcore reads empty, /sys/firmware is empty" status 0 out "0
read
0"
box 'echo x > /data/f; touch /data/g; grep " /proc/sys " /proc/self/mountinfo | cut -d" " -f6' \
	'c["mounts"].append({"destination": "/data", "type": "tmpfs", "source": "tmpfs"})' \
	'c["linux"]["readonlyPaths"].append("/data")' \
	'c["linux"]["readonlyPaths"].append("/no/such/path")'
expect "readonlyPaths: EROFS (a missing one skipped), /proc/sys read-only" status 0 \
	err_has "/data/f: Read-only file system" err_has "/data/g: Read-only file system" out_match '^ro,'
box 'touch /x' 'c["root"]["readonly"] = True'
expect "root.readonly" status 1 err_has "Read-only file system"
mkdir -p "$T/vol/sub"
echo host >"$T/vol/file"
box 'cat /v/file; echo c > /v/new; touch /ro/x; grep " /ro " /proc/self/mountinfo | cut -d" " -f6' \
	'c["mounts"].append({"destination": "/v", "type": "bind", "source": os.environ["T"] + "/vol", "options": ["rbind", "rw"]})' \
	'c["mounts"].append({"destination": "/ro", "type": "bind", "source": os.environ["T"] + "/vol", "options": ["bind", "ro", "nosuid", "nodev", "noexec"]})'
expect "bind mounts: rw writes to the host, ro refuses, flags as given" status 0 out "host
ro,nosuid,nodev,noexec,relatime" err_has "/ro/x: Read-only file system"
check "a write through the rw bind lands on the host" grep -q '^c$' "$T/vol/new"
box 'cat /etc/passwd | head -n 1; touch /etc/new && echo writable' \
	'c["root"]["readonly"] = True' \
	'c["mounts"].append({"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]})'
expect "tmpfs with tmpcopyup keeps what was there" status 0 out "root:x:0:0:root:/root:/bin/sh
writable"
box 'pwd' 'c["process"]["cwd"] = "/work/dir"'
expect "process.cwd is made if missing" status 0 out "/work/dir"

# --- devices --------------------------------------------------------------------------------

if [ -c /dev/fuse ]; then
	box 'stat -c "%F %t %T" /dev/fuse; test -p /dev/pipe1 && echo fifo; ls -l /dev/null | cut -c1' \
		'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 416, "uid": 0, "gid": 0}, {"path": "/dev/pipe1", "type": "p"}]'
	expect "linux.devices: a character device and a FIFO; the default devices" status 0 \
		out "character special file a e5
fifo
c"
else
	not_ok "linux.devices (the host has no /dev/fuse)"
fi

# --- process --------------------------------------------------------------------------------

box 'hostname; cat /proc/sys/kernel/domainname; echo "$FOO"; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj' \
	'c["hostname"] = "box1"' 'c["domainname"] = "example.org"' \
	'c["process"]["env"].append("FOO=bar baz")' \
	'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]' \
	'c["process"]["oomScoreAdj"] = 500'
expect "hostname, domainname, env, rlimits, oomScoreAdj" status 0 out "box1
example.org
bar baz
123
456
500"
caps='c["process"]["capabilities"] = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "effective": ["CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
if $is_root; then
	box 'id; umask; grep ^Cap /proc/self/status' "$caps" \
		'c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [5], "umask": 23}'
	expect "user, additionalGids, umask and the five capability sets" status 0 out "uid=1000(user) gid=1000(user) groups=5(tty)
0027
CapInh:	0000000000000020
CapPrm:	0000000000000020
CapEff:	0000000000000020
CapBnd:	0000000000002021
CapAmb:	0000000000000020"
else
	# Only uid 0 is mapped: root's capabilities are its bounding set.
	box 'id; grep ^CapBnd /proc/self/status' "$caps"
	expect "user and the bounding set (only uid 0 is mapped)" status 0 out "uid=0(root) gid=0(root)
CapBnd:	0000000000002021"
	box 'id' 'c["process"]["user"]["additionalGids"] = [5]'
	expect_error "additionalGids where setgroups is denied" "config.json: process.user.additionalGids: cannot set them (setgroups is denied in this user namespace: map more than one id)"
fi
box 'cat /proc/sys/kernel/msgmax' 'c["linux"]["sysctl"] = {"kernel.msgmax": "12345"}'
expect "linux.sysctl" status 0 out "12345"
seccomp='c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}, {"names": ["sethostname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
box 'mkdir /tmp/x; echo "mkdir: $?"' "$seccomp"
expect "seccomp: an errno rule" status 0 out "mkdir: 1" err_has "Permission denied"
box 'hostname other' "$seccomp"
expect "seccomp: a kill rule ends the container (SIGSYS)" status 159
echo preserved >"$T/fd3"
base
args "$B" 'cat <&3'
run_cmd "$OCI" --root "$OCIROOT" run -b "$B" --preserve-fds 1 cfgtest 3<"$T/fd3"
expect "--preserve-fds passes fd 3 on" status 0 out "preserved"

# --- id maps ------------------------------------------------------------------------------------

if $is_root; then
	# (in a directory the mapped root may enter)
	scratch_dir S0
	cp -a "$B" "$S0/b"
	cfg "$S0/b" 'c["linux"]["namespaces"].append({"type": "user"})' \
		'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
		'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	args "$S0/b" 'cat /proc/self/uid_map'
	oci run -b "$S0/b" cfgtest
	expect "as root, a user namespace with a range written directly" status 0 out_match '^ +0 +100000 +65536$'
	if ensure_test_user; then
		u=$OCI_TEST_USER
		scratch_dir S
		us=$(sed -n "s/^$u:\([0-9]*\):.*/\1/p" /etc/subuid | head -n 1)
		gs=$(sed -n "s/^$u:\([0-9]*\):.*/\1/p" /etc/subgid | head -n 1)
		mkdir -p "$S/b"
		cp -a "$ROOTFS" "$S/b/rootfs"
		chown -R "$u:$u" "$S"
		as_test_user sh -c "cd '$S/b' && '$OCI' spec --rootless" >/dev/null
		as_test_user env NSBOX_TEST_MARK="$NSBOX_TEST_MARK" python3 - "$S/b/config.json" "$(id -u "$u")" "$(id -g "$u")" "$us" "$gs" <<'EOF'
import json, os, sys
p, uid, gid, us, gs = sys.argv[1:]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["env"].append("NSBOX_TEST_CHILD=" + os.environ["NSBOX_TEST_MARK"])
c["process"]["args"] = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f; chown 1000:1000 /tmp/f && stat -c %u:%g /tmp/f"]
c["process"]["capabilities"]["bounding"].append("CAP_CHOWN")
c["process"]["capabilities"]["effective"].append("CAP_CHOWN")
c["process"]["capabilities"]["permitted"].append("CAP_CHOWN")
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": int(uid), "size": 1}, {"containerID": 1, "hostID": int(us), "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": int(gid), "size": 1}, {"containerID": 1, "hostID": int(gs), "size": 65536}]
json.dump(c, open(p, "w"))
EOF
		run_cmd setpriv --reuid="$u" --regid="$u" --init-groups env -i PATH="$PATH" \
			"$OCI" --root "$S/state" run -b "$S/b" multi
		expect "several ranges through newuidmap/newgidmap (/etc/subuid, /etc/subgid)" status 0 \
			out_match "^ +0 +$(id -u "$u") +1$" out_match "^ +1 +$us +65536$" out_match "^ +1 +$gs +65536$" \
			out_match '^1000:1000$'
		as_test_user python3 - "$S/b/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["gidMappings"][1]["size"] = 65537
json.dump(c, open(sys.argv[1], "w"))
EOF
		run_cmd setpriv --reuid="$u" --regid="$u" --init-groups env -i PATH="$PATH" \
			"$OCI" --root "$S/state" run -b "$S/b" multi
		expect_error "a range beyond /etc/subgid: newgidmap's refusal in the message" "config.json: linux.gidMappings: newgidmap failed"
		check "... and nothing left" test -z "$(ls -A "$S/state" 2>/dev/null)"
	else
		not_ok "several ranges through newuidmap (cannot make the test user $OCI_TEST_USER)"
	fi
else
	box 'cat /proc/self/uid_map /proc/self/gid_map'
	expect "the caller's own id, mapped directly" status 0 out_match "^ +0 +$(id -u) +1$" out_match "^ +0 +$(id -g) +1$"
fi

# --- namespaces by path ----------------------------------------------------------------------------

if $is_root; then
	unshare --net sleep 30 &
	holder=$!
	export holder
	wait_until 5 test "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)"
	box 'readlink /proc/self/ns/net' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"] + [{"type": "network", "path": "/proc/%s/ns/net" % os.environ["holder"]}]'
	expect "joining a namespace by path" status 0 out "$(readlink "/proc/$holder/ns/net")"
	kill "$holder"
	wait "$holder" 2>/dev/null
fi

# --- cgroups ----------------------------------------------------------------------------------------

res='c["linux"]["resources"] = {"pids": {"limit": 10}, "memory": {"limit": 67108864}, "devices": [{"allow": False, "access": "rwm"}]}'
if $is_root; then
	box 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; echo > /dev/null && echo null-ok; exec 3>/dev/fuse' \
		"$res" 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
	expect "cgroup limits and device rules (the defaults allowed, the rest denied)" status_not 0 out "10
67108864
null-ok" err_has "/dev/fuse: Operation not permitted"
	base
	cfg "$B" "$res"
	args "$B" 'sleep 0.1 & : > /share/up; while :; do sleep 0.05; done'
	rm -f "$B/share/up"
	oci_out "$T/cg.out" run -d -b "$B" cg
	wait_until 5 test -e "$B/share/up"
	oci ps cg
	expect "ps lists the container's processes" status 0 out_match '^UID +PID ' out_match 'sleep'
	oci pause cg
	expect "pause" status 0
	is "$(state_of cg)" paused "state: paused"
	oci resume cg
	expect "resume" status 0
	is "$(state_of cg)" running "state: running again"
	oci update --pids-limit 20 cg
	expect "update --pids-limit" status 0
	oci exec cg cat /sys/fs/cgroup/pids/pids.max
	expect "exec sees the new limit (it is in the container's cgroup)" status 0 out 20
	oci kill --all cg KILL
	expect "kill --all" status 0
	wait_until 5 is_state cg stopped
	cgdir=$(sed -n 's/.*"cgroupPath": "\([^"]*\)".*/\1/p' "$OCIROOT/cg/state.json")
	oci delete cg
	expect "delete" status 0
	left=
	for d in /sys/fs/cgroup/*; do
		[ -n "$cgdir" ] && [ -d "$d$cgdir" ] && left="$left $d$cgdir"
	done
	is "$left" "" "delete removes the container's cgroup"
else
	box 'echo ran' "$res"
	expect "rootless without a delegated cgroup: limits skipped with a warning" status 0 out ran \
		err_has "linux.resources: no cgroup delegated to this user: the limits are not applied"
	base
	args "$B" 'while :; do sleep 0.05; done'
	oci_out "$T/cg.out" run -d -b "$B" cg
	oci pause cg
	expect_error "pause needs a cgroup" "pause: container 'cg' has no cgroup"
	oci delete -f cg
fi

done_testing
