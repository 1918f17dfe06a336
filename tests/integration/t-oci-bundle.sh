# SPDX-License-Identifier: LGPL-2.1-or-later
# nsbox-oci driving a bundle by itself, as runc's users do: run (attached
# and --detach), create/start/state/kill/delete with the state JSON and
# the pid file at each step, exit codes and stdin, exec (plain, --process,
# --detach, --tty), a terminal through --console-socket with consoleSize,
# every kind of hook with its side effects and state, a failing and a
# timed-out hook, and bad config.json files that must leave no container,
# process or mount behind. The root filesystem is Debian's busybox-static;
# the user run uses `spec --rootless`.
. "${0%/*}/lib.sh"
. "${0%/*}/ocilib.sh"

need_busybox "a busybox root filesystem" || {
	done_testing
	exit
}
ROOTFS=$T/rootfs
make_rootfs "$ROOTFS"
$is_root && rl= || rl=--rootless
B=$T/b
make_bundle "$B" $rl

# --- run ---------------------------------------------------------------------------------------

args "$B" 'echo hello; hostname'
oci run -b "$B" r1
expect "run: the container's output, exit 0" status 0 out "hello
nsbox-oci" err ""
check "run without --detach deletes the container" test ! -e "$OCIROOT/r1"
args "$B" 'exit 7'
oci run -b "$B" r1
expect "run: the container's exit status" status 7
args "$B" ': > /share/r1; while :; do sleep 0.05; done'
rm -f "$B/share/r1"
env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" "$OCI" --root "$OCIROOT" run -b "$B" r1 >/dev/null 2>&1 &
runner=$!
wait_until 5 test -e "$B/share/r1"
oci kill r1 KILL
wait "$runner"
is "$?" 137 "run: a container killed by SIGKILL is 137"
args "$B" 'read a; read b; echo "$b $a"'
printf 'one\ntwo\n' >"$T/in"
run_cmd "$OCI" --root "$OCIROOT" run -b "$B" r1 <"$T/in"
expect "run: stdin reaches the container" status 0 out "two one"
args "$B" 'echo $$; sleep 0'
oci run -b "$B" r1
expect "process.args is pid 1 of the container (no reaper)" status 0 out "1"

# --- create, start, state, kill, delete ----------------------------------------------------------

args "$B" 'trap "echo got-term; exit 3" TERM; echo started > /share/started; while :; do sleep 0.05; done'
oci_out "$T/c1.out" create -b "$B" --pid-file "$T/c1.pid" c1
expect "create" status 0 out "" err ""
pid=$(cat "$T/c1.pid" 2>/dev/null)
oci state c1
expect "state after create: created, with the pid of the pid file" status 0 out_has '"status": "created"' out_has "\"pid\": $pid" out_has "\"bundle\": \"$B\"" out_has '"id": "c1"'
check "the process waits before execve (still nsbox-oci)" grep -q nsbox "/proc/$pid/cmdline"
check "the created container has not run process.args" test ! -e "$B/share/started"
oci create -b "$B" c1
expect_error "create of an existing id" "container 'c1' already exists"
oci start c1
expect "start" status 0 out "" err ""
oci state c1
expect "state after start: running" status 0 out_has '"status": "running"' out_has "\"pid\": $pid"
wait_until 5 grep -q sh "/proc/$pid/comm"
check "the process executed process.args" grep -q '^sh$' "/proc/$pid/comm"
oci start c1
expect_error "start twice" "start: container 'c1' is running, not created"
oci delete c1
expect_error "delete refuses a running container" "container 'c1' is running: stop it first, or use delete --force"
oci kill c1
expect "kill (SIGTERM by default)" status 0 err ""
wait_until 5 is_state c1 stopped
check "the container's trap ran (on create's stdout)" grep -q got-term "$T/c1.out"
oci state c1
expect "state after the process ended: stopped, pid 0" status 0 out_has '"status": "stopped"' out_has '"pid": 0'
oci kill c1 KILL
expect_error "kill of a stopped container" "container 'c1' is not running"
oci delete c1
expect "delete" status 0 out "" err ""
check "the state directory is gone" test ! -e "$OCIROOT/c1"

