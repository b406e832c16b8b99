#!/bin/sh
# tests/integration/test_web_page.sh — the page memcored serves at /, in
# Debian's headless Chromium (web_page_driver.py drives it through
# chromedriver): the tree, map and hex rows against the REST API and the
# monitor, an edit read back over REST, a region disabled at the monitor
# showing on the page without a reload; the same with --http-token (the
# page asks for the token) and --read-only (no byte can be edited).  The
# screenshot stays in tests/integration/test_web_page.png (and
# test_web_page-token.png: the token question).
. "${top_srcdir:-.}/tests/integration/lib.sh"

DRIVER=$top_srcdir/tests/integration/web_page_driver.py
SHOT=$top_builddir/tests/integration/test_web_page.png
TOKEN=page-test-token-4f1c

for tool in python3 chromium chromedriver; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "$tool is installed (./quickstart installs python3, chromium and chromium-driver)"
		finish
		exit
	fi
done

# start_web ARGS...: memcored on the tiny board, stopped, with its monitor
# and HTTP on port 0; their addresses in MON and HTTP.
start_web() {
	start_server --board "$BOARDS/tiny.json" -S --gdb none \
		--monitor tcp:127.0.0.1:0 --http 127.0.0.1:0 "$@"
	MON=
	HTTP=
	for _ in 1 2 3 4; do
		case $LINE in
		"monitor: listening on "*) MON=${LINE#monitor: listening on } ;;
		"http: listening on "*) HTTP=${LINE#http: listening on } ;;
		esac
		[ -n "$MON" ] && [ -n "$HTTP" ] && return 0
		next_line || break
	done
	echo "memcored did not say where it listens; its stderr:"
	cat "$TMP/server.err"
	return 1
}

# drive SCENARIO [ARGS...]: run the browser driver; its "ok"/"FAIL" lines
# count as this test's checks.
drive() {
	_scenario=$1
	shift
	python3 "$DRIVER" "$_scenario" --url "http://$HTTP/" --monitor "$MON" \
		--monclient "$MONCLIENT" --shot "$SHOT" "$@" \
		>"$TMP/drive.out" 2>&1
	_status=$?
	cat "$TMP/drive.out"
	_ok=$(grep -c '^ok - ' "$TMP/drive.out")
	_bad=$(grep -c '^FAIL - ' "$TMP/drive.out")
	passed=$((passed + _ok))
	failed=$((failed + _bad))
	if [ "$_status" -ne 0 ] && [ "$_bad" -eq 0 ]; then
		fail "$_scenario: the driver exited with status $_status"
	fi
}

# stop_web NAME: quit at the monitor; memcored must exit cleanly (under
# the sanitizers that includes no leak and no race report).
stop_web() {
	"$MONCLIENT" "$MON" quit >/dev/null 2>&1
	wait_server
	if [ "$STATUS" -eq 0 ]; then
		pass "$1: memcored exits with status 0 after quit"
	else
		fail "$1: memcored exits with status 0 after quit (status $STATUS)"
		tail -n 40 "$TMP/server.err"
	fi
}

rm -f "$SHOT" "${SHOT%.png}-token.png" "${SHOT%.png}-dark.png"

if start_web; then
	drive plain
	stop_web plain
else
	fail "plain: memcored starts with --http"
fi

if start_web --http-token "$TOKEN"; then
	drive token --token "$TOKEN"
	stop_web token
else
	fail "token: memcored starts with --http-token"
fi

if start_web --read-only; then
	drive readonly
	stop_web readonly
else
	fail "readonly: memcored starts with --read-only"
fi

finish
