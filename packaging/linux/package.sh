#!/usr/bin/env bash
# Wrap a Linux onedir build into a tarball (any distribution, per-user install.sh) and a
# .deb (Debian, Ubuntu, Mint: double-click opens the software installer).
#
#     packaging/linux/package.sh APP_DIR VERSION OUT_DIR
#
# PHOTOSIFT_COMPRESS=gzip (default: quick, for tests) or xz (releases: about 25% smaller,
# about 3 minutes longer on 2 cores): compression of both the tarball and the .deb.
set -euo pipefail

APP="$(cd "$1" && pwd)"
VERSION="$2"
OUT="$3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ICONS="${PHOTOSIFT_ICON_DIR:-$ROOT/packaging/build/icons}"
SVG="$ROOT/ui/resources/icons/photosift.svg"
ARCH="$(uname -m)"
PYTHON="${PYTHON:-python3}"
# What the bundled Qt platform plugins need from the system (ui/platform_libs.py reads
# their ELF dependencies, like ldd, and maps sonames to packages with its table, or
# `dpkg -S`): the .deb depends on the packages, install.sh checks the xcb plugin's.
PLATFORM_LIBS="$ROOT/ui/platform_libs.py"
SYSTEM_DEPENDS="$("$PYTHON" "$PLATFORM_LIBS" deb-depends "$APP/_internal")"
mkdir -p "$OUT"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

# --- tarball ---------------------------------------------------------------------------
NAME="PhotoSift-$VERSION-linux-$ARCH"
mkdir -p "$STAGE/$NAME"
cp -a "$APP" "$STAGE/$NAME/photosift"
cp "$HERE/install.sh" "$HERE/photosift.desktop" "$ICONS/photosift.png" "$SVG" "$STAGE/$NAME/"
"$PYTHON" "$PLATFORM_LIBS" system-libs "$APP/_internal" > "$STAGE/$NAME/system-libraries.txt"
cat > "$STAGE/$NAME/README.txt" <<TXT
PhotoSift $VERSION for Linux

To install it for yourself (no administrator password needed), open a terminal in
this folder and run:   ./install.sh
PhotoSift then appears in your applications menu. To remove it: ./install.sh --uninstall

To try it without installing, run:   ./photosift/photosift

The window needs the X11 libraries listed in system-libraries.txt (most desktops have
them); ./install.sh --check says which are missing and how to install them.
TXT
COMPRESS="${PHOTOSIFT_COMPRESS:-gzip}"
case "$COMPRESS" in
    gzip) TAR_EXT=tar.gz ;;
    xz) TAR_EXT=tar.xz; export XZ_OPT="${XZ_OPT:--6 -T0}" ;;
    *) echo "package.sh: PHOTOSIFT_COMPRESS must be gzip or xz" >&2; exit 2 ;;
esac
tar -C "$STAGE" --"$COMPRESS" -cf "$OUT/$NAME.$TAR_EXT" "$NAME"
echo "package.sh: $OUT/$NAME.$TAR_EXT"

# --- .deb ------------------------------------------------------------------------------
if ! command -v dpkg-deb >/dev/null; then
    echo "package.sh: dpkg-deb not found, no .deb built" >&2
    exit 0
fi
DEB_ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
PKG="$STAGE/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
    "$PKG/usr/share/icons/hicolor/256x256/apps" "$PKG/usr/share/icons/hicolor/scalable/apps" \
    "$PKG/usr/share/doc/photosift"
cp -a "$APP" "$PKG/opt/photosift"
ln -s /opt/photosift/photosift "$PKG/usr/bin/photosift"
install -m 644 "$HERE/photosift.desktop" "$PKG/usr/share/applications/photosift.desktop"
install -m 644 "$ICONS/photosift.png" "$PKG/usr/share/icons/hicolor/256x256/apps/photosift.png"
install -m 644 "$SVG" "$PKG/usr/share/icons/hicolor/scalable/apps/photosift.svg"
cat > "$PKG/usr/share/doc/photosift/copyright" <<TXT
PhotoSift $VERSION, GPL-3.0-or-later. The bundled libraries (Qt for Python, Pillow,
pillow-heif/libheif, rawpy/LibRaw, NumPy, SciPy, CPython) keep their own licences.
TXT
# The bundle needs at least the glibc it was built against (the build machine's), and
# carries everything but the X11 libraries and the graphics stack, which must match the
# system (SYSTEM_DEPENDS, derived above); fontconfig is the configuration its bundled
# libfontconfig reads.
GLIBC="$(ldd --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+\.[0-9]+$' || true)"
LIBC_DEP="libc6${GLIBC:+ (>= $GLIBC)}"
cat > "$PKG/DEBIAN/control" <<CTRL
Package: photosift
Version: $VERSION
Architecture: $DEB_ARCH
Maintainer: PhotoSift developers <photosift@users.noreply.github.com>
Installed-Size: $(du -sk "$PKG" | cut -f1)
Depends: $LIBC_DEP, $SYSTEM_DEPENDS, fontconfig
Section: graphics
Priority: optional
Homepage: https://github.com/photosift/photosift
Description: find duplicate photos, keep the best copy, trash the rest
 PhotoSift finds byte-identical and near-duplicate pictures (resized, recompressed,
 converted, rotated), suggests the best copy of each and says why, and moves the
 other copies to the trash with an undo log. Reads JPEG, PNG, TIFF, WebP, GIF, BMP,
 HEIC/HEIF, AVIF and camera RAW files. Standalone build: needs no Python.
CTRL
DEB="$OUT/photosift_${VERSION}_${DEB_ARCH}.deb"
dpkg-deb --root-owner-group "-Z$COMPRESS" --build "$PKG" "$DEB" >/dev/null
echo "package.sh: $DEB"
