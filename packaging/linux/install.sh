#!/usr/bin/env bash
# Install PhotoSift for the current user (no administrator rights needed):
# the app goes to ~/.local/opt/photosift, a menu entry and icon to ~/.local/share,
# and a `photosift` command to ~/.local/bin. Run it again to update;
# `./install.sh --uninstall` removes it all (your settings and undo history stay).
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
