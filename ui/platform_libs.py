"""The system libraries Qt's X11 (xcb) display plugin needs, checked before Qt starts.

Qt for Python carries Qt itself but not the X11 client libraries: when one is missing
(on a fresh Debian or Ubuntu desktop, typically libxcb-cursor0), creating the
QApplication aborts the process with a message about "xcb-cursor0 or libxcb-cursor0".
`check_before_qt` finds the missing ones first and says which packages to install (and
offers to install them when run from a terminal), so Qt's abort is never the message.

The same table and the same walk over the plugin's ELF dependencies serve the Linux
packaging: the .deb's `Depends:` and the tarball's install.sh check
(`python ui/platform_libs.py deb-depends|system-libs BUNDLE_DIR`, run by
packaging/linux/package.sh), and the list of libraries the bundle must take from the
system rather than carry (packaging/photosift.spec).

Standard library only, no Qt and no `ui` import: it runs before PySide6 is loaded, in the
build without PhotoSift installed, and as a plain script.
"""

from __future__ import annotations

import ctypes
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

# `photosift` exits with this when the window cannot open for want of system libraries.
EXIT_MISSING_LIBRARIES = 4

# What `ldd` reports for PySide6 6.11's libqxcb.so and the Qt libraries it loads (Qt6XcbQpa,
# Qt6Gui, Qt6Core, Qt6DBus, Qt6Widgets), the Wayland plugin and the xcb GL integrations:
# every soname they need that Qt for Python does not carry, and the Debian/Ubuntu package
# that provides it (`dpkg -S`). A soname missing here fails the Linux build
# (packaging/linux/package.sh) unless dpkg knows it, so the table stays complete.
SONAME_PACKAGES: dict[str, str] = {
    # X11 client libraries: the xcb platform plugin itself.
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    # The graphics stack, which must match the system's drivers.
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libdrm.so.2": "libdrm2",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    # Fonts, D-Bus, GLib and the compression libraries Qt links to.
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}

# Part of the C library (package libc6): always there, never worth a check.
GLIBC = re.compile(
    r"^(ld-linux[\w.-]*|libc|libm|libmvec|libdl|libpthread|librt|libutil|libresolv)\.so(\.\d+)*$"
)

# The libraries a standalone build takes from the user's system and never carries: the X11
# client libraries must match the system's libxcb (which PyInstaller never bundles), and the
# graphics stack its drivers. packaging/photosift.spec leaves them out of the bundle. A
# wheel's own renamed copy (auditwheel: libxcb-9065bb12.so.1.1.0, Pillow's) is not one.
SYSTEM_ONLY = re.compile(
    r"^(?!.*-[0-9a-f]{8}\.so)"
    r"lib(xcb(-[\w-]+)?|X11(-xcb)?|Xau|Xdmcp|xkbcommon(-x11)?"
    r"|E?GLX?|OpenGL|GLdispatch|drm|wayland-(client|cursor|egl))\.so(\.\d+)*$"
)


# --- ELF: which libraries does a shared object need? ------------------------------------

_DT_NEEDED = 1
_SHT_DYNAMIC = 6


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED sonames of an ELF file, in order ([] if it is not an ELF file)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, shentsize, shnum = (
            struct.unpack_from(end + "Q", data, 0x28)[0],
            *struct.unpack_from(end + "HH", data, 0x3A),
        )
        section = end + "IIQQQQIIQQ"
        entry = end + "qQ"
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(end + "I", data, 0x20)[0],
            *struct.unpack_from(end + "HH", data, 0x2E),
        )
        section = end + "IIIIIIIIII"
        entry = end + "iI"
    sections = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    needed: list[str] = []
    for sec in sections:
        if sec[1] != _SHT_DYNAMIC:
            continue
        offset, size, link = sec[4], sec[5], sec[6]
        strtab = sections[link][4]
        step = struct.calcsize(entry)
        for pos in range(offset, offset + size, step):
            tag, value = struct.unpack_from(entry, data, pos)
            if tag == 0:
                break
            if tag == _DT_NEEDED:
                stop = data.index(b"\0", strtab + value)
                needed.append(data[strtab + value : stop].decode("utf-8", "replace"))
    return needed


def system_sonames(roots: Iterable[Path], local_dirs: Sequence[Path]) -> list[str]:
    """Every soname the roots need, directly or through a library found in local_dirs (the
    Qt or bundle folders, followed), that is not in those folders: what the system must
    provide. The C library's own sonames are left out."""
    queue = [p for p in roots if p.is_file()]
    seen_files = {p.resolve() for p in queue}
    seen: set[str] = set()
    found: list[str] = []
    while queue:
        for soname in elf_needed(queue.pop(0)):
            if soname in seen:
                continue
            seen.add(soname)
            local = next((d / soname for d in local_dirs if (d / soname).is_file()), None)
            if local is not None:
                if local.resolve() not in seen_files:
                    seen_files.add(local.resolve())
                    queue.append(local)
            elif not GLIBC.match(soname):
                found.append(soname)
    return found


# --- where Qt is ------------------------------------------------------------------------


