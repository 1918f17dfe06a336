# SPDX-License-Identifier: LGPL-2.1-or-later
# Rootless podman's own network with --runtime nsbox-oci: the default
# network (slirp4netns: podman makes the network namespace, nsbox-oci
# joins it by path) and a port published on 127.0.0.1 (rootlessport).
# The script runs in netlib.sh's guarded network namespace, whose uplink
# drops everything that does not stay on loopback; the only connection
# made is the test's own to the published port on 127.0.0.1.
#
# Who runs podman: the root run drives rootless podman as the test user
# with /etc/subuid ranges (ocilib.sh's ensure_test_user). The unprivileged
# run has nothing to check here: inside the guard's user namespace, which
# maps uid 65534 to itself alone, rootless podman cannot make its own
# ("cannot setresgid"), so it tests podman outside any network
# (t-oci-podman.sh, --network none) and the root run covers this.
. "${0%/*}/netlib.sh"
. "${0%/*}/lib.sh"
. "${0%/*}/ocilib.sh"

if ! $is_root; then
	diag "rootless podman's network is tested by the root run (as $OCI_TEST_USER)"
	done_testing
	exit
fi
if ! command -v podman >/dev/null 2>&1; then
	not_ok "podman is installed (apt-get install podman)"
	done_testing
	exit
fi
need_busybox "a busybox root filesystem" || {
	done_testing
	exit
}
if ! ensure_test_user; then
	not_ok "rootless podman as $OCI_TEST_USER (the user cannot be made)"
	done_testing
	exit
fi
ROOTFS=$T/rootfs
make_rootfs "$ROOTFS"
IMG=localhost/nsbox-oci-test:1
E="--env NSBOX_TEST_CHILD=$NSBOX_TEST_MARK"

scratch_dir PD
podman_setup "$PD" "$OCI_TEST_USER"
PRUN="setpriv --reuid=$OCI_TEST_USER --regid=$OCI_TEST_USER --init-groups"
# podman and conmon start in the caller's directory: one the user may enter.
cd "$PD" || exit 1
n="rootless ($OCI_TEST_USER)"

pm import "$PD/rootfs.tar" "$IMG"
expect "$n: podman import" status 0
pm run --rm $E "$IMG" sh -c 'ip -4 -o addr | grep -v " lo " | cut -d" " -f2'
expect "$n: the default network (slirp4netns): an interface tap0 besides lo" status 0 out "tap0"
pm run --rm $E "$IMG" sh -c 'grep -c "^nameserver" /etc/resolv.conf'
expect "$n: ... and a resolv.conf from podman" status 0 out_match '^[1-9]'

port=18080
pm run -d --name web -p "127.0.0.1:$port:8080" $E "$IMG" \
	sh -c 'while :; do echo hello-from-container | nc -l -p 8080; done'
expect "$n: run -d -p 127.0.0.1:$port:8080" status 0

# answers: the published port's greeting, read on the host's loopback.
answers() {
	python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
print(s.recv(64).decode().strip())' "$port" 2>/dev/null | grep -qx hello-from-container
}
check "$n: the published port answers on the host's loopback" wait_until 10 answers
pm rm -f -t 0 web
expect "$n: rm -f of the container with the published port" status 0
check "$n: ... and the port is closed again" wait_until 5 sh -c '! python3 -c "
import socket
socket.create_connection((\"127.0.0.1\", $0), timeout=1)" 2>/dev/null' "$port"
is "$(net_leaked)" 0 "$n: nothing left the guarded namespace"

podman_teardown
cd - >/dev/null || exit 1
done_testing
