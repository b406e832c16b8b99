#!/bin/sh
# tests/integration/test_rest.sh — every endpoint of rest.md with curl
# against a real memcored (virt board, harts stopped), and every error
# status with its JSON error; the server keeps serving after bad input.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

start_rest -S
check "memcored prints where HTTP listens" \
	sh -c 'echo "$0" | grep -Eq "^127\.0\.0\.1:[1-9][0-9]*$"' "$HTTP"
"$MONCLIENT" -b "$MON" >"$TMP/banner" 2>&1
check "the monitor banner names the HTTP address" \
	contains "$TMP/banner" "http on $HTTP - type"

# ---- the machine as JSON --------------------------------------------------------
req GET /api/v1/address-spaces
check "address-spaces: 200" test "$CODE" = 200
check "address-spaces: JSON" contains "$TMP/headers" "Content-Type: application/json"
check "address-spaces: memory, root system" \
	contains "$TMP/body" '{"name":"memory","root":"system"}'
check "address-spaces: dma, root virt.iommu" \
	contains "$TMP/body" '{"name":"dma","root":"virt.iommu"}'

req GET /api/v1/address-spaces/memory/tree
check "tree: 200" test "$CODE" = 200
check "tree: the root" contains "$TMP/body" '"name":"system","type":"i/o"'
check "tree: RAM where info mtree puts it" contains "$TMP/body" \
	'"name":"riscv_virt_board.ram","type":"ram","kind":"ram","addr":"0x80000000","size":"0x8000000","priority":0,"enabled":true,"readonly":false'
check "tree: absolute start and inclusive end" contains "$TMP/body" \
	'"start":"0x80000000","end":"0x87ffffff","subregions":[]'

req GET /api/v1/address-spaces/memory/flatview
check "flatview: 200" test "$CODE" = 200
check "flatview: the RAM range" contains "$TMP/body" \
	'{"start":"0x80000000","end":"0x87ffffff","region":"riscv_virt_board.ram","offset_in_region":"0x0","type":"ram","readonly":false,"romd":false}'
check "flatview: the boot ROM is read-only" contains "$TMP/body" \
	'"region":"riscv_virt_board.mrom","offset_in_region":"0x0","type":"rom","readonly":true'

req GET '/api/v1/address-spaces/memory/find?addr=0x10000004&size=4'
check "find: 200" test "$CODE" = 200
check "find: the UART" contains "$TMP/body" \
	'{"region":"serial","type":"i/o","offset_within_region":"0x4","offset_within_address_space":"0x10000004","size":"0x4","readonly":false}'
req GET '/api/v1/address-spaces/memory/find?addr=0x70000000'
check "find: nothing there is 404" is_error 404 NotFound

req GET /api/v1/regions
check "regions: 200" test "$CODE" = 200
check "regions: by board id" contains "$TMP/body" '"id":"riscv_virt_board.ram"'
check "regions: mapped or not (the IOMMU is a root)" contains "$TMP/body" \
	'"id":"virt.iommu","container":null,"root":"virt.iommu"'
req GET /api/v1/regions/riscv_virt_board.ram
check "regions/ID: 200" test "$CODE" = 200
check "regions/ID: where it lies" contains "$TMP/body" \
	'"container":"system","root":"system","start":"0x80000000","end":"0x87ffffff","address_spaces":["memory"]'
req GET /api/v1/regions/nothing
check "regions/nothing: 404" is_error 404 NotFound

# ---- mtree: the monitor's very text ---------------------------------------------
for q in "" "?flat=1" "?flat=1&dispatch=1" "?owner=1&disabled=1"; do
	opts=
	case $q in *flat=1*) opts="$opts -f" ;; esac
	case $q in *dispatch=1*) opts="$opts -d" ;; esac
	case $q in *owner=1*) opts="$opts -o" ;; esac
	case $q in *disabled=1*) opts="$opts -D" ;; esac
	"$MEMCORED" -S --exec "info mtree$opts" >"$TMP/mtree.want" 2>&1
	req GET "/api/v1/mtree$q"
	check "mtree$q: 200 text/plain" test "$CODE" = 200
	check "mtree$q: exactly info mtree$opts" same "$TMP/mtree.want" "$TMP/body"
done

# ---- memory, ld, st ---------------------------------------------------------------
printf 'hello, memcore!!' >"$TMP/16"
req PUT '/api/v1/address-spaces/memory/memory?addr=0x80001000' \
	--data-binary @"$TMP/16" -H 'Content-Type: application/octet-stream'
check "PUT memory: 200" test "$CODE" = 200
check "PUT memory: says what it wrote" contains "$TMP/body" '{"written":"0x10","result":"ok"}'
req GET '/api/v1/address-spaces/memory/memory?addr=0x80001000&len=16'
check "GET memory: 200 octet-stream" contains "$TMP/headers" "Content-Type: application/octet-stream"
check "GET memory: the bytes written" same "$TMP/16" "$TMP/body"
req GET '/api/v1/address-spaces/memory/memory?addr=2147487744&len=5' \
	-H 'Accept: application/json'
check "GET memory as JSON (decimal addr)" contains "$TMP/body" \
	'{"addr":"0x80001000","len":"0x5","data":"68656c6c6f"}'
