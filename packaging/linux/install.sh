#!/usr/bin/env bash
# Install PhotoSift for the current user (no administrator rights needed):
# the app goes to ~/.local/opt/photosift, a menu entry and icon to ~/.local/share,
# and a `photosift` command to ~/.local/bin. Run it again to update;
# `./install.sh --uninstall` removes it all (your settings and undo history stay).
# It also checks that the system has the X11 libraries the window needs
# (system-libraries.txt, written by the build) and prints the command that installs any
# that are missing; `./install.sh --check` does only that (exit 1 if one is missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="$HOME/.local/opt/photosift"
BIN="$HOME/.local/bin"

uninstall() {
    rm -rf "$DEST"
    rm -f "$BIN/photosift" "$DATA/applications/photosift.desktop" \
        "$DATA/icons/hicolor/256x256/apps/photosift.png" \
        "$DATA/icons/hicolor/scalable/apps/photosift.svg"
}

refresh_menus() {
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

# Each line of system-libraries.txt: a soname and its Debian/Ubuntu package.
check_system_libraries() {
    local list="$HERE/system-libraries.txt" ldconfig known missing="" packages=""
    [ -f "$list" ] || return 0
    ldconfig="$(command -v ldconfig || true)"
    [ -n "$ldconfig" ] || [ ! -x /sbin/ldconfig ] || ldconfig=/sbin/ldconfig
    [ -n "$ldconfig" ] || return 0
    known="$("$ldconfig" -p 2>/dev/null | awk '{print $1}')" || return 0
    while read -r soname package; do
        [ -n "$soname" ] || continue
        if ! grep -qxF "$soname" <<<"$known"; then
            missing="$missing $soname"
            case " $packages " in *" $package "*) ;; *) packages="$packages $package" ;; esac
        fi
    done <"$list"
    [ -n "$missing" ] || return 0
    echo "PhotoSift's window needs system libraries that this computer lacks:$missing"
    if command -v apt-get >/dev/null; then
        echo "Install them with:"
        echo
        echo "    sudo apt-get install -y${packages}"
        echo
    else
        echo "Install the packages that provide them (on Debian or Ubuntu:${packages})."
    fi
    return 1
}

if [ "${1:-}" = "--check" ]; then
    check_system_libraries
    exit $?
fi

if [ "${1:-}" = "--uninstall" ]; then
    uninstall
    refresh_menus
    echo "PhotoSift has been removed."
    exit 0
fi

uninstall
mkdir -p "$DEST" "$BIN" "$DATA/applications" "$DATA/icons/hicolor/256x256/apps" \
    "$DATA/icons/hicolor/scalable/apps"
cp -a "$HERE/photosift/." "$DEST/"
ln -s "$DEST/photosift" "$BIN/photosift"
cp "$HERE/photosift.png" "$DATA/icons/hicolor/256x256/apps/photosift.png"
cp "$HERE/photosift.svg" "$DATA/icons/hicolor/scalable/apps/photosift.svg"
# The menu entry names the program by its full path: ~/.local/bin is not always on PATH.
sed -e "s|^Exec=.*|Exec=\"$DEST/photosift\"|" -e "s|^TryExec=.*|TryExec=$DEST/photosift|" \
    "$HERE/photosift.desktop" > "$DATA/applications/photosift.desktop"
chmod 644 "$DATA/applications/photosift.desktop"
refresh_menus
echo "PhotoSift is installed: open it from your applications menu, or run: $DEST/photosift"
check_system_libraries || true
