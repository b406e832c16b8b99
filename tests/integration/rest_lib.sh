# tests/integration/rest_lib.sh — helpers of the REST tests (sourced
# after lib.sh): a memcored with its monitor and HTTP on free ports, and
# curl wrappers that keep the status, the headers and the body.

# start_rest ARGS...: memcored with a monitor socket (MON) and HTTP (HTTP,
# HOST:PORT; PORT alone in HTTP_PORT), both on port 0.
start_rest() {
	start_server --monitor tcp:127.0.0.1:0 --http 127.0.0.1:0 "$@"
	MON=$(listen_addr)
	next_line
	HTTP=$(listen_addr)
	HTTP_PORT=${HTTP##*:}
}

# stop_rest: quit through the monitor; memcored must exit 0.
stop_rest() {
	"$MONCLIENT" "$MON" quit >/dev/null 2>&1
	wait_server
	check "memcored exits 0 after quit" test "$STATUS" -eq 0
	# under --enable-sanitizers / --enable-tsan a report lands here
	check "no sanitizer report" sh -c "! grep -q 'Sanitizer' '$TMP/server.err'"
}

# req METHOD PATH [CURL ARGS...]: one request; CODE gets the status, the
# body goes to $TMP/body and the headers to $TMP/headers (all of them are
# also appended to $TMP/all-headers).
req() {
	_m=$1
	_p=$2
	shift 2
	CODE=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' \
		-X "$_m" "http://$HTTP$_p" "$@")
	cat "$TMP/headers" >>"$TMP/all-headers"
}

# is_error STATUS CLASS: the last answer is that status with a JSON error
# of that class.
is_error() {
	[ "$CODE" = "$1" ] &&
		grep -qi '^Content-Type: application/json' "$TMP/headers" &&
		grep -qF "{\"error\":{\"class\":\"$2\",\"desc\":\"" "$TMP/body" ||
		{ echo "--- status $CODE, body: $(head -c 300 "$TMP/body")"; false; }
}

# header NAME: the value of response header NAME of the last answer.
header() {
	sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$TMP/headers" | head -n 1
}

# hexdump_file FILE: FILE's bytes as one line of lower-case hex.
hexdump_file() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}
