"""The first run on a fresh desktop: before Qt starts, `photosift` finds the X11 libraries
Qt's xcb plugin needs and, when one is missing, says which packages to install (and
offers to from a terminal) instead of letting Qt abort (ui/platform_libs.py).

"Missing" is simulated with a fake loader: nothing is uninstalled. Runs without Qt; the
tests that read the real plugin skip where PySide6 is not installed."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ui import launch, platform_libs
from ui.platform_libs import EXIT_MISSING_LIBRARIES, Host, Missing

QT = platform_libs.find_qt()
needs_qt = pytest.mark.skipif(
    QT is None or not sys.platform.startswith("linux"), reason="needs PySide6's Linux plugins"
)


def fake_loader(*absent: str, errors: dict[str, str] | None = None) -> Callable[[str], str | None]:
    def load(soname: str) -> str | None:
        if errors and soname in errors:
            return errors[soname]
        if soname in absent:
            return f"{soname}: cannot open shared object file: No such file or directory"
        return None

    return load


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class FakeHost:
    absent: list[str]
    answer: str = ""
    tty: bool = False
    is_root: bool = False
    has_apt: bool = True
    env: dict[str, str] = field(default_factory=lambda: {"DISPLAY": ":0"})
    install_fixes: bool = True
    install_code: int = 0
    ran: list[list[str]] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    stderr: io.StringIO = field(default_factory=io.StringIO)

    def host(self) -> Host:
        def load(soname: str) -> str | None:
            self.loaded.append(soname)
            return fake_loader(*self.absent)(soname)

        def run(command: list[str]) -> int:
            self.ran.append(command)
            if self.install_fixes:
                self.absent.clear()
            return self.install_code

        stdin = Terminal(self.answer + "\n") if self.tty else io.StringIO(self.answer + "\n")
        return Host(self.env, load, stdin, self.stderr, self.is_root, self.has_apt, run)


# --- the table ----------------------------------------------------------------------------


@needs_qt
def test_the_plugin_needs_what_the_issue_saw_missing() -> None:
    assert QT is not None
    needed = platform_libs.elf_needed(platform_libs.xcb_plugin(QT))
    assert needed[:1] == ["libQt6XcbQpa.so.6"]
    for soname in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"):
        assert soname in needed


@needs_qt
def test_every_system_library_of_the_plugin_has_its_package_in_the_table() -> None:
    assert QT is not None
    sonames = platform_libs.system_sonames([platform_libs.xcb_plugin(QT)], QT.lib_dirs)
    # Qt's own libraries are followed (their needs are listed), not reported.
    assert not [s for s in sonames if s.startswith("libQt6") or s.startswith("libicu")]
    assert "libdbus-1.so.3" in sonames  # through libQt6Gui -> libQt6DBus
    assert "libc.so.6" not in sonames
    assert [s for s in sonames if s not in platform_libs.SONAME_PACKAGES] == []


def test_the_table_names_the_packages_the_issue_asks_for() -> None:
    table = platform_libs.SONAME_PACKAGES
    assert table["libxcb-cursor.so.0"] == "libxcb-cursor0"
    assert table["libxcb-icccm.so.4"] == "libxcb-icccm4"
    assert table["libxcb-keysyms.so.1"] == "libxcb-keysyms1"
    assert table["libxkbcommon-x11.so.0"] == "libxkbcommon-x11-0"
    assert table["libxcb-render-util.so.0"] == "libxcb-render-util0"


def test_a_file_that_is_not_elf_needs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", "utf-8")
    assert platform_libs.elf_needed(path) == []


# --- the decision -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "xcb"),
    [
        ({"DISPLAY": ":0"}, [], True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, [], True),
        ({"QT_QPA_PLATFORM": "xcb"}, [], True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, [], False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, [], False),
        ({"DISPLAY": ":0"}, ["-platform", "offscreen"], False),
        ({"QT_QPA_PLATFORM": "offscreen"}, ["-platform", "xcb"], True),
        ({}, [], False),
        (
            {"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
            [],
            False,
        ),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, [], True),
    ],
)
def test_only_a_start_on_xcb_is_checked(env: dict[str, str], args: list[str], xcb: bool) -> None:
    assert platform_libs.will_use_xcb(env, args, platform="linux") is xcb


def test_not_on_linux_nothing_is_checked() -> None:
    assert platform_libs.will_use_xcb({"DISPLAY": ":0"}, platform="darwin") is False


def test_missing_libraries_are_named_with_their_packages() -> None:
    found = platform_libs.missing_libraries(
        ["libGL.so.1", "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo.so.9"],
        fake_loader("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo.so.9"),
    )
    assert found == [
        Missing("libxcb-cursor.so.0", "libxcb-cursor0"),
        Missing("libxcb-icccm.so.4", "libxcb-icccm4"),
        Missing("libfoo.so.9", None),
    ]


def test_a_library_whose_own_dependency_is_missing_names_that_one() -> None:
    error = "libxcb-xkb.so.1: cannot open shared object file: No such file or directory"
    found = platform_libs.missing_libraries(
        ["libxkbcommon-x11.so.0", "libxcb-xkb.so.1"],
        fake_loader("libxcb-xkb.so.1", errors={"libxkbcommon-x11.so.0": error}),
    )
    assert found == [Missing("libxcb-xkb.so.1", "libxcb-xkb1")]


@needs_qt
def test_nothing_missing_lets_the_window_start() -> None:
    fake = FakeHost(absent=[])
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) is None
    assert "libxcb-cursor.so.0" in fake.loaded
    assert fake.stderr.getvalue() == ""


@needs_qt
def test_offscreen_loads_nothing() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], env={"QT_QPA_PLATFORM": "offscreen"})
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) is None
    assert fake.loaded == []


@needs_qt
def test_the_check_can_be_skipped() -> None:
    env = {"DISPLAY": ":0", "PHOTOSIFT_SKIP_LIBRARY_CHECK": "1"}
    fake = FakeHost(absent=["libxcb-cursor.so.0"], env=env)
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) is None


@needs_qt
def test_without_a_terminal_it_prints_the_exact_command_and_exits() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    err = fake.stderr.getvalue()
    assert err.startswith(
        "photosift: the window cannot open: this computer lacks system libraries that Qt's "
        "X11 display support needs: libxcb-cursor.so.0, libxcb-icccm.so.4.\n"
    )
    assert "\n    sudo apt-get install -y libxcb-cursor0 libxcb-icccm4\n" in err
    assert "[y/N]" not in err
    assert fake.ran == []


@needs_qt
def test_as_root_the_command_has_no_sudo() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], is_root=True)
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    assert "\n    apt-get install -y libxcb-cursor0\n" in fake.stderr.getvalue()


@needs_qt
def test_from_a_terminal_yes_installs_and_the_window_starts() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], tty=True, answer="y")
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) is None
    assert fake.ran == [["sudo", "apt-get", "install", "-y", "libxcb-cursor0"]]
    assert "Run `sudo apt-get install -y libxcb-cursor0` now? [y/N] " in fake.stderr.getvalue()


@pytest.mark.parametrize("answer", ["", "n", "no", "maybe"])
@needs_qt
def test_from_a_terminal_anything_but_yes_installs_nothing(answer: str) -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], tty=True, answer=answer)
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    assert fake.ran == []


@needs_qt
def test_a_failed_installation_is_said_and_the_window_does_not_start() -> None:
    fake = FakeHost(
        absent=["libxcb-cursor.so.0"], tty=True, answer="y", install_code=100, install_fixes=False
    )
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    assert "the installation did not finish" in fake.stderr.getvalue()


@needs_qt
def test_an_installation_that_did_not_help_is_said() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], tty=True, answer="y", install_fixes=False)
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    assert "still missing after the installation: libxcb-cursor.so.0" in fake.stderr.getvalue()


@needs_qt
def test_without_apt_it_names_the_libraries_and_debian_packages() -> None:
    fake = FakeHost(absent=["libxcb-cursor.so.0"], has_apt=False, tty=True, answer="y")
    assert platform_libs.check_before_qt(host=fake.host(), qt=QT) == EXIT_MISSING_LIBRARIES
    err = fake.stderr.getvalue()
    assert "apt-get" not in err
    assert "(on Debian or Ubuntu: libxcb-cursor0)" in err
    assert fake.ran == []


# --- `photosift` itself -------------------------------------------------------------------


@needs_qt
def test_photosift_says_what_to_install_instead_of_letting_qt_abort(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("PHOTOSIFT_SKIP_LIBRARY_CHECK", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(platform_libs, "dlopen", fake_loader("libxcb-cursor.so.0"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(platform_libs.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(platform_libs.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert launch.main([]) == EXIT_MISSING_LIBRARIES
    err = capsys.readouterr().err
    assert "lacks system libraries that Qt's X11 display support needs: libxcb-cursor.so.0." in err
    assert "\n    sudo apt-get install -y libxcb-cursor0\n" in err
    # Qt never started: no QApplication was made.
    qtwidgets = sys.modules.get("PySide6.QtWidgets")
    assert qtwidgets is None or qtwidgets.QApplication.instance() is None


# --- the build ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "system"),
    [
        ("libxcb.so.1", True),
        ("libxcb-cursor.so.0", True),
        ("libX11-xcb.so.1", True),
        ("libxkbcommon-x11.so.0", True),
        ("libGL.so.1", True),
        ("libEGL.so.1", True),
        ("libwayland-client.so.0", True),
        # A wheel's renamed copy (auditwheel) is that wheel's own, never the system's.
        ("libxcb-9065bb12.so.1.1.0", False),
        ("libQt6XcbQpa.so.6", False),
        ("libfontconfig.so.1", False),
        ("libpython3.11.so.1.0", False),
    ],
)
def test_which_libraries_a_bundle_takes_from_the_system(name: str, system: bool) -> None:
    assert bool(platform_libs.SYSTEM_ONLY.match(name)) is system


def test_a_soname_not_in_the_table_asks_dpkg_and_else_stops_the_build() -> None:
    assert platform_libs.package_of("libxcb-cursor.so.0", lambda s: "wrong") == "libxcb-cursor0"
    assert platform_libs.package_of("libnew.so.1", lambda s: "libnew1") == "libnew1"
    with pytest.raises(SystemExit, match=r"no package known for libnew\.so\.1: add it to"):
        platform_libs.package_of("libnew.so.1", lambda s: None)


@needs_qt
def test_the_build_lists_what_a_bundle_takes_from_the_system(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A bundle's layout (PyInstaller's _internal) made of the installed PySide6's files.
    assert QT is not None
    bundle = tmp_path / "_internal"
    platforms = bundle / "PySide6/Qt/plugins/platforms"
    platforms.mkdir(parents=True)
    (platforms / "libqxcb.so").symlink_to(platform_libs.xcb_plugin(QT))
    (bundle / "PySide6/Qt/lib").symlink_to(QT.lib_dirs[0])
    assert platform_libs.main(["system-libs", str(bundle)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "libxcb-cursor.so.0 libxcb-cursor0" in lines
    assert platform_libs.main(["deb-depends", str(bundle)]) == 0
    depends = capsys.readouterr().out.strip().split(", ")
    assert "libxcb-cursor0" in depends
    assert depends == sorted(set(depends))
