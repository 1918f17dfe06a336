# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the t-oci-*.sh scripts, sourced after lib.sh: a root
# filesystem made from Debian's busybox-static, bundles from `nsbox-oci
# spec` edited with python3's json module, and the dedicated user the
# root run drives rootless podman and newuidmap as.
#
# OCI: nsbox-oci under test (the harness's symlink, else one made here).
# OCIROOT: the --root of this script's containers.

OCI=${NSBOX_OCI:-}
if [ -z "$OCI" ] || [ ! -x "$OCI" ]; then
	mkdir -p "$T/bin"
	ln -s "$NSBOX" "$T/bin/nsbox-oci"
	OCI=$T/bin/nsbox-oci
fi
NSBOX_TEST_PROG=nsbox-oci
OCIROOT=$T/state

# oci ARGS...: run_cmd nsbox-oci --root $OCIROOT ARGS...
oci() {
	run_cmd "$OCI" --root "$OCIROOT" "$@"
}

# oci_out FILE ARGS...: oci with stdout to FILE: what a container made now
# prints goes there as well (its stdio is create's, or run --detach's).
oci_out() {
	_oo=$1
	shift
	last_cmd="$OCI $*"
	env NSBOX_TEST_CHILD="$NSBOX_TEST_MARK" timeout -k 5 20 "$OCI" --root "$OCIROOT" "$@" \
		>"$_oo" 2>"$T/err"
	status=$?
	out=$(cat "$_oo")
	err=$(cat "$T/err")
}

# A statically linked busybox: the whole userland of the test root.
BUSYBOX=
for _b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$_b" ] && ! LC_ALL=C ldd "$_b" >/dev/null 2>&1; then
		BUSYBOX=$_b
		break
	fi
done

# need_busybox DESC: 0 when the static busybox is there, else a failing
# test (busybox-static is a test dependency, not something to skip).
need_busybox() {
	[ -n "$BUSYBOX" ] && return 0
	not_ok "$1 (no statically linked busybox: apt-get install busybox-static)"
	return 1
}

# make_rootfs DIR: busybox and a link per applet in DIR/bin, /etc/passwd
# and /etc/group, the usual empty mount points.
make_rootfs() {
	mkdir -p "$1/bin" "$1/etc" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/root"
	cp "$BUSYBOX" "$1/bin/busybox"
	for _a in $("$BUSYBOX" --list); do
		[ "$_a" = busybox ] || ln -s busybox "$1/bin/$_a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nuser:x:1000:\n' >"$1/etc/group"
	chmod -R a+rX "$1"
}

# make_bundle DIR [--rootless]: DIR/rootfs (a copy of $ROOTFS) and
# DIR/config.json from `nsbox-oci spec`, without a terminal, with the
# test mark in process.env (so that leftover checks find the container's
# processes), a tmpfs on /tmp and DIR/share bound on /share (where the
# container leaves what the test looks at).
make_bundle() {
	mkdir -p "$1/share"
	cp -a "$ROOTFS" "$1/rootfs"
	"$OCI" spec -b "$1" ${2:-} || return 1
	cfg "$1" 'c["process"]["terminal"] = False' \
		'c["process"]["env"].append("NSBOX_TEST_CHILD=" + os.environ["NSBOX_TEST_MARK"])' \
		'c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]})' \
		'c["mounts"].append({"destination": "/share", "type": "bind", "source": "share", "options": ["rbind"]})'
}

# proc_gone PID: no such process, or a zombie.
proc_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# cfg DIR STATEMENT...: edit DIR/config.json with python3 (the document
# is c; json and os are imported).
cfg() {
	_cfg_dir=$1
	shift
	python3 - "$_cfg_dir/config.json" "$@" <<'EOF'
import json, os, sys
path = sys.argv[1]
c = json.load(open(path))
for stmt in sys.argv[2:]:
    exec(stmt)
json.dump(c, open(path, "w"), indent=1)
EOF
}

# args DIR SCRIPT: process.args = ["sh", "-c", SCRIPT]
args() {
	OCI_SCRIPT=$2 cfg "$1" 'c["process"]["args"] = ["sh", "-c", os.environ["OCI_SCRIPT"]]'
}

# state_of ID: the status in `nsbox-oci state ID`, or "none".
state_of() {
	"$OCI" --root "$OCIROOT" state "$1" 2>/dev/null |
		sed -n 's/.*"status": "\([a-z]*\)".*/\1/p' | head -n 1 | grep . || echo none
}

# is_state ID STATUS: for wait_until.
is_state() { [ "$(state_of "$1")" = "$2" ]; }

# No container state left, and (as root) no cgroup directory of ours.
no_containers() {
	[ -z "$(ls -A "$OCIROOT" 2>/dev/null)" ]
}

