# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's podman with `--runtime nsbox-oci`: run, run -d, ps, logs, exec,
# stop, kill, rm, run -t (through script), -v volumes, --read-only, --user,
# --cap-drop all, --security-opt seccomp=FILE, --tmpfs, --network none,
# --hooks-dir, exit codes, and as root --pids-limit and --memory (an OOM
# kill is 137). The image is imported from a busybox root filesystem made
# here (`podman import`): nothing is pulled.
#
# Who runs podman: the root run drives root podman, then rootless podman as
# a dedicated user with /etc/subuid and /etc/subgid ranges (made here,
# idempotently: ocilib.sh's ensure_test_user), which is how rootless podman
# is normally set up; the user run (uid 65534, which has no subordinate
# ids) drives rootless podman with the single mapping podman then uses, so
# --user with another uid is left out there. Every podman gets storage,
# run and tmp directories of this script's own (vfs), the cgroupfs
# manager, file events, and a containers.conf whose default_ulimits fit
# this host (podman's defaults may exceed what root may set here).
. "${0%/*}/lib.sh"
. "${0%/*}/ocilib.sh"

if ! command -v podman >/dev/null 2>&1; then
	not_ok "podman is installed (apt-get install podman)"
	done_testing
	exit
fi
need_busybox "a busybox root filesystem" || {
	done_testing
	exit
}
ROOTFS=$T/rootfs
make_rootfs "$ROOTFS"
IMG=localhost/nsbox-oci-test:1

# A seccomp profile: everything allowed but mkdir.
cat >"$T/seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
EOF

E="--env NSBOX_TEST_CHILD=$NSBOX_TEST_MARK"

