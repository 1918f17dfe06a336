# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line as a user sees it: --help, --version, usage errors, bad
# values, --args, the argument limit, the program name in messages.
. "${0%/*}/lib.sh"

usage_line="[OPTIONS...] [--] COMMAND [ARGS...]"

# --- help, version, usage --------------------------------------------------------

run_nsbox --help
expect "--help exits 0 with nothing on stderr" status 0 err ""
is "$(head -n 1 "$T/out")" "usage: $NSBOX $usage_line" "--help: first line is the usage with the path as invoked"

mkdir "$T/cwd"
cp "$NSBOX" "$T/cwd/nsbox"
cd "$T/cwd" || exit 1
run_cmd ./nsbox --help
cd "$T" || exit 1
is "$(head -n 1 "$T/out")" "usage: ./nsbox $usage_line" "--help through a relative path shows that path"

# Every bubblewrap option is either listed by --help or, while it is not
# implemented yet, refused with a message saying so.
bwrap_options="--help --version --args --argv0 --level-prefix
	--unshare-all --share-net --unshare-user --unshare-user-try --unshare-ipc
	--unshare-pid --unshare-net --unshare-uts --unshare-cgroup --unshare-cgroup-try
	--userns --userns2 --pidns --disable-userns --assert-userns-disabled
	--uid --gid --hostname --chdir --clearenv --setenv --unsetenv --lock-file
	--sync-fd --bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try
	--bind-fd --ro-bind-fd --remount-ro --overlay-src --overlay --tmp-overlay
	--ro-overlay --exec-label --file-label --proc --dev --tmpfs --mqueue --dir
	--file --bind-data --ro-bind-data --symlink --seccomp --add-seccomp-fd
	--block-fd --userns-block-fd --info-fd --json-status-fd --new-session
	--die-with-parent --as-pid-1 --cap-add --cap-drop --perms --size --chmod"
run_nsbox --help
cp "$T/out" "$T/help"
deferred=
for o in $bwrap_options; do
	grep -q -e "^ *$o\([^a-z-]\|$\)" "$T/help" || deferred="$deferred $o"
done
_why=
for o in $deferred; do
	run_box "$o" 3 /nsbt-a /nsbt-b true
	[ "$status" = 1 ] || _because "$o: status $status"
	case $err in
	"$NSBOX_TEST_PROG: "*"$o"*"not supported yet"*) ;;
	*) _because "$o: not in --help, and the message is '$err'" ;;
	esac
done
_verdict "every bubblewrap option is in --help or refused as 'not supported yet'"
diag "not supported yet:${deferred:- none}"

run_nsbox --version
expect "--version prints 'nsbox X.Y.Z' and exits 0" status 0 err "" out_match '^nsbox [0-9]+\.[0-9]+\.[0-9]+$'
is "$(wc -l <"$T/out")" 1 "--version prints one line"

run_nsbox
expect "no arguments: usage on stderr, nothing on stdout, exit 1" status 1 out ""
is "$(head -n 1 "$T/err")" "usage: $NSBOX $usage_line" "no arguments: stderr starts with the usage line"

run_nsbox --unshare-uts --chdir /
expect "options without a COMMAND: usage on stderr, exit 1" status 1 out "" err_has "usage: $NSBOX $usage_line"

run_nsbox --frobnicate true
expect_error "an unknown option is refused, by name" "--frobnicate"

run_nsbox --bind=/usr /usr true
expect_error "no --opt=value form" "--bind=/usr"

run_nsbox -u true
expect_error "no short options" "-u"

run_box -oops
expect_error "a COMMAND starting with '-' without '--' is an unknown option" "-oops"

run_nsbox --level-prefix --frobnicate true
expect "--level-prefix: errors start with <3>" status 1 err_match '^<3>nsbox: .*--frobnicate'

# --- missing and bad values -----------------------------------------------------

run_nsbox --bind /usr
expect_error "--bind with one argument is refused" "--bind"
run_nsbox --setenv ONLY_NAME
expect_error "--setenv with one argument is refused" "--setenv"
run_nsbox --chdir
expect_error "--chdir without an argument is refused" "--chdir"

for v in abc 3x -3 1.5 " 3" 99999999999999999999; do
	run_nsbox --args "$v" true
	expect_error "bad fd '$v' for --args" "--args" "$v"
done
run_nsbox --args "" true
expect_error "empty fd for --args" "--args"
run_box --file x3 /f true
expect_error "bad fd for --file" "--file" "x3"
run_box --bind-data -1 /f true
expect_error "negative fd for --bind-data" "--bind-data" "-1"
run_nsbox --args 77 true
expect_error "--args with an fd that is not open" "--args" "77"

for v in 0999 8 rwx 17777 -1 ""; do
	run_box --perms "$v" --dir /x true
	expect_error "bad mode '$v' for --perms" "--perms" "$v"
done
run_box --dir /x --chmod 0758 /x true
expect_error "bad mode for --chmod" "--chmod" "0758"
run_box --dir /x --chmod 12345 /x true
expect_error "out-of-range mode for --chmod" "--chmod" "12345"

run_box --perms 0700 --ro-bind /usr /u true
expect_error "--perms before an option that creates nothing" "--perms"
run_box --perms 0700 true
expect_error "--perms at the end of the options" "--perms"
run_box --perms 0700 --perms 0700 --dir /x true
expect_error "--perms twice for one action" "--perms"

run_box --size 65536 --dir /x true
expect_error "--size before something else than --tmpfs" "--size"
run_box --size 65536 --perms 0700 --dir /x true
expect_error "--size, --perms, then --dir" "--size"
for v in 0 abc -5 " 1" 99999999999999999999999 64MB 1.5G 0x10M 8E; do
	run_box --size "$v" --tmpfs /t true
	expect_error "bad size '$v' for --size" "--size" "$v"