@dataclass(frozen=True)
class QtPlace:
    plugins: Path  # .../PySide6/Qt/plugins
    lib_dirs: tuple[Path, ...]  # where Qt's own libraries (and a bundle's) are


def find_qt(bundle_dir: Path | None = None) -> QtPlace | None:
    """PySide6's Qt folders, found without importing PySide6 (None if it is not there)."""
    if bundle_dir is None:
        bundle_dir = Path(getattr(sys, "_MEIPASS", "")) if getattr(sys, "frozen", False) else None
    if bundle_dir is not None:
        package: Path | None = bundle_dir / "PySide6"
    else:
        import importlib.util

        try:
            spec = importlib.util.find_spec("PySide6")
        except (ImportError, ValueError):
            spec = None
        locations = list(spec.submodule_search_locations or []) if spec else []
        package = Path(locations[0]) if locations else None
    if package is None or not (package / "Qt" / "plugins").is_dir():
        return None
    dirs = [package / "Qt" / "lib"]
    if bundle_dir is not None:
        dirs.append(bundle_dir)
    return QtPlace(package / "Qt" / "plugins", tuple(dirs))


def xcb_plugin(qt: QtPlace) -> Path:
    return qt.plugins / "platforms" / "libqxcb.so"


# --- is it there? -----------------------------------------------------------------------

Loader = Callable[[str], "str | None"]


def dlopen(soname: str) -> str | None:
    """None if the system's dynamic loader finds and loads soname, else its error."""
    try:
        ctypes.CDLL(soname)
    except OSError as exc:
        return str(exc)
    return None


_NOT_FOUND = re.compile(r"^([\w.+-]+\.so(\.\d+)*): cannot open shared object file")


@dataclass(frozen=True)
class Missing:
    soname: str
    package: str | None  # the Debian/Ubuntu package, None if the table does not know it


def missing_libraries(sonames: Iterable[str], loader: Loader = dlopen) -> list[Missing]:
    """The sonames the loader cannot load. When a library is there but one it needs is not,
    the loader names that one, and that one is reported."""
    missing: dict[str, Missing] = {}
    for soname in sonames:
        error = loader(soname)
        if error is None:
            continue
        match = _NOT_FOUND.match(error)
        name = match.group(1) if match else soname
        missing.setdefault(name, Missing(name, SONAME_PACKAGES.get(name)))
    return list(missing.values())


# --- will Qt use xcb? -------------------------------------------------------------------


def platform_from_args(qt_args: Sequence[str]) -> str | None:
    args = list(qt_args)
    for i, arg in enumerate(args):
        if arg in ("-platform", "--platform") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(("-platform=", "--platform=")):
            return arg.split("=", 1)[1]
    return None


def will_use_xcb(env: Mapping[str, str], qt_args: Sequence[str] = (), platform: str = "") -> bool:
    """Whether Qt will load its xcb plugin: on Linux, with an X display, and no other
    platform asked for (QT_QPA_PLATFORM or -platform); on a Wayland session Qt prefers
    its Wayland plugin."""
    if not (platform or sys.platform).startswith("linux"):
        return False
    chosen = platform_from_args(qt_args) or env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    if not env.get("DISPLAY"):
        return False
    wayland = env.get("XDG_SESSION_TYPE") == "wayland" and bool(env.get("WAYLAND_DISPLAY"))
    return not wayland


# --- what to tell the user --------------------------------------------------------------


def install_command(packages: Sequence[str], is_root: bool) -> list[str]:
    return [*([] if is_root else ["sudo"]), "apt-get", "install", "-y", *packages]


def message(missing: Sequence[Missing], command: Sequence[str] | None) -> str:
    # Words from the engine's catalog (`cleaner._`): this runs before Qt, in the language
    # of the environment, as the command line does.
    from cleaner import _

    names = ", ".join(m.soname for m in missing)
    lines = [
        _(
            "photosift: the window cannot open: this computer lacks system libraries that "
            "Qt's X11 display support needs: {names}."
        ).format(names=names),
    ]
    unknown = [m.soname for m in missing if m.package is None]
    if command:
        lines += [_("Install them with:"), "", "    " + shlex.join(command), ""]
        if unknown:
            lines.append(
                _("(and the package that provides {names})").format(names=", ".join(unknown))
            )
        lines.append(_("then start photosift again."))
    else:
        debian = " ".join(sorted({m.package for m in missing if m.package}))
        if debian:
            lines.append(
                _(
                    "Install the packages that provide them with your system's package "
                    "manager (on Debian or Ubuntu: {packages}), then start photosift again."
                ).format(packages=debian)
            )
        else:
            lines.append(
                _(
                    "Install the packages that provide them with your system's package "
                    "manager, then start photosift again."
                )
            )
    lines.append(
        _(
            "The command line works without them: photosift --help. "
            "To skip this check: PHOTOSIFT_SKIP_LIBRARY_CHECK=1."
        )
    )
    return "\n".join(lines) + "\n"


@dataclass
class Host:
    """What the check touches outside this module (tests pass their own)."""

    env: Mapping[str, str]
    loader: Loader
    stdin: TextIO
    stderr: TextIO
    is_root: bool
    has_apt: bool
    run: Callable[[list[str]], int]


