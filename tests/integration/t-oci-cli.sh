# SPDX-License-Identifier: LGPL-2.1-or-later
# nsbox-oci as a user sees it today: the binary under its other name,
# --help/--version, spec and features, state and list of nothing, the
# messages for bad input (command line and config.json, on stderr and in a
# --log json file), the commands that need only a recorded state (state,
# list, kill, delete; as root also ps, pause, resume, update and kill --all
# through a cgroup) on a container whose state this script writes by hand
# around a sleep process, and the man page and completions against --help.
. "${0%/*}/lib.sh"

NSBOX_TEST_PROG=nsbox-oci
OCI=$T/bin/nsbox-oci
mkdir -p "$T/bin"
ln -s "$NSBOX" "$OCI"
ROOTDIR=$T/state

oci() {
	run_cmd "$OCI" --root "$ROOTDIR" "$@"
}

# --- the binary -------------------------------------------------------------------

run_cmd "$OCI" --help
expect "--help exits 0" status 0 err ""
check "--help starts with the usage" grep -q '^usage: nsbox-oci \[GLOBAL OPTIONS\] COMMAND' "$T/out"
for c in create start run exec state kill delete list ps pause resume update spec features; do
	grep -q "^    $c " "$T/out" || _because "--help does not list $c"
done
_verdict "--help lists every command"
run_cmd "$OCI" --version
expect "--version" status 0 out_match '^nsbox-oci version [0-9]' out_has "spec: 1.2.0"
run_cmd "$OCI" help kill
expect "help COMMAND shows its usage" status 0 out_has "usage: nsbox-oci [GLOBAL OPTIONS] kill [OPTIONS] ID [SIGNAL]" out_has "--all, -a"
run_cmd "$OCI" exec --help
expect "COMMAND --help shows its usage" status 0 out_has "--process FILE, -p"
run_nsbox --version
expect "the same binary as nsbox keeps its own face" status 0 out_match '^nsbox [0-9]'
if command -v ldd >/dev/null 2>&1; then
	run_cmd ldd "$NSBOX"
	expect "nsbox does not link json-c (loaded on first use)" status 0 out_lacks json
else
	skip "nsbox does not link json-c" "no ldd"
fi

# --- spec, features ---------------------------------------------------------------

mkdir -p "$T/b/rootfs" "$T/rl"
run_cmd "$OCI" spec --bundle "$T/b"
expect "spec writes config.json" status 0 out "" err ""
check "config.json is there" test -s "$T/b/config.json"
grep -q '"ociVersion": "1.2.0"' "$T/b/config.json" || _because "no ociVersion 1.2.0"
grep -q '"type": "network"' "$T/b/config.json" || _because "no network namespace"
_verdict "spec: version and namespaces"
run_cmd "$OCI" spec -b "$T/b"
expect_error "spec does not replace config.json" "spec: '$T/b/config.json' already exists: remove it first"
run_cmd "$OCI" spec --rootless -b "$T/rl"
expect "spec --rootless" status 0
grep -q '"type": "user"' "$T/rl/config.json" || _because "no user namespace"
grep -q "\"hostID\": $(id -u)" "$T/rl/config.json" || _because "uid $(id -u) not mapped"
grep -q '"type": "network"' "$T/rl/config.json" && _because "a network namespace"
_verdict "spec --rootless: a user namespace mapping the caller, no network namespace"
run_cmd "$OCI" spec -b "$T/missing"
expect_error "spec into a missing directory" "spec: --bundle '$T/missing'" "No such file or directory"

run_cmd "$OCI" features
expect "features exits 0" status 0 err "" out_has '"ociVersionMax": "1.2.0"' out_has '"SCMP_ACT_NOTIFY"' out_has '"rro"' out_has '"time"'
if command -v python3 >/dev/null 2>&1; then
	check "features is valid JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/out"
else
	skip "features is valid JSON" "no python3"
fi

# --- nothing there yet --------------------------------------------------------------

oci list
expect "list of nothing: the header" status 0 out_match '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$' err ""
oci list --format json
expect "list --format json of nothing" status 0 out "[]"
oci list -q
expect "list -q of nothing" status 0 out ""
oci state nope
expect_error "state of no container" "container 'nope' does not exist"
oci delete nope
expect_error "delete of no container" "container 'nope' does not exist"
oci delete --force nope
expect "delete --force of no container succeeds" status 0 err ""
oci kill nope KILL
expect_error "kill of no container" "container 'nope' does not exist"
check "read-only commands did not create the state directory" test ! -e "$ROOTDIR"

