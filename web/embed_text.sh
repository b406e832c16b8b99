#!/bin/sh
# web/embed_text.sh NAME FILE: print a C file defining
#   const char NAME[] = { ..., 0 };
# with FILE's bytes, so that a text file (the OpenAPI document) is
# compiled into the binary.  POSIX od and sed only.
set -e
name=$1
file=$2
echo "/* Generated from $(basename "$file") by web/embed_text.sh: do not edit. */"
echo "extern const char ${name}[];"
echo "const char ${name}[] = {"
od -An -v -tx1 "$file" | sed -e 's/  */ /g' -e 's/^ //' -e '/^$/d' \
	-e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "0 };"
