#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The documentation and completions must describe exactly the options the
# binary has. The list of options comes from `$NSBOX --list-options`, which
# prints the option table (name, group, arguments with their kinds, help):
# --help must list exactly those options with those arguments; every one
# needs an entry in the OPTIONS section of man/nsbox.1 with the same
# arguments, and nothing else may be documented there; the bash and zsh
# completions, generated from the same table at build time, must offer
# exactly those options and step over their arguments. Also checks that the
# man page renders without warnings and that the completion scripts parse
# and work.
#
# Environment: NSBOX (the binary; default $NSBOX_BUILD_BIN, then
# $NSBOX_SRCDIR/nsbox), NSBOX_SRCDIR (default: two levels above this script),
# NSBOX_BUILDDIR (where the generated completions are; default: the
# binary's directory); optionally NSBOX_BASH_COMPLETION (bash-completion's
# main script, if not in the usual place) and NSBOX_ZSH (a zsh binary, if
# zsh is not in PATH). Prints TAP. Needs no namespaces, so nothing is
# skipped for lack of them.

set -u

script_dir=$(cd "$(dirname "$0")" && pwd)
: "${NSBOX_SRCDIR:=$(cd "$script_dir/../.." && pwd)}"
: "${NSBOX:=${NSBOX_BUILD_BIN:-$NSBOX_SRCDIR/nsbox}}"
: "${NSBOX_BUILDDIR:=$(cd "$(dirname "$NSBOX")" && pwd)}"
man_page=$NSBOX_SRCDIR/man/nsbox.1
bash_comp=$NSBOX_BUILDDIR/completions/bash/nsbox
zsh_comp=$NSBOX_BUILDDIR/completions/zsh/_nsbox

# Sections the man page must have, one per line.
man_sections='NAME
SYNOPSIS
DESCRIPTION
OPTIONS
EXIT STATUS
ENVIRONMENT
SECURITY
DIFFERENCES FROM BUBBLEWRAP
EXAMPLES
SEE ALSO'

LC_ALL=C
export LC_ALL
unset BASH_ENV ENV

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsbox-t-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

# --- TAP bookkeeping: results are collected, then printed after the plan.
n=0
failed=0
results=$tmp/results
: >"$results"

# pass DESC / fail DESC [FILE-WITH-DETAILS] / skip DESC REASON
pass() {
	n=$((n + 1))
	echo "ok $n - $1" >>"$results"
}
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1" >>"$results"
	if [ $# -ge 2 ] && [ -s "$2" ]; then
		sed 's/^/#   /' "$2" >>"$results"
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2" >>"$results"
}
# check DESC FILE: passes when FILE (the list of problems) is empty.
check() {
	if [ -s "$2" ]; then
		fail "$1" "$2"
	else
		pass "$1"
	fi
}
finish() {
	echo "1..$n"
	cat "$results"
	[ "$failed" -eq 0 ]
	exit $?
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# Lines of $1 (sorted, unique) that are not lines of $2.
missing_from() {
	sort -u "$2" >"$tmp/mf.b"
	sort -u "$1" | comm -23 - "$tmp/mf.b"
}

# All --option words in a file (one per line, sorted, unique).
option_words() {
	grep -o -e '--[a-z][a-z0-9-]*' "$1" | sort -u
}

# --- The option list, from --list-options. ------------------------------------
# One option a line: NAME TAB GROUP TAB ARGS TAB HELP; ARGS is "-" or
# "ARGNAME:kind ...". help.args holds "NAME N ARGNAME..." lines.
known_kinds=' hostpath hostdir path dir fd mode size id string env capability rlimit seccomp-profile '
if "$NSBOX" --list-options >"$tmp/list" 2>"$tmp/list.err"; then
	list_rc=0
else
	list_rc=$?
fi
: >"$tmp/p"
[ "$list_rc" = 0 ] || echo "--list-options exited with status $list_rc: $(head -n 1 "$tmp/list.err")" >>"$tmp/p"
[ -s "$tmp/list" ] || echo "--list-options printed nothing" >>"$tmp/p"
awk -F'\t' -v known="$known_kinds" '
NF != 4 { print "line " NR ": " NF " fields, not 4: " $0; next }
$1 !~ /^--[a-z][a-z0-9-]*$/ { print "line " NR ": not an option name: " $1 }
$2 !~ /^[a-z]+$/ { print "line " NR ": not a group: " $2 }
$4 == "" { print $1 ": no help text" }
$3 != "-" {
	n = split($3, a, " ")
	for (i = 1; i <= n; i++) {
		k = a[i]; sub(/.*:/, "", k)
		if (a[i] !~ /^[A-Z][A-Z0-9_=:\[\]]*:[a-z-]+$/ || index(known, " " k " ") == 0)
			print $1 ": argument \"" a[i] "\" is not NAME:kind with a known kind"
	}
}' "$tmp/list" >>"$tmp/p"
cut -f1 "$tmp/list" | sort | uniq -d | sed 's/$/: listed twice/' >>"$tmp/p"
check "--list-options prints one well-formed line per option" "$tmp/p"

awk -F'\t' '{
	line = $1
	n = 0
	if ($3 != "-") {
		n = split($3, a, " ")
		for (i = 1; i <= n; i++) { an = a[i]; sub(/:[a-z-]+$/, "", an); line = line " " an }
	}
	sub(/^[^ ]*/, $1 " " n, line)
	print line
}' "$tmp/list" | sort -u >"$tmp/list.full"
cut -d' ' -f1,2 "$tmp/list.full" | sort -u >"$tmp/help.args"
cut -d' ' -f1 "$tmp/help.args" | sort -u >"$tmp/help.opts"