args "$B" 'sleep 30'
oci create -b "$B" --pid-file "$T/c2.pid" c2
oci delete c2
expect "delete of a created container stops it" status 0 err ""
check "... its process is gone" proc_gone "$(cat "$T/c2.pid")"
oci run -d -b "$B" --pid-file "$T/c3.pid" c3
expect "run --detach returns at once" status 0 out ""
pid=$(cat "$T/c3.pid" 2>/dev/null)
oci list
expect "list shows it running" status 0 out_match "^c3 +$pid +running +$B "
oci kill c3 SIGKILL
expect "kill with a signal name" status 0
wait_until 5 is_state c3 stopped
oci delete c3
expect "delete after kill" status 0
oci run -d -b "$B" --pid-file "$T/c4.pid" c4
oci delete --force c4
expect "delete --force of a running container" status 0 err ""
check "... its process is gone" proc_gone "$(cat "$T/c4.pid")"

# --- exec -------------------------------------------------------------------------------------

args "$B" 'echo container > /tmp/who; : > /share/up; while :; do sleep 0.05; done'
oci run -d -b "$B" e1
wait_until 5 test -e "$B/share/up"
oci exec e1 sh -c 'cat /tmp/who; echo $FOO; pwd; cat /proc/1/comm'
expect "exec: a process in the container's namespaces" status 0 out "container

/
sh"
oci exec --env FOO=bar --cwd /tmp e1 sh -c 'echo $FOO; pwd'
expect "exec --env --cwd" status 0 out "bar
/tmp"
oci exec e1 sh -c 'exit 5'
expect "exec: the process's exit status" status 5
printf '{"args": ["sh", "-c", "echo from-file $X"], "env": ["X=1", "PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$T/proc.json"
oci exec --process "$T/proc.json" e1
expect "exec --process FILE" status 0 out "from-file 1"
printf '{"args": ["sh"], "cwd": "relative"}' >"$T/bad.json"
oci exec --process "$T/bad.json" e1
expect_error "exec --process with a bad value names its path" "$T/bad.json: cwd: must be an absolute path ('relative')"
oci exec --detach --pid-file "$T/e.pid" e1 sh -c 'echo detached > /share/d; sleep 0.2'
expect "exec --detach --pid-file" status 0 out ""
check "exec --detach wrote the pid file" test -s "$T/e.pid"
wait_until 5 grep -q detached "$B/share/d"
check "the detached process ran" grep -q detached "$B/share/d"
oci exec e1 /nonexistent
expect_error "exec of a missing command" "exec: '/nonexistent': No such file or directory"
oci exec e1 nosuchcommand
expect_error "exec: not found in PATH" "exec: 'nosuchcommand': executable file not found in \$PATH"
if [ -n "${NSBOX_CONSOLE_RECV:-}" ]; then
	rm -f "$T/ec.sock"
	"$NSBOX_CONSOLE_RECV" "$T/ec.sock" >"$T/ec.out" 2>&1 &
	recv=$!
	wait_until 5 test -S "$T/ec.sock"
	oci exec --tty --console-socket "$T/ec.sock" e1 sh -c 'tty; test -t 0 && echo stdin-is-a-tty'
	expect "exec --tty --console-socket" status 0
	wait "$recv"
	check "exec --tty: the process's terminal came through the socket" grep -q '^/dev/pts/[0-9]' "$T/ec.out"
	check "exec --tty: stdin is that terminal" grep -q stdin-is-a-tty "$T/ec.out"
else
	not_ok "exec --tty (no console-recv helper)"
fi
oci delete -f e1
oci exec e1 true
expect_error "exec into a container that does not exist" "container 'e1' does not exist"

# --- a terminal through --console-socket --------------------------------------------------------

if [ -n "${NSBOX_CONSOLE_RECV:-}" ]; then
	cfg "$B" 'c["process"]["terminal"] = True' 'c["process"]["consoleSize"] = {"height": 33, "width": 77}'
	args "$B" 'tty; stty size; read x; echo "read $x"'
	rm -f "$T/cs.sock"
	"$NSBOX_CONSOLE_RECV" "$T/cs.sock" 'typed
