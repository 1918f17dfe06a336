#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the libFuzzer harnesses of tests/fuzz/ with clang (ASan + UBSan) and
# run each for FUZZ_SECONDS, starting from a copy of its seed corpus. Exits 1
# if a harness finds a crash, leak, timeout or contract violation (the work
# directory with the reproducer and the binaries is then kept), 2 if the
# tools are missing or the build fails. Only writes under a temporary
# directory.
#
# usage: run.sh [BUILD_DIR]
#   BUILD_DIR    a configured build tree: its config.h is used. Without it a
#                minimal config.h is made, with libseccomp/libselinux if
#                pkg-config finds them.
# environment:
#   FUZZ_SECONDS time per harness (default 20)
#   FUZZ_TARGETS harnesses to run (default "cli seccomp_policy numbers
#                net_rules oci_config oci_seccomp")
#   FUZZ_CC      compiler (default clang)
#   FUZZ_FLAGS   extra libFuzzer flags, e.g. "-jobs=2" or "-runs=1000"
#   FUZZ_KEEP=1  keep the work directory after a clean run too
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-20}
targets=${FUZZ_TARGETS:-"cli seccomp_policy numbers net_rules oci_config oci_seccomp"}
cc=${FUZZ_CC:-clang}
flags=${FUZZ_FLAGS:-}

die() {
	echo "fuzz: $*" >&2
	exit 2
}

for t in $targets; do
	[ -f "$here/fuzz_$t.c" ] || die "no harness tests/fuzz/fuzz_$t.c (FUZZ_TARGETS)"
done
case $seconds in
'' | *[!0-9]*) die "FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" ;;
esac

# --- tools --------------------------------------------------------------------
command -v "$cc" >/dev/null 2>&1 ||
	die "'$cc' not found: the harnesses need clang and its libFuzzer runtime" \
		"(Debian: apt-get install clang libclang-rt-14-dev)"

work=$(mktemp -d "${TMPDIR:-/tmp}/nsbox-fuzz.XXXXXX")
keep=${FUZZ_KEEP:-0}
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "fuzz: work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return 0; }
EOF
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" \
	>"$work/probe.log" 2>&1; then
	sed -n '1,10p' "$work/probe.log" >&2
	die "'$cc' cannot link a libFuzzer program with ASan and UBSan: FUZZ_CC must be" \
		"clang with its libFuzzer and sanitizer runtimes" \
		"(Debian: apt-get install clang libclang-rt-14-dev)"
fi