# --help: the same options, with the same argument names.
if "$NSBOX" --help >"$tmp/help.out" 2>"$tmp/help.err"; then
	help_rc=0
else
	help_rc=$?
fi
if [ "$help_rc" -ne 0 ]; then
	echo "'$NSBOX --help' exited with status $help_rc" >"$tmp/p"
	cat "$tmp/help.err" >>"$tmp/p"
	fail "--help exits 0" "$tmp/p"
else
	pass "--help exits 0"
fi
: >"$tmp/p"
head -n 1 "$tmp/help.out" | grep -q '^usage: ' ||
	echo "first line is not 'usage: ...': $(head -n 1 "$tmp/help.out")" >>"$tmp/p"
awk '
/^[ \t]+--[a-z]/ {
	line = $0
	sub(/^[ \t]+/, "", line)
	cut = index(line, "  "); if (cut == 0) cut = length(line) + 1
	print substr(line, 1, cut - 1)
}' "$tmp/help.out" | awk '{ n = NF - 1; line = $1 " " n; for (i = 2; i <= NF; i++) line = line " " $i; print line }' |
	sort -u >"$tmp/help.full"
{
	missing_from "$tmp/list.full" "$tmp/help.full" | sed 's/^/--list-options has "/; s/$/", --help does not/'
	missing_from "$tmp/help.full" "$tmp/list.full" | sed 's/^/--help has "/; s/$/", --list-options does not/'
} >>"$tmp/p"
check "--help lists exactly the options of --list-options, with their arguments" "$tmp/p"