' >"$T/cs.out" 2>&1 &
	recv=$!
	wait_until 5 test -S "$T/cs.sock"
	oci create -b "$B" --console-socket "$T/cs.sock" t1
	expect "create with a terminal sends it to the console socket" status 0 err ""
	oci start t1
	expect "start of the terminal container" status 0
	wait "$recv"
	tr -d '\r' <"$T/cs.out" >"$T/cs.txt"
	check "the terminal is the container's (a /dev/pts of its own)" grep -q '^/dev/pts/0$' "$T/cs.txt"
	check "consoleSize applied" grep -q '^33 77$' "$T/cs.txt"
	check "input typed on the master reaches the container" grep -q '^read typed$' "$T/cs.txt"
	wait_until 5 is_state t1 stopped
	oci delete t1
	cfg "$B" 'c["process"]["terminal"] = False' 'del c["process"]["consoleSize"]'
else
	not_ok "a terminal through --console-socket (no console-recv helper)"
fi

# --- hooks ------------------------------------------------------------------------------------------

H=$T/hooks
mkdir -p "$H"
hooks_py='
def hook(name, extra=""):
    h = os.environ["HOOKDIR"]
    return {"path": "/bin/sh", "args": ["sh", "-c",
        "cat > %s/%s.json; readlink /proc/self/ns/mnt > %s/%s.ns; pwd > %s/%s.cwd%s" % (h, name, h, name, h, name, extra)]}
c["hooks"] = {
    "prestart": [hook("prestart")],
    "createRuntime": [hook("createRuntime")],
    "createContainer": [hook("createContainer")],
    "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /tmp/startContainer.json"]}],
    "poststart": [hook("poststart")],
    "poststop": [hook("poststop")],
}'
HOOKDIR=$H cfg "$B" "$hooks_py"
args "$B" 'cat /tmp/startContainer.json; echo; sleep 0.3'
oci_out "$T/h1.out" create -b "$B" h1
expect "create with hooks" status 0
hpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$H/createRuntime.json" 2>/dev/null)
check "createRuntime: state on stdin (creating, the container's pid)" grep -q "\"status\":\"creating\".*\"pid\":$hpid,\"bundle\":\"$B\"" "$H/createRuntime.json"
check "prestart ran with createRuntime" grep -q '"status":"creating"' "$H/prestart.json"
is "$(cat "$H/createRuntime.ns")" "$(readlink /proc/self/ns/mnt)" "createRuntime runs in the runtime's mount namespace"
is "$(cat "$H/createRuntime.cwd")" "$B" "hooks run in the bundle directory"
is "$(cat "$H/createContainer.ns" 2>/dev/null)" "$(readlink "/proc/$hpid/ns/mnt")" "createContainer runs in the container's mount namespace"
check "poststart has not run yet" test ! -e "$H/poststart.json"
oci start h1
expect "start" status 0 out "" err ""
wait_until 5 is_state h1 stopped
check "startContainer ran in the container, with the state (created) on stdin" grep -q '"status":"created"' "$T/h1.out"
check "poststart: state running" grep -q '"status":"running"' "$H/poststart.json"
check "poststop has not run before delete" test ! -e "$H/poststop.json"
oci delete h1
expect "delete with a poststop hook" status 0
check "poststop: state stopped" grep -q '"status":"stopped","pid":0' "$H/poststop.json"
HOOKDIR=$H cfg "$B" "$hooks_py" 'c["hooks"]["startContainer"][0]["args"][2] = "cat > /tmp/sc.json"'
args "$B" 'cat /tmp/sc.json'
oci run -b "$B" h2
expect "startContainer: the container's state on its stdin (created)" status 0 out_match '"status":"created"'

cfg "$B" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo boom >&2; exit 3"]}]}'
oci run -b "$B" h3
expect_error "a failing hook fails the step, its output in the message" "createRuntime hook #0 '/bin/sh': exited with status 3: boom"
check "a failed create leaves no state" test ! -e "$OCIROOT/h3"
cfg "$B" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 20"], "timeout": 1}]}'
t0=$(date +%s)
oci run -b "$B" h4
expect_error "a hook's timeout is honoured" "createRuntime hook #0 '/bin/sh': timed out after 1 s and was killed"
check "... within a few seconds" test $(($(date +%s) - t0)) -lt 5
cfg "$B" 'c["hooks"] = {"createContainer": [{"path": "/nonexistent/hook"}]}'
oci run -b "$B" h5
expect_error "a hook that cannot run" "createContainer hook #0 '/nonexistent/hook': cannot run it: No such file or directory"
cfg "$B" 'c["hooks"] = {"poststart": [{"path": "/bin/false"}]}'
args "$B" 'true'
oci run -b "$B" h6
expect "a failing poststart hook is a warning" status 0 err_has "poststart hook #0 '/bin/false': exited with status 1"
cfg "$B" 'del c["hooks"]'

