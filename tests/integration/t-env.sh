# SPDX-License-Identifier: LGPL-2.1-or-later
# The environment COMMAND gets: inherited, --setenv, --unsetenv, --clearenv
# applied in order, PWD, and the PATH used to find COMMAND.
. "${0%/*}/lib.sh"

NSBT_OUTER=outer-value
export NSBT_OUTER

run_box printenv NSBT_OUTER
expect "the caller's environment is passed on" status 0 out "outer-value"
run_box --setenv FOO bar printenv FOO
expect "--setenv sets a variable" status 0 out "bar"
run_box --setenv FOO 'a=b c  d' printenv FOO
expect "--setenv keeps '=' and blanks in the value" status 0 out "a=b c  d"
run_box --setenv FOO '' sh -c 'echo "[${FOO-unset}]"'
expect "--setenv with an empty value sets it empty" status 0 out "[]"
run_box --setenv NSBT_OUTER inner printenv NSBT_OUTER
expect "--setenv overrides an inherited variable" status 0 out "inner"
run_box --setenv FOO 1 --setenv FOO 2 printenv FOO
expect "the last --setenv of a variable wins" status 0 out "2"
run_box --unsetenv NSBT_OUTER printenv NSBT_OUTER
expect "--unsetenv removes an inherited variable" status 1 out ""
run_box --unsetenv NSBT_NEVER_SET true
expect "--unsetenv of an unset variable is fine" status 0 err ""

run_box --clearenv --chdir / env
expect "--clearenv leaves only PWD" status 0 out "PWD=/"
run_box --setenv A 1 --clearenv --chdir / env
expect "--setenv before --clearenv is cleared" status 0 out "PWD=/"
run_box --clearenv --setenv A 1 --chdir / sh -c 'env | sort'
expect "--setenv after --clearenv is kept" status 0 out "$(printf 'A=1\nPWD=/')"
run_box --setenv A 1 --unsetenv A sh -c 'echo "${A-unset}"'
expect "--setenv then --unsetenv: unset" status 0 out "unset"
run_box --unsetenv A --setenv A 2 sh -c 'echo "${A-unset}"'
expect "--unsetenv then --setenv: set" status 0 out "2"

run_box --chdir /usr printenv PWD
expect "PWD is the --chdir directory" status 0 out "/usr"
cd /usr/share || exit 1
run_cmd env PWD=/somewhere/else "$NSBOX" $ROOT printenv PWD
cd "$T" || exit 1
expect "PWD is the final cwd, not the caller's PWD" status 0 out "/usr/share"
run_box --clearenv --setenv PWD /wrong --chdir /usr printenv PWD
expect "PWD is set even over --setenv PWD" status 0 out "/usr"

run_box --setenv PATH /usr/sbin:/usr/bin printenv PATH
expect "--setenv PATH reaches COMMAND" status 0 out "/usr/sbin:/usr/bin"
run_box --setenv PATH /nonexistent-dir ls /
expect_error "COMMAND is looked up in the PATH set by --setenv" "ls"
run_box --setenv PATH /usr/bin ls -d /
expect "COMMAND is found through the PATH set by --setenv" status 0 out "/"

done_testing