def real_host() -> Host:
    def run(command: list[str]) -> int:
        return subprocess.run(command, check=False).returncode

    return Host(
        env=os.environ,
        loader=dlopen,
        stdin=sys.stdin,
        stderr=sys.stderr,
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        has_apt=shutil.which("apt-get") is not None,
        run=run,
    )


def check_before_qt(
    qt_args: Sequence[str] = (), host: Host | None = None, qt: QtPlace | None = None
) -> int | None:
    """None when the window may start; else the exit code, after saying what is missing
    and how to install it (and, from a terminal, offering to)."""
    host = host or real_host()
    if host.env.get("PHOTOSIFT_SKIP_LIBRARY_CHECK") or not will_use_xcb(host.env, qt_args):
        return None
    qt = qt or find_qt()
    if qt is None or not xcb_plugin(qt).is_file():
        return None  # Qt will say itself that its plugin is missing
    try:
        sonames = system_sonames([xcb_plugin(qt)], qt.lib_dirs)
    except (OSError, ValueError, IndexError, struct.error):
        return None  # an unreadable plugin is Qt's to report; never block on our doubt
    missing = missing_libraries(sonames, host.loader)
    if not missing:
        return None
    packages = sorted({m.package for m in missing if m.package})
    command = install_command(packages, host.is_root) if host.has_apt and packages else None
    host.stderr.write(message(missing, command))
    host.stderr.flush()
    if command is None or not _is_terminal(host.stdin):
        return EXIT_MISSING_LIBRARIES
    from cleaner import _

    host.stderr.write(_("Run `{command}` now? [y/N] ").format(command=shlex.join(command)))
    host.stderr.flush()
    answer = host.stdin.readline().strip().lower()
    if answer not in ("y", "yes", _("y"), _("yes")):
        return EXIT_MISSING_LIBRARIES
    if host.run(command) != 0:
        host.stderr.write(
            _("photosift: the installation did not finish; nothing else was done.") + "\n"
        )
        return EXIT_MISSING_LIBRARIES
    still = missing_libraries(sonames, host.loader)
    if still:
        host.stderr.write(
            _("photosift: still missing after the installation: {names}.").format(
                names=", ".join(m.soname for m in still)
            )
            + "\n"
        )
        return EXIT_MISSING_LIBRARIES
    return None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- the build: what the .deb depends on ------------------------------------------------


def bundle_system_sonames(bundle: Path, xcb_only: bool = False) -> list[str]:
    """The sonames a standalone build (its _internal folder) takes from the system for its
    desktop platform plugins (xcb, Wayland, and the plugins they load), or for xcb alone."""
    qt = find_qt(bundle)
    if qt is None:
        raise SystemExit(f"platform_libs: no PySide6/Qt/plugins under {bundle}")
    if not xcb_plugin(qt).is_file():
        raise SystemExit(f"platform_libs: {xcb_plugin(qt)} is missing")
    roots = [xcb_plugin(qt)]
    if not xcb_only:
        roots += sorted((qt.plugins / "platforms").glob("libqwayland*.so"))
        for folder in DESKTOP_PLUGIN_FOLDERS:
            roots += sorted((qt.plugins / folder).glob("*.so"))
    return system_sonames(roots, qt.lib_dirs)


# The plugins the xcb and Wayland platforms load beside themselves.
DESKTOP_PLUGIN_FOLDERS = (
    "xcbglintegrations",
    "platforminputcontexts",
    "wayland-decoration-client",
    "wayland-graphics-integration-client",
    "wayland-shell-integration",
)


def package_of(soname: str, dpkg_search: Callable[[str], str | None] | None = None) -> str:
    if soname in SONAME_PACKAGES:
        return SONAME_PACKAGES[soname]
    package = (dpkg_search or _dpkg_search)(soname)
    if package is None:
        raise SystemExit(
            f"platform_libs: no package known for {soname}: add it to SONAME_PACKAGES "
            "in ui/platform_libs.py"
        )
    return package


def _dpkg_search(soname: str) -> str | None:
    if shutil.which("dpkg") is None:
        return None
    result = subprocess.run(
        ["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False
    )
    line = result.stdout.splitlines()[0] if result.returncode == 0 and result.stdout else ""
    return line.split(":", 1)[0] or None


def main(argv: Sequence[str]) -> int:
    """`deb-depends BUNDLE`: the packages, comma-separated; `system-libs BUNDLE`: one
    "soname package" per line for the xcb plugin (install.sh checks them)."""
    if len(argv) != 2 or argv[0] not in ("deb-depends", "system-libs"):
        print(
            "usage: platform_libs.py deb-depends|system-libs BUNDLE_INTERNAL_DIR", file=sys.stderr
        )
        return 2
    sonames = bundle_system_sonames(Path(argv[1]), xcb_only=argv[0] == "system-libs")
    if argv[0] == "deb-depends":
        print(", ".join(sorted({package_of(s) for s in sonames})))
    else:
        for soname in sonames:
            print(soname, package_of(soname))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
