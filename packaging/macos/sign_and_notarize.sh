#!/usr/bin/env bash
# Sign PhotoSift.app, wrap it in a .dmg, notarize and staple it (macOS only).
#
#     packaging/macos/sign_and_notarize.sh APP VERSION DMG
#
# Credentials come from the environment; each step runs only if its variables are set:
#   CODESIGN_IDENTITY   "Developer ID Application: Name (TEAMID)", already in a keychain
#                       (the release workflow imports it from a secret). Without it the
#                       app is ad-hoc signed: it runs, but Gatekeeper asks users to confirm.
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#                       notarization with `notarytool` (an app-specific password).
# UNTESTED on this project's Linux CI machine: it runs only on the macOS release runners.
set -euo pipefail

APP="$1"
VERSION="$2"
DMG="$3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENTITLEMENTS="$HERE/entitlements.plist"
IDENTITY="${CODESIGN_IDENTITY:-}"

sign() {  # sign [--entitlements] PATH...
    local extra=()
    if [ "$1" = "--entitlements" ]; then
        extra=(--entitlements "$ENTITLEMENTS")
        shift
    fi
    if [ -n "$IDENTITY" ]; then
        # ${a[@]+"${a[@]}"}: an empty array under `set -u` in macOS's bash 3.2
        codesign --force --timestamp --options runtime ${extra[@]+"${extra[@]}"} \
            --sign "$IDENTITY" "$@"
    else
        codesign --force ${extra[@]+"${extra[@]}"} --sign - "$@"
    fi
}

echo "sign_and_notarize: signing $APP (${IDENTITY:-ad-hoc})"
# Inside out: every Mach-O file, then the framework bundles, then the executables, then
# the app. (`codesign --deep` is deprecated for signing and misses nested code.)
while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q 'Mach-O'; then
        case "$file" in
            "$APP/Contents/MacOS/"*) ;;  # the executables come last, with entitlements
            *) sign "$file" ;;
        esac
    fi
done < <(find "$APP/Contents" -type f ! -path '*/_CodeSignature/*' -print0)
while IFS= read -r -d '' framework; do
    sign "$framework"
done < <(find "$APP/Contents" -type d -name '*.framework' -print0)
sign --entitlements "$APP/Contents/MacOS/photosift-cli"
sign --entitlements "$APP/Contents/MacOS/PhotoSift"
sign --entitlements "$APP"
codesign --verify --strict --verbose=2 "$APP"

echo "sign_and_notarize: disk image $DMG"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ditto "$APP" "$STAGE/$(basename "$APP")"  # keeps symlinks and signatures
ln -s /Applications "$STAGE/Applications"  # drag PhotoSift onto it to install
rm -f "$DMG"
hdiutil create -volname "PhotoSift $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 -ov "$DMG"
if [ -n "$IDENTITY" ]; then
    codesign --force --timestamp --sign "$IDENTITY" "$DMG"
fi

if [ -n "$IDENTITY" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
    && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    echo "sign_and_notarize: notarizing (this usually takes a few minutes)"
    result="$STAGE/notary.plist"
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait --timeout 1h --output-format plist >"$result"
    status="$(/usr/libexec/PlistBuddy -c 'Print :status' "$result")"
    if [ "$status" != "Accepted" ]; then
        id="$(/usr/libexec/PlistBuddy -c 'Print :id' "$result")"
        echo "sign_and_notarize: notarization $status; Apple's log:" >&2
        xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD" >&2 || true
        exit 1
    fi
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
else
    echo "sign_and_notarize: not notarized (set CODESIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID" \
        "and APPLE_APP_PASSWORD); Gatekeeper will ask users to confirm the first launch"
fi