# --- bad input ------------------------------------------------------------------------

oci frobnicate
expect_error "unknown command" "unknown command 'frobnicate' (see nsbox-oci --help)"
run_cmd "$OCI" --frob list
expect_error "unknown global option" "unknown global option '--frob'"
run_cmd "$OCI" --criu /x --root "$ROOTDIR" list -q
expect "--criu accepted with a warning" status 0 err "nsbox-oci: --criu is accepted for runc compatibility and ignored (nsbox-oci has no checkpoint/restore)"
oci create
expect_error "create without an id" "create: missing container id"
oci state 'a/b'
expect_error "an id with a slash" "container id 'a/b': only letters, digits and _ + - . are allowed"
oci kill c1 SIGNOPE
expect_error "an unknown signal" "kill: unknown signal 'SIGNOPE'"
oci list --format yaml
expect_error "list --format yaml" "list: --format: must be table or json ('yaml')"
run_cmd "$OCI" --log-format xml list
expect_error "--log-format xml" "--log-format: must be text or json ('xml')"
oci exec c1
expect_error "exec without a command" "exec: missing the command to run (or --process FILE)"
oci update --l3-cache-schema x c1
expect_error "update with Intel RDT" "update: --l3-cache-schema: Intel RDT is not supported ('x')"
oci update --memory lots c1
expect_error "update --memory lots" "update: --memory: not a valid value ('lots')"

# create checks the bundle, then says what is missing.
oci create -b "$T/b" c1
expect_error "create with a terminal and no console socket" "create: process.terminal is true: --console-socket is needed"
# (uid 65534 needs the rootless config's user namespace)
mkdir -p "$T/rl/rootfs"
if $is_root; then own=$T/b; else own=$T/rl; fi
oci create -b "$own" --console-socket "$T/sock" c1
expect_error "create with a console socket nobody listens on" "--console-socket '$T/sock': cannot send the terminal: No such file or directory"
oci create -b "$T/b" --console-socket "$T/sock" c1
if $is_root; then
	expect_error "create again" "--console-socket '$T/sock': cannot send the terminal"
else
	expect_error "without root, a config without a user namespace" "cannot create the container's namespaces (without root, linux.namespaces needs a user namespace: see nsbox-oci spec --rootless): Operation not permitted"
fi
check "a failed create leaves no state behind" test ! -e "$ROOTDIR/c1"
sed 's/"uid": 0/"uid": -1/' "$T/b/config.json" >"$T/bad.json" && mkdir -p "$T/bad/rootfs" && cp "$T/bad.json" "$T/bad/config.json"
oci create -b "$T/bad" --console-socket "$T/sock" c1
expect_error "a bad config.json names the path and the value" "config.json: process.user.uid: must be an integer from 0 to 4294967294 ('-1')"
printf '{"ociVersion": "1.0.0",\n "root": {"path": "rootfs"},\n "linux": {"intelRdt": {}}, "process": {"args": ["sh"], "cwd": "/"}}' >"$T/bad/config.json"
oci run -b "$T/bad" c1
expect_error "an unsupported feature names its path" "config.json: linux.intelRdt: not supported"
printf '{"ociVersion": "1.0.0",\n  "root": {"path": \047rootfs\047}}' >"$T/bad/config.json"
oci run -b "$T/bad" c1
expect_error "broken JSON names line and column" "config.json:2:20: single quotes are not JSON"
rm -rf "$T/bad/rootfs"
cp "$T/b/config.json" "$T/bad/config.json"
oci create -b "$T/bad" --console-socket "$T/sock" c1
expect_error "create without the root file system" "config.json: root.path: cannot use it: No such file or directory ('rootfs')"
: >"$T/bad/rootfs"
oci create -b "$T/bad" --console-socket "$T/sock" c1
expect_error "create with a file as root file system" "config.json: root.path: not a directory ('rootfs')"

# --log FILE --log-format json: one object a line, as podman reads it.
run_cmd "$OCI" --root "$ROOTDIR" --log "$T/log.json" --log-format json state nope
expect_error "with --log the message still goes to stderr" "container 'nope' does not exist"
grep -q '^{"level":"error","msg":"container '"'"'nope'"'"' does not exist","time":"[0-9T:.-]*Z"}$' "$T/log.json" || _because "log.json: $(cat "$T/log.json")"
_verdict "--log-format json writes level, msg and time"
run_cmd "$OCI" --root "$ROOTDIR" --log "$T/log.txt" state 'x y'
grep -q '^time="[0-9T:.-]*Z" level=error msg="container id '"'"'x y'"'"': only letters, digits and _ + - . are allowed"$' "$T/log.txt" || _because "log.txt: $(cat "$T/log.txt")"
_verdict "--log-format text writes logrus's line"