# --- bad input leaves nothing behind -----------------------------------------------------------------

mounts_before=$(wc -l </proc/self/mountinfo)
nothing_left() {
	_why=
	[ "$status" = 1 ] || _because "status $status, wanted 1"
	case $err in nsbox-oci:*"$2"*) ;; *) _because "stderr lacks '$2'" ;; esac
	[ ! -e "$OCIROOT/bad" ] || _because "a state directory is left"
	[ "$(wc -l </proc/self/mountinfo)" -le "$mounts_before" ] || _because "a mount is left"
	[ -z "$(grep -l -s -a -F "NSBOX_TEST_CHILD=$NSBOX_TEST_MARK" /proc/[0-9]*/environ)" ] ||
		_because "a container process is left"
	_verdict "$1"
}
cp "$B/config.json" "$T/good.json"
printf '{"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/"' >"$B/config.json"
oci run -b "$B" bad
nothing_left "truncated JSON" "config.json:1:"
cfg_bad() {
	cp "$T/good.json" "$B/config.json"
	cfg "$B" "$1"
	oci run -b "$B" bad
}
cfg_bad 'c["process"]["user"]["uid"] = "root"'
nothing_left "a string for a number names its path" "config.json: process.user.uid: must be an integer"
cfg_bad 'c["mounts"].append({"destination": "/x", "type": "bind", "source": "/nonexistent/src", "options": ["rbind"]})'
nothing_left "a missing bind source names the mount" "config.json: mounts[$(($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mounts"]))' "$T/good.json")))]: cannot bind '/nonexistent/src'"
cfg_bad 'c["mounts"].append({"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=lots"]})'
nothing_left "a bad filesystem option names the mount" "cannot mount tmpfs on /x: Invalid argument"
cfg_bad 'c["mounts"].append({"destination": "/x", "type": "bind", "source": "/tmp", "options": ["rbind", "sync"]})'
nothing_left "sync on a bind mount is refused" "option 'sync' is not supported on a bind mount"
cfg_bad 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]'
nothing_left "a config without a mount namespace" "linux.namespaces: nsbox-oci needs a mount namespace"
cfg_bad 'c["process"]["args"] = ["/bin/nonexistent"]'
nothing_left "a missing command fails create (as runc)" "exec: '/bin/nonexistent': No such file or directory"
cfg_bad 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 2147483647}]'
nothing_left "an rlimit that cannot be set names the limit" "config.json: process.rlimits[0]: cannot set RLIMIT_NOFILE to 1:2147483647"
# Security labels this host cannot apply are refused, not ignored.
if [ ! -e /sys/kernel/security/apparmor ]; then
	cfg_bad 'c["process"]["apparmorProfile"] = "containers-default"'
	nothing_left "apparmorProfile without AppArmor" "config.json: process.apparmorProfile: AppArmor is not enabled on this host ('containers-default')"
fi
if [ ! -e /sys/fs/selinux/enforce ]; then
	cfg_bad 'c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"'
	nothing_left "selinuxLabel without SELinux" "config.json: process.selinuxLabel: "
	cfg_bad 'c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0"'
	nothing_left "linux.mountLabel without SELinux" "config.json: linux.mountLabel: "
	cp "$T/good.json" "$B/config.json"
	args "$B" 'sleep 30'
	printf '{"args": ["true"], "cwd": "/", "selinuxLabel": "system_u:system_r:container_t:s0"}' >"$T/label.json"
	oci run -d -b "$B" lab
	oci exec --process "$T/label.json" lab
	expect "exec --process with a selinuxLabel without SELinux" status 1 err_has "label.json: selinuxLabel: "
	oci exec --process-label system_u:system_r:container_t:s0 lab true
	expect "exec --process-label without SELinux" status 1 err_has "exec: --process-label: "
	if [ ! -e /sys/kernel/security/apparmor ]; then
		oci exec --apparmor containers-default lab true
		expect "exec --apparmor without AppArmor" status 1 err "nsbox-oci: exec: --apparmor: AppArmor is not enabled on this host ('containers-default')"
	fi
	oci delete -f lab
fi
cp "$T/good.json" "$B/config.json"

done_testing