# FUZZ_COVERAGE=1: line coverage of src/ by the final corpus, with llvm-cov.
coverage=${FUZZ_COVERAGE:-0}
if [ "$coverage" = 1 ]; then
	llvm_ver=$("$cc" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
	profdata=
	llvm_cov=
	for v in "-$llvm_ver" ""; do
		if [ -z "$profdata" ] && command -v "llvm-profdata$v" >/dev/null 2>&1 &&
			command -v "llvm-cov$v" >/dev/null 2>&1; then
			profdata=llvm-profdata$v
			llvm_cov=llvm-cov$v
		fi
	done
	[ -n "$profdata" ] ||
		die "FUZZ_COVERAGE=1 needs llvm-profdata and llvm-cov (Debian: llvm-$llvm_ver)"
fi

# --- config.h -----------------------------------------------------------------
have_pkg() {
	command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"
}

if [ $# -ge 1 ]; then
	config=$(cd "$1" 2>/dev/null && pwd)/config.h ||
		die "no build directory '$1'"
	[ -f "$config" ] || die "no config.h in '$1': run configure there first"
else
	config=$work/config.h
	version=$(sed -n 's/^AC_INIT(\[nsbox\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
	{
		echo '#ifndef _GNU_SOURCE'
		echo '#define _GNU_SOURCE 1'
		echo '#endif'
		echo '#define PACKAGE_NAME "nsbox"'
		echo "#define PACKAGE_VERSION \"${version:-0}\""
		! have_pkg 'libseccomp >= 2.5' || echo '#define HAVE_LIBSECCOMP 1'
		! have_pkg libselinux || echo '#define HAVE_LIBSELINUX 1'
		! have_pkg 'json-c >= 0.15' || echo '#define HAVE_JSON_C 1'
	} >"$config"
fi

defined() {
	grep -q "^#define $1 1" "$config"
}

# pkg-config's flags where it knows the library, else -lNAME.
pkg_cflags=
libs=
add_lib() {
	if have_pkg "$1"; then
		pkg_cflags="$pkg_cflags $(pkg-config --cflags "$1")"
		libs="$libs $(pkg-config --libs "$1")"
	else
		libs="$libs -l$2"
	fi
}
add_lib libcap cap
if defined HAVE_LIBSECCOMP; then add_lib libseccomp seccomp; fi
if defined HAVE_LIBSELINUX; then add_lib libselinux selinux; fi
# json-c is loaded at run time (src/oci/json.c): its headers only.
if defined HAVE_JSON_C && have_pkg json-c; then
	pkg_cflags="$pkg_cflags $(pkg-config --cflags json-c)"
fi

# --- build --------------------------------------------------------------------
# Everything but main.c goes into one archive, so a harness links exactly the
# objects it needs, as the unit tests do with libnsbcore.a.
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san -include $config -I$top/src $pkg_cflags"
cov_cflags="-g -O0 -fprofile-instr-generate -fcoverage-mapping -include $config -I$top/src $pkg_cflags"
jobs=$(nproc 2>/dev/null || echo 2)

# Compile $jobs at a time; each job is noted as "pid:object".
wait_jobs() {
	for job; do
		wait "${job%%:*}" || {
			cat "${job#*:}.log" >&2
			die "cannot compile src/$(basename "${job#*:}" .o).c"
		}
	done
}

# build_archive ARCHIVE FLAGS: src/*.c but main.c, and src/oci/*.c (objects
# named oci_*.o: src/oci/seccomp.c is not src/seccomp.c), compiled with
# FLAGS (a word-split string), into ARCHIVE.
build_archive() {
	archive=$1
	objdir=${archive%.a}.obj
	archive_flags=$2
	mkdir -p "$objdir"
	set --
	for f in "$top"/src/*.c "$top"/src/oci/*.c; do
		[ "${f##*/}" = main.c ] && continue
		case $f in
		*/src/oci/*) o=$objdir/oci_$(basename "$f" .c).o ;;
		*) o=$objdir/$(basename "$f" .c).o ;;
		esac
		# shellcheck disable=SC2086
		$cc $archive_flags -c "$f" -o "$o" >"$o.log" 2>&1 &
		set -- "$@" "$!:$o"
		if [ $# -ge "$jobs" ]; then
			wait_jobs "$@"
			set --
		fi
	done
	wait_jobs "$@"
	ar rcs "$archive" "$objdir"/*.o || die "cannot make $archive"
}

echo "fuzz: building in $work"
build_archive "$work/libnsbfuzz.a" "$cflags -fsanitize=fuzzer-no-link"
if [ "$coverage" = 1 ]; then
	build_archive "$work/libnsbcov.a" "$cov_cflags"
fi

run_targets=
for t in $targets; do
	if { [ "$t" = seccomp_policy ] || [ "$t" = oci_seccomp ]; } && ! defined HAVE_LIBSECCOMP; then
		echo "fuzz: skipping fuzz_$t: built without libseccomp"
		continue
	fi
	case $t in oci_*)
		if ! defined HAVE_JSON_C; then
			echo "fuzz: skipping fuzz_$t: built without json-c"
			continue
		fi ;;
	esac
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer -Wall -Wextra -Wno-unused-parameter \
		"$here/fuzz_$t.c" "$work/libnsbfuzz.a" $libs -o "$work/fuzz_$t" \
		>"$work/fuzz_$t.build.log" 2>&1 || {
		cat "$work/fuzz_$t.build.log" >&2
		die "cannot build fuzz_$t"
	}
	# Warnings are shown, not fatal.
	cat "$work/fuzz_$t.build.log"
	if [ "$coverage" = 1 ]; then
		# shellcheck disable=SC2086
		$cc $cov_cflags -fsanitize=fuzzer "$here/fuzz_$t.c" "$work/libnsbcov.a" \
			$libs -o "$work/fuzz_$t.cov" >"$work/fuzz_$t.cov.log" 2>&1 || {
			cat "$work/fuzz_$t.cov.log" >&2
			die "cannot build the coverage build of fuzz_$t"
		}
	fi
	run_targets="$run_targets $t"
done

# The CLI dictionary: the option names as cli.c spells them, and the
# harness's own tokens.
{
	grep -ho '"--[a-z0-9-]*"' "$top/src/cli.c" "$top/src/ops.c" | sort -u
	cat "$here/cli.dict"
} >"$work/cli.dict"
cp "$here/seccomp_policy.dict" "$here/numbers.dict" "$here/net_rules.dict" \
	"$here/oci_config.dict" "$here/oci_seccomp.dict" "$work/"

# --- run ----------------------------------------------------------------------
# A report's first lines: from the sanitizer's or libFuzzer's error line on.
report() {
	awk '/ERROR: |runtime error: |contract violated|ALARM: |==[0-9]+==WARNING: / { on = 1 }
	     on && !/^0x[0-9a-f]+,/ && n < 40 { print "    " $0; n++ }' "$1"
}

# show_coverage TARGET CORPUS: replay CORPUS in the coverage build, print
# llvm-cov's summary for the src/ files the harness reaches.
show_coverage() {
	prof=$work/fuzz_$1.profraw
	LLVM_PROFILE_FILE=$prof "$work/fuzz_$1.cov" -runs=0 "$2" >"$work/fuzz_$1.cov.run.log" 2>&1 ||
		echo "  (the coverage replay failed: $work/fuzz_$1.cov.run.log)"
	"$profdata" merge -o "${prof%.profraw}.profdata" "$prof" &&
		"$llvm_cov" report "$work/fuzz_$1.cov" -instr-profile="${prof%.profraw}.profdata" \
			"$top"/src/*.c "$top"/src/oci/*.c | awk 'NR <= 2 || /^TOTAL/ || $7 != "0.00%"' |
		sed 's/^/    /'
}

asan_options=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}"
failed=
for t in $run_targets; do
	max_len=4096
	ASAN_OPTIONS=$asan_options
	case $t in
	numbers) max_len=256 ;;
	net_rules) max_len=1024 ;;
	oci_config) max_len=16384 ;;
	# The suppression in lsan.supp needs stacks that go through
	# libseccomp, which has no frame pointers.
	seccomp_policy) ASAN_OPTIONS=$asan_options:fast_unwind_on_malloc=0 ;;
	oci_seccomp)
		max_len=16384
		ASAN_OPTIONS=$asan_options:fast_unwind_on_malloc=0
		;;
	esac
	export ASAN_OPTIONS
	corpus=$work/corpus/$t
	artifacts=$work/artifacts/$t
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$here/corpus/$t" ]; then
		cp "$here/corpus/$t"/* "$corpus/"
	fi
	log=$work/fuzz_$t.log
	echo "fuzz: running fuzz_$t for ${seconds}s"
	rc=0
	# shellcheck disable=SC2086
	"$work/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$max_len" -print_final_stats=1 -dict="$work/$t.dict" \
		-artifact_prefix="$artifacts/" $flags "$corpus" </dev/null >"$log" 2>&1 || rc=$?
	found=$(find "$artifacts" -type f | head -n 1)
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		failed="$failed $t"
		echo "FAIL: fuzz_$t (exit $rc)"
		if [ -n "$found" ]; then
			echo "  reproducer: $found"
			echo "  reproduce:  $work/fuzz_$t $found"
		fi
		echo "  log: $log"
		report "$log"
		if [ "$coverage" = 1 ]; then show_coverage "$t" "$corpus"; fi
		continue
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1)
	echo "ok: fuzz_$t: ${runs:-?} runs, ${cov:-no coverage line}"
	if [ "$coverage" = 1 ]; then show_coverage "$t" "$corpus"; fi
done

if [ -n "$failed" ]; then
	keep=1
	echo "fuzz: FAILED:$failed (see tests/fuzz/README.md to reproduce)"
	exit 1
fi
echo "fuzz: all harnesses passed"