# --- a container recorded by hand ---------------------------------------------------------

# start_time PID: field 22 of /proc/PID/stat.
start_time() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'
}

# write_state ID PID START PHASE [CGROUP]
write_state() {
	mkdir -p -m 0700 "$ROOTDIR/$1"
	chmod 0700 "$ROOTDIR"
	{
		printf '{"id": "%s", "phase": "%s", "pid": %s, "pidStart": %s,' "$1" "$4" "$2" "$3"
		printf ' "runtimePid": 0, "runtimeStart": 0, "bundle": "%s", "rootfs": "%s/rootfs",' "$T/b" "$T/b"
		printf ' "ociVersion": "1.2.0", "created": "2025-01-02T03:04:05.000000000Z", "owner": %s,' "$(id -u)"
		printf ' "paused": false, %s "annotations": {"org.example": "1"}}\n' "${5:+\"cgroupPath\": \"$5\",}"
	} >"$ROOTDIR/$1/state.json"
}

sleep 300 &
sleeper=$!
st=$(start_time "$sleeper")
write_state c1 "$sleeper" "$st" started
oci state c1
expect "state of a running container" status 0 err "" out_has '"status": "running"' out_has "\"pid\": $sleeper" out_has '"org.example": "1"'
oci list
expect "list shows it" status 0 out_match "^c1 +$sleeper +running +$T/b "
oci list -q
expect "list -q" status 0 out "c1"
oci list -f json
expect "list --format json" status 0 out_has '"id":"c1"' out_has '"status":"running"'
oci delete c1
expect_error "delete refuses a running container" "container 'c1' is running: stop it first, or use delete --force"
oci start c1
expect_error "start wants a created container" "start: container 'c1' is running, not created"
oci exec c1 true
expect_error "exec in a container without its config.json copy" "cannot read the container's config.json: No such file or directory"

# The pid, reused by another process (the start time differs): stopped,
# and nothing is signalled.
write_state reused "$$" 1 started
oci state reused
expect "a reused pid counts as stopped" status 0 out_has '"status": "stopped"' out_has '"pid": 0'
oci kill reused KILL
expect_error "kill does not signal a reused pid" "container 'reused' is not running"
oci delete reused
expect "delete of a stopped container" status 0 err ""
check "its state is gone" test ! -e "$ROOTDIR/reused"

if $is_root; then
	# A cgroup made by hand in every hierarchy, the sleeper in it.
	cg=/nsbox-oci-it-$$
	for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		case $(stat -f -c %T "$d" 2>/dev/null) in
		cgroupfs | cgroup2fs) ;;
		*) continue ;;
		esac
		mkdir -p "$d$cg" 2>/dev/null || continue
		echo "$sleeper" >"$d$cg/cgroup.procs" 2>/dev/null || true
	done
	write_state c1 "$sleeper" "$st" started "$cg"
	oci ps c1
	expect "ps lists the container's process" status 0 out_match '^UID +PID ' out_match "^[^ ]+ +$sleeper .*sleep 300"
	oci ps -f json c1
	expect "ps --format json" status 0 out "[$sleeper]"
	oci pause c1
	expect "pause" status 0 err ""
	oci state c1
	expect "state says paused" status 0 out_has '"status": "paused"'
	grep -q '^State:.*(stopped)\|^State:.*T \|^State:.*D ' "/proc/$sleeper/status" 2>/dev/null ||
		grep -q 'FROZEN\|frozen 1' /sys/fs/cgroup/freezer$cg/freezer.state /sys/fs/cgroup$cg/cgroup.events 2>/dev/null ||
		_because "the cgroup is not frozen"
	_verdict "the process is frozen"
	oci pause c1
	expect_error "pause twice" "pause: container 'c1' is paused, not running"
	oci resume c1
	expect "resume" status 0 err ""
	oci state c1
	expect "state says running again" status 0 out_has '"status": "running"'
	if [ -d /sys/fs/cgroup/pids$cg ] || [ -f /sys/fs/cgroup$cg/pids.max ]; then
		oci update --pids-limit 10 c1
		expect "update --pids-limit" status 0 err ""
		is "$(cat /sys/fs/cgroup/pids$cg/pids.max 2>/dev/null || cat /sys/fs/cgroup$cg/pids.max)" 10 "pids.max is 10"
	else
		skip "update --pids-limit" "no pids controller"
		skip "pids.max is 10" "no pids controller"
	fi
	oci kill --all c1 KILL
	expect "kill --all" status 0 err ""
	wait "$sleeper" 2>/dev/null
	oci state c1
	expect "state after kill --all: stopped" status 0 out_has '"status": "stopped"'
	oci delete c1
	expect "delete removes the cgroup and the state" status 0 err ""
	left=
	for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		[ -d "$d$cg" ] && left="$left $d$cg"
	done
	is "$left" "" "no cgroup directory left"
	check "the state directory of c1 is gone" test ! -e "$ROOTDIR/c1"
