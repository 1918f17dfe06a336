#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fill a completion template with the option table that `nsbox
# --list-options` prints (one option a line: NAME TAB GROUP TAB ARGS TAB
# HELP, ARGS being "NAME:kind ..." or "-"), so that the completions offer
# exactly the options the binary has. Used by the build:
#
#   nsbox --list-options | sh generate.sh bash|zsh TEMPLATE > OUTPUT
#
# The template's line "#@OPTIONS@" is replaced by the generated table.
set -eu

shell=${1:?usage: generate.sh bash|zsh TEMPLATE}
template=${2:?usage: generate.sh bash|zsh TEMPLATE}
[ -r "$template" ] || { echo "generate.sh: cannot read $template" >&2; exit 1; }

table=$(mktemp)
trap 'rm -f "$table"' EXIT
cat >"$table"
[ -s "$table" ] || { echo "generate.sh: no options on stdin" >&2; exit 1; }

case $shell in
bash)
	# _nsbox_opts: every option; _nsbox_args[OPTION]: its argument kinds.
	awk -F'\t' '
	BEGIN { print "# Generated from nsbox --list-options; do not edit." }
	{ names = names (NR > 1 ? " " : "") $1
	  kinds = ""
	  if ($3 != "-") {
		n = split($3, a, " ")
		for (i = 1; i <= n; i++) {
			k = a[i]; sub(/.*:/, "", k)
			kinds = kinds (i > 1 ? " " : "") k
		}
	  }
	  args[NR] = "\t[" $1 "]=\"" kinds "\""
	}
	END {
		print "_nsbox_opts=(" names ")"
		print "declare -gA _nsbox_args=("
		for (i = 1; i <= NR; i++) print args[i]
		print ")"
	}' "$table" >"$table.gen"
	;;
zsh)
	# One _arguments spec per option: exclusive for the three that print
	# and exit, repeatable for the rest.
	awk -F'\t' '
	function quote(s) {
		gsub(/'"'"'/, "'"'"'\\'"'"''"'"'", s)
		return s
	}
	# A description ([...]) may hold anything but brackets; a message
	# field (:...:) no colon either.
	function desc(s) {
		gsub(/\\/, "\\\\", s); gsub(/\[/, "\\[", s); gsub(/\]/, "\\]", s)
		return quote(s)
	}
	function msg(s) {
		s = desc(s); gsub(/:/, "\\:", s)
		return s
	}
	function action(k) {
		if (k == "hostpath" || k == "path") return "_files"
		if (k == "hostdir" || k == "dir") return "_files -/"
		if (k == "capability") return "($nsbox_caps)"
		if (k == "rlimit") return "($nsbox_rlimits)"
		if (k == "seccomp-profile") return "(default devel default+userns devel+userns)"
		return " "
	}
	BEGIN { print "# Generated from nsbox --list-options; do not edit."; print "nsbox_opts=(" }
	{ excl = ($1 == "--help" || $1 == "--version" || $1 == "--list-options") ? "(- *)" : "*"
	  spec = excl $1 "[" desc($4) "]"
	  if ($3 != "-") {
		n = split($3, a, " ")
		for (i = 1; i <= n; i++) {
			name = a[i]; k = a[i]
			sub(/:[^:]*$/, "", name); sub(/.*:/, "", k)
			spec = spec ":" msg(name) ":" action(k)
		}
	  }
	  print "\t'"'"'" spec "'"'"'"
	}
	END { print ")" }' "$table" >"$table.gen"
	;;
*)
	echo "generate.sh: unknown shell '$shell' (bash or zsh)" >&2
	exit 1
	;;
esac

grep -q '^#@OPTIONS@$' "$template" || { echo "generate.sh: no #@OPTIONS@ line in $template" >&2; exit 1; }
awk -v gen="$table.gen" '
	$0 == "#@OPTIONS@" { while ((getline l < gen) > 0) print l; next }
	{ print }' "$template"
rm -f "$table.gen"
