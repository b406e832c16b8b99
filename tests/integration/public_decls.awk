# tests/integration/public_decls.awk — the public API as the headers
# declare it.  Input: `cc -E` output of a file that includes
# the public headers (with its line markers).  Output: the name of every
# function and variable declared at file scope in a header of a memcore/
# directory (<memcore/*.h>), one per line; typedefs, struct,
# union and enum definitions and static inline functions (defined, not
# declared) are left out.  A declaration it cannot name goes to stderr as
# "UNPARSED: ..." (test_install.sh fails on it).
#
# It reads the preprocessed text one character at a time, keeping what is
# outside braces; a `;` outside braces ends a declaration, and a `{`
# after a parameter list starts a function body, dropped with its text.
# The name is the identifier before the first `(` (functions) or the last
# identifier (variables, after dropping an array bound).
/^# [0-9]+ "/ {
	file = $3
	inhdr = (file ~ /\/memcore\/[^\/"]+\.h"$/)
	next
}
/^#/ { next }
!inhdr { next }
{
	line = $0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (c == "{") {
			if (depth == 0 && stmt ~ /\(/ && stmt !~ /^[ \t]*typedef/)
				fndef = 1       # a function definition (static inline)
			depth++
		} else if (c == "}") {
			depth--
			if (depth == 0 && fndef) { fndef = 0; stmt = "" }
		} else if (depth == 0) {
			if (c == ";") { emit(stmt); stmt = "" }
			else stmt = stmt c
		}
	}
	stmt = stmt " "
}
function emit(s,    name, p, t) {
	gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s)
	if (s ~ /^typedef / || s ~ /^static /) return
	if (s ~ /^(struct|union|enum)( [A-Za-z_][A-Za-z0-9_]*)? ?$/) return
	if (s == "") return
	p = index(s, "(")
	if (p > 0 && s !~ /^extern .*\(\*/) {
		t = substr(s, 1, p - 1)
	} else {
		t = s
		sub(/\[.*$/, "", t)
	}
	sub(/ +$/, "", t)
	if (match(t, /[A-Za-z_][A-Za-z0-9_]*$/))
		print substr(t, RSTART, RLENGTH)
	else
		print "UNPARSED: " s >"/dev/stderr"
}