# --- Man page ----------------------------------------------------------------
# Normalise the roff dashes, drop comments, then record for each .TP entry
# its section, the option it documents and the number of arguments shown.
sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\(hy/-/g' "$man_page" >"$tmp/man.norm"
awk -v OFS='\t' '
/^\.SH/ {
	sec = $0
	sub(/^\.SH[ \t]*/, "", sec)
	gsub(/"/, "", sec)
	next
}
/^\.TP/ { entry = 1; next }
entry {
	entry = 0
	line = $0
	sub(/^\.[A-Z]+[ \t]*/, "", line)
	gsub(/\\f[BIRP]/, "", line)
	gsub(/\\f\[[A-Z]*\]/, "", line)
	gsub(/"/, "", line)
	nw = split(line, w, " ")
	if (w[1] !~ /^--[a-z]/) next
	nargs = 0
	for (k = 2; k <= nw; k++) {
		if (w[k] !~ /^[A-Z][A-Z0-9_]*$/) break
		nargs++
	}
	print sec, w[1], nargs
}' "$tmp/man.norm" >"$tmp/man.entries"
awk -F'\t' '$1 == "OPTIONS" { print $2, $3 }' "$tmp/man.entries" | sort >"$tmp/man.opt.args"
cut -d' ' -f1 "$tmp/man.opt.args" | sort -u >"$tmp/man.opts"
grep -o -e '--[a-z][a-z0-9-]*' "$tmp/man.norm" | sort -u >"$tmp/man.words"

: >"$tmp/p"
sed -n 's/^\.SH[ \t]*//p' "$tmp/man.norm" | tr -d '"' >"$tmp/man.sections"
echo "$man_sections" | while IFS= read -r s; do
	grep -qx -e "$s" "$tmp/man.sections" || echo "no section $s"
done >"$tmp/p"
check "man page has the expected sections" "$tmp/p"

missing_from "$tmp/help.opts" "$tmp/man.opts" |
	sed 's/$/: listed by --list-options, no entry in OPTIONS of man\/nsbox.1/' >"$tmp/p"
check "man page documents every option of --list-options" "$tmp/p"

missing_from "$tmp/man.opts" "$tmp/help.opts" |
	sed 's/$/: documented in OPTIONS of man\/nsbox.1, not listed by --list-options/' >"$tmp/p"
sort "$tmp/man.opt.args" | cut -d' ' -f1 | uniq -d |
	sed 's/$/: more than one entry in OPTIONS of man\/nsbox.1/' >>"$tmp/p"
check "man page OPTIONS has no stale or duplicate entry" "$tmp/p"

# The same argument count in the man page as in --help.
join "$tmp/help.args" "$tmp/man.opt.args" |
	awk '$2 != $3 { print $1 ": " $2 " argument(s) in --help, " $3 " in man/nsbox.1" }' >"$tmp/p"
check "man page shows the arguments --help shows" "$tmp/p"

cp "$tmp/help.opts" "$tmp/known"
missing_from "$tmp/man.words" "$tmp/known" |
	sed 's/$/: mentioned in man\/nsbox.1 but not an nsbox option/' >"$tmp/p"
check "man page mentions no unknown option" "$tmp/p"

# .TH carries the version that --version prints.
man_version=$(sed -n 's/^\.TH[ \t]*//p' "$man_page" | awk -F'"' '{ print $4 }' | awk '{ print $NF }')
bin_version=$("$NSBOX" --version 2>/dev/null | head -n 1 | awk '{ print $2 }')
if [ -n "$bin_version" ] && [ "$man_version" = "$bin_version" ]; then
	pass "man page version matches --version ($bin_version)"
else
	echo ".TH says '$man_version', --version says '$bin_version'" >"$tmp/p"
	fail "man page version matches --version" "$tmp/p"
fi

# Rendering: whichever formatters exist, none may warn.
rendered=0
if have groff; then
	groff -man -Tutf8 -ww -z "$man_page" >"$tmp/p" 2>&1
	[ $? -eq 0 ] || echo "groff failed" >>"$tmp/p"
	check "groff renders the man page without warnings" "$tmp/p"
	rendered=1
fi
if have mandoc; then
	mandoc -T lint -W warning "$man_page" >"$tmp/p" 2>&1
	check "mandoc -T lint finds nothing in the man page" "$tmp/p"
	rendered=1
fi
if have man; then
	: >"$tmp/p"
	MANWIDTH=80 man --warnings -l "$man_page" >"$tmp/o" 2>"$tmp/e" ||
		echo "man -l failed" >>"$tmp/p"
	cat "$tmp/e" >>"$tmp/p"
	grep -q 'EXIT STATUS' "$tmp/o" || echo "man -l output lacks the text" >>"$tmp/p"
	check "man -l renders the man page without warnings" "$tmp/p"
	rendered=1
fi
[ "$rendered" -eq 1 ] || skip "man page renders without warnings" "no groff, mandoc or man"

# --- bash completion ------------------------------------------------------------
# A small driver: source the completion (after bash-completion itself when
# $2 is non-empty), then either list what completing the words gives, or
# print the argument count it assumes for each option read from stdin.
cat >"$tmp/drive.bash" <<'EOF'
comp=$1 framework=$2 mode=$3
shift 3
if [[ -n $framework ]]; then
	. "$framework" >/dev/null 2>&1 || exit 2
fi
. "$comp" || exit 2
case $mode in
complete)
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_nsbox "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort -u
	exit 0
	;;
arity)
	while read -r opt; do
		_nsbox_arity "$opt"
		echo "$opt $n"
	done
	;;
esac
EOF

# complete_to DESC EXPECTED WORD...: completing WORDs (with the last one under
# the cursor) must give EXPECTED (space-separated, any order) in every
# available setting: plain bash and, if installed, bash-completion.
complete_to() {
	desc=$1 expected=$2
	shift 2
	echo "$expected" | tr ' ' '\n' | sed '/^$/d' | sort -u >"$tmp/want"
	: >"$tmp/p"
	for fw in "" $bash_completion_fw; do
		bash --norc --noprofile "$tmp/drive.bash" "$bash_comp" "$fw" complete "$@" >"$tmp/got" 2>"$tmp/e" ||
			echo "driver failed${fw:+ with $fw}: $(head -n 1 "$tmp/e")" >>"$tmp/p"
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			echo "'$*'${fw:+ with $fw}: want '$(echo $(cat "$tmp/want"))', got '$(echo $(cat "$tmp/got"))'" >>"$tmp/p"
		fi
	done
	check "$desc" "$tmp/p"
}

if ! have bash; then
	skip "bash completion" "bash not installed"
	finish
fi

bash_completion_fw=
for f in ${NSBOX_BASH_COMPLETION:-} /usr/share/bash-completion/bash_completion /etc/bash_completion; do
	if [ -r "$f" ]; then
		bash_completion_fw=$f
		break
	fi
done

# The generated files are what completions/generate.sh makes of this
# binary's table (a stale build would otherwise pass unnoticed).
: >"$tmp/p"
for sh_ in bash zsh; do
	[ "$sh_" = bash ] && gen=$bash_comp tpl=$NSBOX_SRCDIR/completions/bash/nsbox.in
	[ "$sh_" = zsh ] && gen=$zsh_comp tpl=$NSBOX_SRCDIR/completions/zsh/_nsbox.in
	if ! sh "$NSBOX_SRCDIR/completions/generate.sh" "$sh_" "$tpl" <"$tmp/list" >"$tmp/gen.$sh_" 2>>"$tmp/p"; then
		echo "generate.sh $sh_ failed" >>"$tmp/p"
	elif ! cmp -s "$tmp/gen.$sh_" "$gen"; then
		echo "$gen is not what generate.sh makes of --list-options" >>"$tmp/p"
	fi
done
check "the completions are generated from this binary's --list-options" "$tmp/p"

if bash -n "$bash_comp" >"$tmp/p" 2>&1; then
	pass "bash -n accepts completions/bash/nsbox"
else
	fail "bash -n accepts completions/bash/nsbox" "$tmp/p"
fi

# The options offered for a bare "--" are exactly those of --help.
bash --norc --noprofile "$tmp/drive.bash" "$bash_comp" "" complete nsbox -- >"$tmp/bash.offered" 2>/dev/null
{
	missing_from "$tmp/help.opts" "$tmp/bash.offered" | sed 's/$/: listed by --list-options, not offered by bash completion/'
	missing_from "$tmp/bash.offered" "$tmp/help.opts" | sed 's/$/: offered by bash completion, not listed by --list-options/'
} >"$tmp/p"
check "bash completion offers exactly the options of --list-options" "$tmp/p"

option_words "$bash_comp" >"$tmp/bash.words"
missing_from "$tmp/bash.words" "$tmp/help.opts" |
	sed 's/$/: named in the bash completion, not listed by --list-options/' >"$tmp/p"
check "bash completion names no stale option" "$tmp/p"

cut -d' ' -f1 "$tmp/help.args" |
	bash --norc --noprofile "$tmp/drive.bash" "$bash_comp" "" arity 2>&1 | sort >"$tmp/bash.args"
join "$tmp/help.args" "$tmp/bash.args" |
	awk '$2 != $3 { print $1 ": " $2 " argument(s) in --list-options, bash completion skips " $3 }' >"$tmp/p"
check "bash completion steps over each option's arguments" "$tmp/p"

complete_to "bash: 'nsbox --ro-b' completes to the four --ro-bind options" \
	"--ro-bind --ro-bind-try --ro-bind-data --ro-bind-fd" nsbox --ro-b
complete_to "bash: nothing is offered for a number" "" nsbox --uid ""
complete_to "bash: the second argument of --setenv gets nothing" "" nsbox --setenv VAR ""

# Paths and commands, in a directory of our own so the answers are known.
mkdir -p "$tmp/tree/subdir" && : >"$tmp/tree/subfile"
complete_to "bash: --chdir completes directories" "$tmp/tree/subdir" nsbox --chdir "$tmp/tree/sub"
complete_to "bash: bind destinations complete paths" "$tmp/tree/subdir $tmp/tree/subfile" \
	nsbox --ro-bind /usr /usr --bind "$tmp/tree" "$tmp/tree/sub"
mkdir -p "$tmp/bin" && printf '#!/bin/sh\n' >"$tmp/bin/zzsbx-cmd" && chmod +x "$tmp/bin/zzsbx-cmd"
PATH=$tmp/bin:$PATH complete_to "bash: the word after the options is a command" "zzsbx-cmd" \
	nsbox --unshare-all --ro-bind /usr /usr --setenv A B zzsbx
PATH=$tmp/bin:$PATH complete_to "bash: the word after -- is a command" "zzsbx-cmd" \
	nsbox --tmpfs /tmp -- zzsbx
if [ -n "$bash_completion_fw" ]; then
	pass "bash completion also checked with $bash_completion_fw"
else
	skip "bash completion checked with bash-completion" "bash-completion not installed"
fi

# --- zsh completion ---------------------------------------------------------------
zsh=${NSBOX_ZSH:-zsh}
if have "$zsh"; then
	if "$zsh" -n "$zsh_comp" >"$tmp/p" 2>&1; then
		pass "zsh -n accepts completions/zsh/_nsbox"
	else
		fail "zsh -n accepts completions/zsh/_nsbox" "$tmp/p"
	fi
else
	skip "zsh -n accepts completions/zsh/_nsbox" "zsh not installed"
fi

head -n 1 "$zsh_comp" | grep -qx '#compdef nsbox' && : >"$tmp/p" ||
	echo "first line is not '#compdef nsbox'" >"$tmp/p"
check "zsh completion is a #compdef nsbox function" "$tmp/p"

# Each spec '(...)*--name[description]:msg:action...' on one line: the option
# and its argument count (pairs of colons after the description; escaped
# characters, such as \: in a message, do not count).
awk '
match($0, /--[a-z][a-z0-9-]*\[/) {
	name = substr($0, RSTART, RLENGTH - 1)
	rest = substr($0, RSTART + RLENGTH)
	gsub(/\\./, "", rest)
	sub(/^[^]]*\]/, "", rest)
	sub(/'"'"'.*$/, "", rest)
	print name, gsub(/:/, ":", rest) / 2
}' "$zsh_comp" | sort >"$tmp/zsh.args"
cut -d' ' -f1 "$tmp/zsh.args" | sort -u >"$tmp/zsh.specs"
{
	missing_from "$tmp/help.opts" "$tmp/zsh.specs" | sed 's/$/: listed by --list-options, no spec in the zsh completion/'
	missing_from "$tmp/zsh.specs" "$tmp/help.opts" | sed 's/$/: spec in the zsh completion, not listed by --list-options/'
	cut -d' ' -f1 "$tmp/zsh.args" | uniq -d | sed 's/$/: more than one spec in completions\/zsh\/_nsbox/'
} >"$tmp/p"
check "zsh completion has one spec per option of --list-options" "$tmp/p"

option_words "$zsh_comp" >"$tmp/zsh.words"
missing_from "$tmp/zsh.words" "$tmp/help.opts" |
	sed 's/$/: named in the zsh completion, not listed by --list-options/' >"$tmp/p"
check "zsh completion names no stale option" "$tmp/p"

join "$tmp/help.args" "$tmp/zsh.args" |
	awk '$2 != $3 { print $1 ": " $2 " argument(s) in --list-options, " $3 " in the zsh spec" }' >"$tmp/p"
check "zsh completion specs take the arguments --list-options shows" "$tmp/p"

finish
