#!/usr/bin/env bash
# Build the standalone PhotoSift for the current OS (Linux or macOS; Windows: build.ps1).
#
#     packaging/build.sh [--onedir-only] [--no-smoke-test]
#
# Environment (all optional):
#   PYTHON               Python with PhotoSift and its dependencies installed (default:
#                        .venv/bin/python if it exists, else python3). PyInstaller is
#                        installed into it from requirements-build.txt if missing.
#   PHOTOSIFT_DIST_DIR   where the results go (default: packaging/dist)
#   PHOTOSIFT_BUILD_DIR  scratch folder (default: packaging/build)
#   PHOTOSIFT_COMPRESS   Linux: gzip (default, quick) or xz (releases, about 25% smaller)
#   PHOTOSIFT_TARGET_ARCH  macOS: x86_64 or arm64 (default: the machine's)
#   CODESIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#                        macOS: sign and notarize (packaging/macos/sign_and_notarize.sh)
#
# Results:
#   Linux  photosift/ (onedir), PhotoSift-<version>-linux-<arch>.tar.gz, photosift_<version>_<arch>.deb
#   macOS  PhotoSift.app, PhotoSift-<version>-macos-<arch>.dmg
# Every build runs `--smoke-test` on the frozen app before packaging it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
DIST="${PHOTOSIFT_DIST_DIR:-$HERE/dist}"
BUILD="${PHOTOSIFT_BUILD_DIR:-$HERE/build}"
export PHOTOSIFT_ICON_DIR="$BUILD/icons"
cd "$ROOT"

ONEDIR_ONLY=0
SMOKE=1
for arg in "$@"; do
    case "$arg" in
        --onedir-only) ONEDIR_ONLY=1 ;;
        --no-smoke-test) SMOKE=0 ;;
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
log() { printf '\n== %s\n' "$*"; }
started=$(date +%s)

log "Build tools ($("$PYTHON" --version))"
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet -r "$HERE/requirements-build.txt"
fi
"$PYTHON" -m PyInstaller --version

# The bundle reads its version from the installed metadata (cleaner.__version__), the
# spec from pyproject.toml: make sure they agree (installing PhotoSift if it is missing).
VERSION="$("$PYTHON" -c 'import re,sys; print(re.search(r"(?m)^version\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' pyproject.toml)"
installed="$("$PYTHON" -c 'from importlib.metadata import version; print(version("photosift"))' 2>/dev/null || true)"
if [ -z "$installed" ]; then
    log "Installing PhotoSift $VERSION into $PYTHON"
    "$PYTHON" -m pip install --quiet ".[gui]"
elif [ "$installed" != "$VERSION" ]; then
    echo "build.sh: $PYTHON has PhotoSift $installed installed but pyproject.toml says $VERSION;" \
        "reinstall it first (pip install -e '.[gui]' or pip install '.[gui]')" >&2
    exit 1
fi
# The window's Qt is the [gui] extra: an engine-only install would bundle no window.
if ! "$PYTHON" -c "import PySide6" 2>/dev/null; then
    log "Installing the window's dependencies (PhotoSift's [gui] extra)"
    # shellcheck disable=SC2046 # one argument per requirement
    "$PYTHON" -m pip install --quiet $("$PYTHON" -c 'import re,sys; b=re.search(r"(?ms)^gui = \[(.*?)^\]", open(sys.argv[1]).read()).group(1); print(*re.findall(r"(?m)^\s*\"([^\"]+)\"", b))' pyproject.toml)
fi

log "Icons"
"$PYTHON" "$HERE/make_icons.py" "$BUILD/icons"

log "PyInstaller (onedir)"
# Remove only what an earlier build made: PHOTOSIFT_DIST_DIR may be any folder.
mkdir -p "$DIST"
rm -rf "$DIST/photosift" "$DIST/PhotoSift" "$DIST/PhotoSift.app" "$DIST"/PhotoSift-*.tar.* \
    "$DIST"/photosift_*.deb "$DIST"/PhotoSift-*.dmg
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$HERE/photosift.spec"

case "$(uname -s)" in
    Linux)
        APP="$DIST/photosift"
        EXE="$APP/photosift"
        # The interpreter (unlike the manylinux wheels) often ships with debug sections:
        # drop them (about 20 MB). Wheel libraries are left alone: stripping
        # auditwheel-patched libraries can break them.
        if command -v strip >/dev/null; then
            find "$APP/_internal" -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-debug {} +
            find "$APP/_internal" -path '*/lib-dynload/*.so' -type f -exec strip --strip-debug {} +
        fi
        ;;
    Darwin)
        APP="$DIST/PhotoSift.app"
        EXE="$APP/Contents/MacOS/photosift-cli"
        ;;
    *)
        echo "build.sh: use packaging/build.ps1 on Windows" >&2
        exit 2
        ;;
esac

if [ "$SMOKE" = 1 ]; then
    log "Smoke test"
    QT_QPA_PLATFORM=offscreen "$PYTHON" "$HERE/smoke_check.py" "$EXE"
    "$EXE" --version
fi

ARCH="$(uname -m)"
if [ "$ONEDIR_ONLY" = 0 ]; then
    case "$(uname -s)" in
        Linux)
            log "Tarball and .deb"
            PYTHON="$PYTHON" "$HERE/linux/package.sh" "$APP" "$VERSION" "$DIST"
            ;;
        Darwin)
            log "Sign, notarize, disk image"
            "$HERE/macos/sign_and_notarize.sh" "$APP" "$VERSION" "$DIST/PhotoSift-$VERSION-macos-$ARCH.dmg"
            ;;
    esac
fi

log "Done in $(($(date +%s) - started)) s"
du -sh "$APP"
find "$DIST" -maxdepth 1 -type f \( -name "*.tar.*" -o -name '*.deb' -o -name '*.dmg' \) -exec du -h {} +