else
	oci pause c1
	expect_error "pause without a cgroup" "pause: container 'c1' has no cgroup"
	oci ps c1
	expect_error "ps without a cgroup" "ps: container 'c1' has no cgroup"
	oci kill --all c1
	expect_error "kill --all without a cgroup" "kill --all: container 'c1' has no cgroup"
	oci kill c1 TERM
	expect "kill TERM" status 0 err ""
	# Killed but not reaped (a zombie): stopped already.
	sleep 0.2
	oci state c1
	expect "a zombie counts as stopped" status 0 out_has '"status": "stopped"'
	wait "$sleeper" 2>/dev/null
	oci delete c1
	expect "delete of the stopped container" status 0 err ""
fi
kill -KILL "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null

# --- the man page and the completions against --help ---------------------------------------

man_page=$NSBOX_SRCDIR/man/nsbox-oci.1
bash_comp=$NSBOX_SRCDIR/completions/bash/nsbox-oci
zsh_comp=$NSBOX_SRCDIR/completions/zsh/_nsbox-oci
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man_page" >"$T/man"
# Every option --help lists, globally and for each command.
{
	"$OCI" --help
	for c in create start run exec state kill delete list ps pause resume update spec features \
		checkpoint restore events help; do
		"$OCI" "$c" --help
	done
} 2>&1 | grep -o -e '^    --[a-z0-9-]*\|, -[a-z]  ' | sed 's/^ *//; s/^, //; s/ *$//' | sort -u >"$T/opts"
: >"$T/missing"
while read -r o; do
	grep -q -e "$o\([^a-z0-9-]\|$\)" "$T/man" || echo "man: $o" >>"$T/missing"
	grep -q -e "$o\([^a-z0-9-]\|$\)" "$bash_comp" || echo "bash: $o" >>"$T/missing"
	grep -q -e "'\(([^)]*)\)\?\*\?$o\[" "$zsh_comp" || echo "zsh: $o" >>"$T/missing"
done <"$T/opts"
is "$(tr '\n' ' ' <"$T/missing")" "" "every option of --help is in the man page and both completions"
check "the list of options is not empty" test "$(wc -l <"$T/opts")" -gt 50
for c in create start run exec state kill delete list ps pause resume update spec features; do
	grep -q "^\.SS $c\b\|^\.SS \"$c" "$T/man" || _because "no section for $c"
done
_verdict "the man page has a section for every command"
if command -v groff >/dev/null 2>&1; then
	run_cmd groff -man -Tutf8 -ww -z "$man_page"
	expect "the man page renders without warnings" status 0 err ""
else
	skip "the man page renders without warnings" "no groff"
fi
if command -v bash >/dev/null 2>&1; then
	cat >"$T/drive.bash" <<'EOF'
. "$1" || exit 2
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_nsbox_oci
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF
	run_cmd bash --norc --noprofile "$T/drive.bash" "$bash_comp" nsbox-oci cre
	expect "bash: a command" status 0 out "create"
	run_cmd bash --norc --noprofile "$T/drive.bash" "$bash_comp" nsbox-oci --root /x create --bu
	expect "bash: a command's option" status 0 out "--bundle"
	run_cmd bash --norc --noprofile "$T/drive.bash" "$bash_comp" nsbox-oci list --format ""
	expect "bash: an option's values" status 0 out "json
table"
	run_cmd bash --norc --noprofile "$T/drive.bash" "$bash_comp" nsbox-oci --log-f
	expect "bash: a global option" status 0 out "--log-format"
else
	skip "bash completion" "no bash"
fi
if command -v zsh >/dev/null 2>&1; then
	run_cmd zsh -n "$zsh_comp"
	expect "zsh -n accepts the zsh completion" status 0 err ""
else
	skip "zsh -n accepts the zsh completion" "no zsh"
fi

done_testing