req GET '/api/v1/address-spaces/memory/memory?addr=0x80001000&len=2&format=hex'
check "GET memory format=hex" contains "$TMP/body" '"data":"6865"'
req GET '/api/v1/address-spaces/memory/memory?addr=0x80001000&len=16' \
	-H 'Range: bytes=7-11'
check "Range: 206" test "$CODE" = 206
check "Range: Content-Range" test "$(header Content-Range)" = "bytes 7-11/16"
check "Range: the window" test "$(cat "$TMP/body")" = "memco"

req GET '/api/v1/address-spaces/memory/ld?addr=0x80001000&size=4&endian=le'
check "ld: 200" test "$CODE" = 200
check "ld: the value" contains "$TMP/body" \
	'{"addr":"0x80001000","size":"0x4","value":"0x6c6c6568","result":"ok"}'
req POST /api/v1/address-spaces/memory/st -H 'Content-Type: application/json' \
	-d '{"addr":"0x80001000","size":2,"value":"0x4a48","endian":"le"}'
check "st: 200" test "$CODE" = 200
req GET '/api/v1/address-spaces/memory/ld?addr=0x80001000&size=2&endian=be'
check "st then ld: the stored value" contains "$TMP/body" '"value":"0x484a"'

# ---- the monitor ---------------------------------------------------------------------
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"xp /2xb 0x80001000"}'
check "monitor: 200" test "$CODE" = 200
check "monitor: the command's output" contains "$TMP/body" \
	'{"output":"0000000080001000: 0x48 0x4a\n","failed":false}'
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"frobnicate"}'
check "monitor: a failing command says so" contains "$TMP/body" '"failed":true'
check "monitor: with the monitor's message" contains "$TMP/body" "unknown command: 'frobnicate'"

req GET /api/v1/openapi.json
check "openapi.json: 200" test "$CODE" = 200
check "openapi.json: OpenAPI 3" contains "$TMP/body" '"openapi": "3.0.3"'

req GET /
check "the page: 200" test "$CODE" = 200
check "the page: HTML" contains "$TMP/headers" "Content-Type: text/html"
check "the page: its Content-Security-Policy" test \
	"$(header Content-Security-Policy)" = "default-src 'self'; frame-ancestors 'none'"
check "the page: nosniff" test "$(header X-Content-Type-Options)" = nosniff
check "the page: no referrer" test "$(header Referrer-Policy)" = no-referrer

# ---- every error status ----------------------------------------------------------------
req GET '/api/v1/address-spaces/memory/memory?addr=0x8000zz&len=1'
check "400: a bad number" is_error 400 InvalidParameter
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&lenght=1'
check "400: an unknown parameter" is_error 400 InvalidParameter
req POST /api/v1/monitor -H 'Content-Type: application/json' -d '{"command":'
check "400: a body that is not JSON" is_error 400 InvalidParameter
req GET /api/v1/nothing
check "404: an unknown path" is_error 404 NotFound
req GET /api/v1/address-spaces/nope/flatview
check "404: an unknown address space" is_error 404 NotFound
req DELETE /api/v1/regions
check "405: a wrong method" is_error 405 MethodNotAllowed
check "405: with Allow" test "$(header Allow)" = "GET, HEAD"
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x4000001'
check "413: a read over 64 MiB" is_error 413 TooLarge
req POST /api/v1/monitor -H 'Content-Type: text/plain' -d '{"command":"info"}'
check "415: a body that is not application/json" is_error 415 UnsupportedMediaType
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=16' \
	-H 'Range: bytes=16-'
check "416: a Range outside the read" is_error 416 RangeNotSatisfiable
check "416: Content-Range names the length" test "$(header Content-Range)" = "bytes */16"
req GET '/api/v1/address-spaces/memory/memory?addr=0x87fffffc&len=8'
check "422: a read that fails" is_error 422 DecodeError
check "422: names the bits and the first failing address" contains "$TMP/body" \
	'"result":"MEMTX_DECODE_ERROR","addr":"0x88000000"'
req GET '/api/v1/address-spaces/memory/ld?addr=0x70000000&size=4'
check "422: a load that fails" is_error 422 DecodeError
long=$(printf '%09000d' 0)
req GET "/api/v1/address-spaces?x=$long"
check "414: a target over 8 KiB" is_error 414 TooLarge
req GET /api/v1/address-spaces -H "X-Big: $(printf '%017000d' 0)"
check "431: headers over 16 KiB" is_error 431 TooLarge

# ---- no CORS grant, ever; still serving -----------------------------------------------------
req OPTIONS /api/v1/monitor -H 'Origin: http://evil.example' \
	-H 'Access-Control-Request-Method: POST'
check "a CORS preflight is refused (405)" is_error 405 MethodNotAllowed
check "no answer granted CORS" sh -c "! grep -qi '^Access-Control-Allow' '$TMP/all-headers'"
curl -s -o /dev/null --path-as-is "http://$HTTP/api/v1/%zz/../..%00" || true
curl -s -o /dev/null -X PUT --data-binary @"$TMP/16" \
	"http://$HTTP/api/v1/address-spaces/memory/memory" || true
req GET /api/v1/address-spaces
check "after all that bad input it still serves" test "$CODE" = 200

stop_rest
check "nothing on stderr" test ! -s "$TMP/server.err"
finish