done

for op in --dir --tmpfs --mqueue --remount-ro; do
	run_box "$op" "" true
	expect_error "empty destination for $op" "$op"
done
run_box --bind /usr "" true
expect_error "empty destination for --bind" "--bind"
run_box --symlink usr "" true
expect_error "empty destination for --symlink" "--symlink"

if $is_root; then
	run_box --unshare-user --uid 4294967296 true
else
	run_box --uid 4294967296 true
fi
expect_error "--uid 4294967296 is out of range" "--uid" "4294967296"
for v in -1 abc 4294967295 ""; do
	run_box --unshare-user --uid "$v" true
	expect_error "bad value '$v' for --uid" "--uid" "$v"
done
run_box --unshare-user --gid 12345678901 true
expect_error "--gid out of range" "--gid" "12345678901"

run_box --argv0 a --argv0 b true
expect_error "--argv0 twice is refused" "--argv0"


# --- --args ----------------------------------------------------------------------

printf -- '--setenv\0FROM_FILE\0yes\0--setenv\0OTHER\0two words\0' >"$T/args"
run_box --args 3 sh -c 'echo "$FROM_FILE/$OTHER"' 3<"$T/args"
expect "--args reads NUL-separated options from a file" status 0 out "yes/two words"

mkfifo "$T/fifo"
printf -- '--setenv\0FROM_PIPE\0piped\0' >"$T/fifo" &
run_box --args 3 printenv FROM_PIPE 3<"$T/fifo"
wait
expect "--args reads options from a pipe" status 0 out "piped"

printf -- '--setenv\0FROM_STDIN\0in\0' >"$T/args0"
run_box --args 0 printenv FROM_STDIN <"$T/args0"
expect "--args 0 reads from stdin" status 0 out "in"

printf -- '--setenv\0LAST\0no-terminator' >"$T/args"
run_box --args 3 printenv LAST 3<"$T/args"
expect "--args: the last string needs no NUL" status 0 out "no-terminator"

printf -- '--setenv\0A\0one\0stray\0--setenv\0B\0two\0' >"$T/args"
run_box --args 3 sh -c 'echo "${A-unset} ${B-unset}"' 3<"$T/args"
expect "--args: a non-option token ends the data, the rest is ignored" status 0 out "one unset"

printf -- '--setenv\0A\0one\0' >"$T/args1"
printf -- '--setenv\0B\0two\0' >"$T/args2"
run_box --args 3 --args 4 sh -c 'echo "$A $B"' 3<"$T/args1" 4<"$T/args2"
expect "--args may be repeated" status 0 out "one two"

printf -- '--args\0004\0' >"$T/args"
run_box --args 3 true 3<"$T/args" 4<"$T/args1"
expect_error "--args inside an arguments file is refused" "--args"

seq 1 2500 | sed 's/.*/--setenv\nV&\n&/' | tr '\n' '\0' >"$T/args"
run_box --args 3 sh -c 'env | grep -c "^V[0-9]*="; printenv V1 V2500' 3<"$T/args"
expect "--args with 7500 arguments (2500 --setenv)" status 0 out "$(printf '2500\n1\n2500')"

# shellcheck disable=SC2046
set -- $(seq 1 2000 | sed 's/.*/--setenv W& &/')
run_box "$@" sh -c 'env | grep -c "^W[0-9]*="'
expect "6000 arguments on the command line" status 0 out "2000"

# shellcheck disable=SC2046
set -- $(yes -- --unshare-uts | head -n 8800)
run_box "$@" true
expect "8800 arguments are within the limit" status 0

# shellcheck disable=SC2046
set -- $(yes -- --unshare-uts | head -n 9100)
run_box "$@" true
expect_error "9100 arguments exceed the 9000 limit" "9000"

yes -- --unshare-uts | head -n 9100 | tr '\n' '\0' >"$T/args"
run_box --args 3 true 3<"$T/args"
expect_error "the limit counts arguments read through --args" "9000"
set --

# --- '--' --------------------------------------------------------------------------

run_box --setenv X y -- printenv X
expect "'--' ends the options" status 0 out "y"

run_box -- --version
expect_error "after '--', --version is the COMMAND" "--version"

# --- the program name --------------------------------------------------------------

mkdir "$T/as-bwrap"
ln -s "$NSBOX" "$T/as-bwrap/bwrap"
run_cmd "$T/as-bwrap/bwrap" --frobnicate true
expect "invoked through a symlink named bwrap, messages say 'bwrap: '" status 1 err_match '^bwrap: .*--frobnicate'
run_cmd "$T/as-bwrap/bwrap" --help
is "$(head -n 1 "$T/out")" "usage: $T/as-bwrap/bwrap $usage_line" "--help through the bwrap symlink"

mkdir "$T/copy"
cp "$NSBOX" "$T/copy/bwrap"
# shellcheck disable=SC2086
run_cmd "$T/copy/bwrap" $ROOT --setenv X y printenv X
expect "a copy named bwrap runs sandboxes" status 0 out "y"
run_cmd "$T/copy/bwrap" --bind /nonexistent-src /x true
expect "a copy named bwrap says 'bwrap: '" status 1 err_match '^bwrap: '

# --- warnings -----------------------------------------------------------------------

run_box --chdir /usr --chdir / pwd
expect "a repeated last-one-wins option warns and the last wins" status 0 out "/" \
	err_has "Only the last --chdir option will take effect"

done_testing