# suite NAME: every podman test, named "NAME: ...".
suite() {
	n=$1
	pm import "$PD/rootfs.tar" "$IMG"
	expect "$n: podman import of the busybox root filesystem" status 0
	pm run --rm --network none $E "$IMG" sh -c 'echo hello; cat /proc/1/comm; :'
	expect "$n: run --rm" status 0 out "hello
sh"
	pm run --rm --network none $E "$IMG" sh -c 'exit 3'
	expect "$n: run's exit status" status 3
	pm run --rm --network none $E "$IMG" nosuchcommand
	expect "$n: a missing command is 127" status 127 err_has "executable file not found in \$PATH"
	pm run --rm --network none $E "$IMG" sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "'
	expect "$n: --network none: only lo" status 0 out "lo"

	pm run -d --name c1 --network none $E "$IMG" sh -c 'echo out; trap "exit 0" TERM; while :; do sleep 0.1; done'
	expect "$n: run -d" status 0 out_match '^[0-9a-f]{64}$'
	pm ps --format '{{.Names}} {{.Status}}'
	expect "$n: ps shows it up" status 0 out_match '^c1 Up '
	pm exec c1 sh -c 'echo in-exec; cat /proc/1/comm'
	expect "$n: exec" status 0 out "in-exec
sh"
	pm exec c1 sh -c 'exit 4'
	expect "$n: exec's exit status" status 4
	pm exec -t c1 sh -c 'tty'
	expect "$n: exec -t gets a terminal" status 0 out_match '^/dev/pts/[0-9]+'
	pm logs c1
	expect "$n: logs" status 0 out "out"
	pm stop -t 5 c1
	expect "$n: stop (SIGTERM, trapped)" status 0
	pm ps -a --format '{{.Names}} {{.Status}}'
	expect "$n: ps -a: exited 0" status 0 out_match '^c1 Exited \(0\)'
	pm rm c1
	expect "$n: rm" status 0

	pm run -d --name c2 --network none $E "$IMG" sleep 30
	pm kill -s KILL c2
	expect "$n: kill -s KILL" status 0
	pm wait c2
	expect "$n: wait: 137 after SIGKILL" status 0 out 137
	pm run -d --name c3 --network none $E "$IMG" sleep 30
	pm rm -f -t 0 c3
	expect "$n: rm -f of a running container" status 0

	if command -v script >/dev/null 2>&1; then
		pm sh -c 'exec "$@"' sh true
		podman_cmd=$(printf '%s ' $PRUN env -i PATH="$PATH" LC_ALL=C HOME="$PD/home" XDG_RUNTIME_DIR="$PD/xdg" \
			CONTAINERS_CONF="$PD/containers.conf" podman --root "$PD/root" --runroot "$PR" \
			--tmpdir "$PD/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
			--runtime "$OCI" run --rm -t --network none "$IMG" sh -c "'tty; stty size'")
		run_cmd script -qec "$podman_cmd" /dev/null
		tr -d '\r' <"$T/out" >"$T/tty.out"
		check "$n: run -t (through script): a terminal of the container's" grep -q '^/dev/pts/0$' "$T/tty.out"
	else
		not_ok "$n: run -t (no script: apt-get install bsdutils)"
	fi

	pm run --rm --network none $E -v "$PD/vol:/vol" "$IMG" sh -c 'echo written > /vol/v; cat /vol/v'
	expect "$n: -v volume" status 0 out "written"
	check "$n: the volume's write is on the host" grep -q '^written$' "$PD/vol/v"
	pm run --rm --network none $E --read-only "$IMG" sh -c 'touch /x; touch /tmp/y && echo tmp-ok'
	expect "$n: --read-only (and its /tmp tmpfs)" status 0 out "tmp-ok" err_has "/x: Read-only file system"
	pm run --rm --network none $E --cap-drop all "$IMG" sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status'
	expect "$n: --cap-drop all" status 0 out "CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000"
	pm run --rm --network none $E --security-opt seccomp="$PD/seccomp.json" "$IMG" sh -c 'mkdir /tmp/x; echo rc=$?'
	expect "$n: --security-opt seccomp=FILE" status 0 out "rc=1" err_has "Permission denied"
	pm run --rm --network none $E --tmpfs /scratch:size=1m "$IMG" sh -c 'grep " /scratch " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1; echo x > /scratch/f && cat /scratch/f'
	expect "$n: --tmpfs" status 0 out "tmpfs
x"
	pm run --rm --network none $E --annotation nsbox-oci-test-hook=yes --name hk "$IMG" true
	expect "$n: --hooks-dir: a container with a hook" status 0
	check "$n: the hook ran with the container's state" grep -q '"status":"creating"' "$PD/vol/hook-prestart.json"
	# Bundles made from the image with the tools users have: podman export
	# (a root filesystem; config.json from nsbox-oci spec) and umoci unpack
	# of an OCI layout written by podman push (umoci's own config.json).
	rl=
	[ -z "$PRUN" ] && $is_root || rl=--rootless
	pm create --name ex --network none "$IMG" true
	pm export -o "$PD/export.tar" ex
	expect "$n: podman export" status 0
	pm rm ex
	# shellcheck disable=SC2086
	run_cmd $PRUN sh -c 'mkdir -p "$1/exb/rootfs" && tar -C "$1/exb/rootfs" -xf "$1/export.tar" &&
		cd "$1/exb" && "$2" spec $3' sh "$PD" "$OCI" "$rl"
	expect "$n: nsbox-oci spec $rl in the exported bundle" status 0
	args "$PD/exb" 'echo exported; id -u'
	cfg "$PD/exb" 'c["process"]["terminal"] = False'
	# shellcheck disable=SC2086
	run_cmd $PRUN "$OCI" --root "$PD/ocistate" run -b "$PD/exb" exported
	expect "$n: nsbox-oci run of a podman export" status 0 out "exported
0"
	pm push "$IMG" "oci:$PD/layout:t1"
	expect "$n: podman push to an OCI layout" status 0
	# shellcheck disable=SC2086
	run_cmd $PRUN umoci unpack $rl --image "$PD/layout:t1" "$PD/ub"
	expect "$n: umoci unpack $rl" status 0
	args "$PD/ub" 'echo unpacked; cat /etc/hostname 2>/dev/null; id -u'
	cfg "$PD/ub" 'c["process"]["terminal"] = False'
	# shellcheck disable=SC2086
	run_cmd $PRUN "$OCI" --root "$PD/ocistate" run -b "$PD/ub" unpacked
	expect "$n: nsbox-oci run of umoci's bundle" status 0 out_match '^unpacked$'
	if [ "$n" != "rootless (uid $(id -u), one id)" ]; then
		pm run --rm --network none $E --user 1000:1000 "$IMG" id
		expect "$n: --user" status 0 out "uid=1000(user) gid=1000(user) groups=1000(user)"
	fi
}

# --- root podman, rootless podman as the test user --------------------------------------------

if $is_root; then
	PD=$T/podman-root
	PRUN=
	podman_setup "$PD" ""
	suite root
	pm run --rm --network none $E --pids-limit 5 "$IMG" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; for i in 1 2 3 4 5 6; do sleep 1 & done; wait'
	expect "root: --pids-limit takes effect" out_match '^5$' err_has "Resource temporarily unavailable"
	pm run --rm --network none $E --memory 16m --memory-swap 16m "$IMG" sh -c 'a=x; while :; do a="$a$a"; done'
	expect "root: --memory: an OOM kill is 137" status 137
	podman_teardown

	if ensure_test_user; then
		scratch_dir PD
		podman_setup "$PD" "$OCI_TEST_USER"
		PRUN="setpriv --reuid=$OCI_TEST_USER --regid=$OCI_TEST_USER --init-groups"
		# podman and conmon start in the caller's directory: one the user
		# may enter.
		cd "$PD" || exit 1
		suite "rootless ($OCI_TEST_USER, /etc/subuid ranges)"
		podman_teardown
		cd - >/dev/null || exit 1
	else
		not_ok "rootless podman as $OCI_TEST_USER (the user cannot be made)"
	fi
else
	PD=$T/podman-user
	PRUN=
	podman_setup "$PD" ""
	suite "rootless (uid $(id -u), one id)"
	podman_teardown
fi

done_testing
