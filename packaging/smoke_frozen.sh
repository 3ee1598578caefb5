#!/usr/bin/env bash
# Smoke test of a frozen build, run by .ci/run after `./dev package`:
#   packaging/smoke_frozen.sh [dist/shopper-login-desk/shopper-login-desk]
# --version (the bundled package metadata), --diagnostics and --self-test without any display
# (the network stack, CA bundle, keyring metadata, sandbox and werkzeug are bundled), and the
# real window under Xvfb with --startup-time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-dist/shopper-login-desk/shopper-login-desk}"
[ -x "$BIN" ] || { echo "error: $BIN is not built (./dev package)" >&2; exit 1; }
fail() { printf '%s\n' "$2" >&2; echo "error: frozen $1 failed" >&2; exit 1; }
headless() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM timeout 120 "$@"; }

echo "== frozen --version"
expected="shopper-login-desk $(.venv/bin/python -c 'import desktop_app; print(desktop_app.__version__)')"
out="$(headless "$BIN" --version 2>&1)" || fail --version "$out"
[ "$out" = "$expected" ] || fail --version "got '$out', expected '$expected'"
echo "$out"

echo "== frozen --diagnostics (no display)"
out="$(headless "$BIN" --diagnostics 2>&1)" || fail --diagnostics "$out"
echo "$out"
grep -q '^Frozen: yes' <<<"$out" || fail --diagnostics "not reported as frozen"
grep -q '^Qt platform: offscreen' <<<"$out" || fail --diagnostics "no offscreen fallback"
if grep -E '^[^:]+: (unavailable|.*\(missing!\))' <<<"$out"; then
    fail --diagnostics "a probe failed"
fi

echo "== frozen --self-test (no display)"
out="$(headless "$BIN" --self-test 2>&1)" || fail --self-test "$out"
echo "$out"
grep -qx 'self-test passed' <<<"$out" || fail --self-test "no 'self-test passed' line"

echo "== frozen window under Xvfb (--startup-time)"
out="$(env -u QT_QPA_PLATFORM timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
    "$BIN" --startup-time 2>&1)" || fail --startup-time "$out"
grep -E '^startup_ms=[0-9]+$' <<<"$out" || fail --startup-time "no startup_ms line: $out"

echo "== frozen build smoke test passed"
