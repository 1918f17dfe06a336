# SPDX-License-Identifier: LGPL-2.1-or-later
# nsbox in place of bwrap: invoked as bwrap it says bubblewrap's version;
# the messages bubblewrap's own test suite matches come out in its words;
# a sandbox inside the sandbox (nsbox or bwrap) can mount its /proc; and
# what --dry-run and --verbose say.
. "${0%/*}/lib.sh"

# A copy named bwrap, as a launcher finds it on PATH.
mkdir -p "$T/bin"
cp "$NSBOX" "$T/bin/bwrap"
BW=$T/bin/bwrap

run_cmd "$BW" --version
expect "invoked as bwrap, --version prints bubblewrap's version" status 0 out "bubblewrap 0.11.1"
run_nsbox --version
expect "invoked as nsbox, --version prints nsbox's" status 0 out_match '^nsbox [0-9]+\.[0-9]+\.[0-9]+$'

# --- bubblewrap's words (as its tests/test-run.sh and test-seccomp.py match them) -----

need_userns "bubblewrap's messages" && {
	run_cmd "$BW" --ro-bind / / --unshare-pid --bind /source-enoent /dest true
	expect "^bwrap: Can't find source path.*source-enoent" status 1 \
		err_match "^bwrap: Can't find source path.*source-enoent"
	run_cmd "$BW" --ro-bind / / --chdir / --chdir / true
	expect "^bwrap: Only the last --chdir option will take effect\$" status 0 \
		err_match "^bwrap: Only the last --chdir option will take effect\$"
	run_cmd "$BW" --ro-bind / / --level-prefix --chdir / --chdir / true
	expect "^<4>bwrap: Only the last --chdir option will take effect\$" status 0 \
		err_match "^<4>bwrap: Only the last --chdir option will take effect\$"
	run_cmd "$BW" --ro-bind / / --overlay "$T" "$T" /tmp true
	expect "^bwrap: --overlay requires at least one --overlay-src" status 1 \
		err_match "^bwrap: --overlay requires at least one --overlay-src"
	run_cmd "$BW" --ro-bind / / --tmp-overlay /tmp true
	expect "^bwrap: --tmp-overlay requires at least one --overlay-src" status 1 \
		err_match "^bwrap: --tmp-overlay requires at least one --overlay-src"
	run_cmd "$BW" --ro-bind / / --overlay-src "$T" --ro-overlay /tmp true
	expect "^bwrap: --ro-overlay requires at least two --overlay-src" status 1 \
		err_match "^bwrap: --ro-overlay requires at least two --overlay-src"
	for tail in "true" "--chdir / true"; do
		# shellcheck disable=SC2086
		run_cmd "$BW" --ro-bind / / --overlay-src "$T" $tail
		expect "^bwrap: --overlay-src must be followed by ... (then: $tail)" status 1 \
			err_match "^bwrap: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"
	done
	for fd in -1 0a; do
		run_cmd "$BW" --ro-bind / / --seccomp "$fd" true
		expect "bwrap: Invalid fd: $fd as a whole line" status 1 \
			err_match "^bwrap: Invalid fd: $fd\$"
	done
}

# --- a sandbox inside the sandbox ----------------------------------------------------

# The outer sandbox has its own /proc; the inner one mounts a procfs of its
# own too (the kernel refuses that when the outer /proc is partly covered).
inner_nsbox="$T/bin/nsbox"
cp "$NSBOX" "$inner_nsbox"
for inner in nsbox bwrap; do
	if [ "$inner" = bwrap ]; then
		prog=$(command -v bwrap) || {
			skip "bwrap inside nsbox" "bubblewrap is not installed"
			continue
		}
	else
		prog=$inner_nsbox
	fi
	desc="$inner inside nsbox mounts its own /proc"
	need_userns "$desc" || continue
	run_nsbox --ro-bind / / --dev /dev --proc /proc --unshare-pid -- \
		"$prog" --ro-bind / / --proc /proc --unshare-pid -- \
		sh -c 'test $$ -le 2 && test -d /proc/$$ && echo own-proc'
	expect "$desc" status 0 out own-proc
done
if $is_root; then
	# A root caller's /proc/sys stays read-only, even for uid 0 inside.
	run_nsbox --ro-bind / / --proc /proc --unshare-pid -- sh -c \
		'echo x >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo written || echo refused'
	expect "root: /proc/sys stays read-only inside" status 0 out refused
fi

# A nested nsbox refused by the outer one's own seccomp profile is told so,
# and told to use +userns (which then works).
desc="nsbox inside nsbox --seccomp-profile default: the message names the profile and +userns"
if need_userns "$desc"; then
	run_nsbox --ro-bind / / --dev /dev --proc /proc --unshare-pid --seccomp-profile default -- \
		"$inner_nsbox" --ro-bind / / true
	expect_error "$desc" "seccomp filter of the nsbox sandbox" "--seccomp-profile default+userns"
	# The profile refuses ptrace, which LeakSanitizer needs at exit in the
	# sanitizer build (make check-asan): the inner nsbox skips that check.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run_nsbox --ro-bind / / --dev /dev --proc /proc --unshare-pid \
		--seccomp-profile default+userns -- "$inner_nsbox" --ro-bind / / echo nested
	expect "... and with default+userns the nested nsbox runs" status 0 out nested
fi

# --- --dry-run and --verbose ---------------------------------------------------------------

: >"$T/info"
mkfifo "$T/args.fifo"
run_nsbox --dry-run $ROOT --unshare-all --uid 0 --tmpfs /tmp --setenv A B --cap-add CAP_NET_RAW \
	--rlimit NOFILE=64 --info-fd 3 --lock-file /nonexistent sh -c 'echo RAN' 3>"$T/info"
_why=
[ "$status" = 0 ] || _because "status $status"
for want in "nothing was created" "namespaces: new user mnt pid net ipc uts" \
	"--ro-bind /usr /usr  [ro,nosuid,nodev]" "--tmpfs /tmp  [nosuid,nodev]" \
	"environment: set A=B" "cap_net_raw" "rlimit: NOFILE soft 64" \
	"lock file: /nonexistent" "command: sh -c echo RAN"; do
	case $out in *"$want"*) ;; *) _because "no '$want'" ;; esac
done
case $out in *"
RAN"*) _because "COMMAND ran" ;; esac
[ ! -s "$T/info" ] || _because "--info-fd was written"
_verdict "--dry-run prints the plan and creates nothing (no report, no lock taken)"
run_nsbox --dry-run $ROOT --bind "$T/missing-source" /x true
expect_error "--dry-run checks the bind sources" "Can't find source path $T/missing-source"
run_nsbox --dry-run $ROOT --bind-try "$T/missing-source" /x true
expect "--dry-run lets a -try source be missing" status 0 out_has "(skipped if missing)"

run_box --verbose --unshare-pid true
_why=
[ "$status" = 0 ] || _because "status $status"
for want in "sandbox cloned" "--ro-bind /usr /usr" "pivoted into the new root" \
	"pid 1 stays as the reaper" "executing true" "COMMAND was executed"; do
	case $err in *"$want"*) ;; *) _because "stderr lacks '$want'" ;; esac
done
_verdict "--verbose logs each setup step"
run_box --level-prefix --verbose true
expect "--verbose with --level-prefix: debug level 7" status 0 err_match '^<7>nsbox: executing true$'
run_box true
expect "without --verbose, nothing is logged" status 0 err ""

done_testing
