#!/usr/bin/env bash
# The first run, proved: start PhotoSift with the README's own command (`make run`) on the
# REAL X11 (xcb) platform under Xvfb, not offscreen, and check that the main window comes
# up and stays up (ui/window_check.py: PHOTOSIFT_QUIT_AFTER_SHOWN). Called by .ci/run
# before `make test`, so that the .venv has only what `make run` installs.
#
# Only the virtual screen (Xvfb) is installed here: a desktop has its own. The X11
# libraries Qt needs are NOT installed by this script: if one is missing, the app's own
# check (ui/platform_libs.py) must say so and print the apt-get command, and this script
# runs exactly that printed command (as root) and starts again, as a user would.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_UP="${XCB_CHECK_SECONDS:-5}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v xvfb-run >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq xvfb xauth >/dev/null
    else
        echo "xcb_check: xvfb-run is missing (apt-get install xvfb xauth)" >&2
        exit 1
    fi
fi

# A clean user: nothing from an earlier run, no settings.
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT

start() {
    # No QT_QPA_PLATFORM: with a DISPLAY, Qt picks xcb by itself, as on a desktop.
    env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY -u XDG_SESSION_TYPE \
        HOME="$HOME_DIR" XDG_CONFIG_HOME="$HOME_DIR/.config" XDG_CACHE_HOME="$HOME_DIR/.cache" \
        XDG_DATA_HOME="$HOME_DIR/.local/share" PHOTOSIFT_QUIT_AFTER_SHOWN="$SECONDS_UP" \
        timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" make --no-print-directory run \
        </dev/null >"$HOME_DIR/out" 2>"$HOME_DIR/err"
}

# Install first (pip may take minutes), so that the timeout below is the window's alone.
make --no-print-directory .venv/.installed-app

attempt=1
while :; do
    code=0
    start || code=$?
    cat "$HOME_DIR/out"
    if [ "$code" = 0 ]; then
        break
    fi
    cat "$HOME_DIR/err" >&2
    # The app's own words name the command to run (one indented line); run it once.
    install="$(sed -n 's/^    \(\(sudo \)\{0,1\}apt-get install -y .*\)$/\1/p' "$HOME_DIR/err" | head -n 1)"
    if [ "$attempt" = 1 ] && [ -n "$install" ]; then
        echo "xcb_check: PhotoSift asked for: $install" >&2
        as_root apt-get update -qq
        # shellcheck disable=SC2086
        as_root ${install#sudo }
        attempt=2
        continue
    fi
    echo "xcb_check: the window did not open on xcb (exit $code)" >&2
    exit 1
done

if ! grep -q "^window check: 'PhotoSift' shown on xcb, .*, stayed up $SECONDS_UP s$" "$HOME_DIR/out"; then
    echo "xcb_check: no proof that the window stayed up on xcb" >&2
    exit 1
fi
echo "xcb_check: the window opened on xcb and stayed up ${SECONDS_UP} s"