# --- the dedicated test user ----------------------------------------------------------------

# The user the root run is rootless as, with ranges in /etc/subuid and
# /etc/subgid (what newuidmap and rootless podman need); made once, under
# a lock, idempotently. A free range starts after the highest one there.
OCI_TEST_USER=nsboxocitest
ensure_test_user() {
	$is_root || return 1
	command -v useradd >/dev/null 2>&1 || return 1
	(
		flock 9
		if ! id "$OCI_TEST_USER" >/dev/null 2>&1; then
			useradd -m -d "/var/lib/$OCI_TEST_USER" -s /bin/sh "$OCI_TEST_USER" ||
				exit 1
		fi
		for f in /etc/subuid /etc/subgid; do
			touch "$f"
			grep -q "^$OCI_TEST_USER:" "$f" && continue
			start=$(awk -F: 'BEGIN { m = 100000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' "$f")
			echo "$OCI_TEST_USER:$start:65536" >>"$f" || exit 1
		done
	) 9>/tmp/.nsbox-oci-test-user.lock 2>/dev/null || return 1
	id "$OCI_TEST_USER" >/dev/null 2>&1
}

# as_test_user COMMAND...: run as the dedicated user (its groups, a clean
# environment but for what the tests pass).
as_test_user() {
	setpriv --reuid="$OCI_TEST_USER" --regid="$OCI_TEST_USER" --init-groups \
		env -i PATH="$PATH" LC_ALL=C HOME="${TU_HOME:-/}" "$@"
}

# --- podman (t-oci-podman*.sh) -------------------------------------------------------------
# A flavour of podman is its directories ($PD, and $PR for the run root)
# and its runner ($PRUN: "" for the caller, or setpriv to a user).

# podman_setup DIR OWNER: podman's directories and configuration in DIR
# (made for OWNER, a user name, or "" for the caller), with $ROOTFS as
# DIR/rootfs.tar and $T/seccomp.json, if there is one, as DIR/seccomp.json.
podman_setup() {
	mkdir -p "$1/xdg" "$1/home" "$1/tmp" "$1/vol" "$1/hooks" "$1/ocistate"
	# podman wants a run root of at most 50 characters: one in /tmp, removed
	# with the scratch directories.
	PR=$(mktemp -d /tmp/nsbpm.XXXXXX) || return 1
	_scratch="$_scratch $PR"
	chmod 0700 "$1/xdg"
	chmod 0755 "$1/vol" "$1/hooks"
	# Limits at most the caller's hard ones.
	nofile=$(awk '/^Max open files/ {print $5}' /proc/self/limits)
	nproc=$(awk '/^Max processes/ {print $4}' /proc/self/limits)
	[ "$nofile" = unlimited ] || [ "$nofile" -gt 1024 ] && nofile=1024
	[ "$nproc" = unlimited ] || [ "$nproc" -gt 4096 ] && nproc=4096
	cat >"$1/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"
[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"
EOF
	# A hook for --hooks-dir: the state podman's runtime hands it.
	cat >"$1/hooks/nsbox-oci-test.json" <<EOF
{"version": "1.0.0", "hook": {"path": "/bin/sh", "args": ["sh", "-c", "cat > $1/vol/hook-\$1.json", "sh", "prestart"]},
 "when": {"annotations": {"^nsbox-oci-test-hook\$": "yes"}}, "stages": ["prestart"]}
EOF
	[ ! -f "$T/seccomp.json" ] || cp "$T/seccomp.json" "$1/seccomp.json"
	tar -C "$ROOTFS" --owner=0 --group=0 --numeric-owner -cf "$1/rootfs.tar" .
	[ -z "$2" ] || chown -R "$2:$2" "$1" "$PR"
}

# pm ARGS...: run_cmd podman with this flavour's directories and runner.
pm() {
	# shellcheck disable=SC2086
	run_cmd $PRUN env -i PATH="$PATH" LC_ALL=C HOME="$PD/home" XDG_RUNTIME_DIR="$PD/xdg" \
		CONTAINERS_CONF="$PD/containers.conf" \
		podman --root "$PD/root" --runroot "$PR" --tmpdir "$PD/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend file --hooks-dir "$PD/hooks" \
		--runtime "$OCI" "$@"
}

# The flavour's own leftovers: its containers, conmon, and rootless
# podman's pause process (it keeps podman's user namespace for later
# commands).
podman_teardown() {
	pm rm -a -f -t 0
	if [ -f "$PD/xdg/libpod/tmp/pause.pid" ]; then
		kill -KILL "$(cat "$PD/xdg/libpod/tmp/pause.pid")" 2>/dev/null
	fi
	for p in $(pgrep -f -- "conmon.*$PD/" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
}
