"""The window's confirmation lists each copy's sidecar files and says when the copy that
stays has none (class 13 of issue 10). The plan comes from a real scan of real files."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from cleaner.detect.scan import run_scan
from cleaner.models import ScanSettings
from cleaner.removal.plan import plan_removal
from tests.helpers import images
from tests.helpers.removal_helpers import Env
from ui.widgets.removal_dialogs import ConfirmRemovalDialog


def test_confirmation_lists_sidecars_and_warns_when_the_keeper_has_none(
    qtbot: QtBot, trash_env: Env
) -> None:
    photos = trash_env.photos
    (photos / "originals").mkdir()
    (photos / "copies").mkdir()
    data = images.jpeg_bytes(images.photo(3, (320, 240)))
    (photos / "originals" / "IMG_1234.JPG").write_bytes(data)
    (photos / "copies" / "IMG_1234.JPG").write_bytes(data)
    (photos / "copies" / "IMG_1234.xmp").write_bytes(b"<x:xmpmeta/>")
    res = run_scan(ScanSettings(roots=(str(photos),)), cache_path=None)
    dialog = ConfirmRemovalDialog(plan_removal(res), roots=(str(photos),))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)

    assert dialog.files.topLevelItemCount() == 1
    picture = dialog.files.topLevelItem(0).child(0)
    assert picture.text(0) == "IMG_1234.JPG"
    assert picture.childCount() == 1
    sidecar = picture.child(0)
    assert sidecar.text(0) == "IMG_1234.xmp"
    assert picture.isExpanded()
    assert "sidecar" in sidecar.text(1).lower()
    assert dialog.sidecar_note is not None
    assert "IMG_1234.JPG has a sidecar file" in dialog.sidecar_note.text()
    assert "the copy that stays has none" in dialog.sidecar_note.text()
    assert not dialog.sidecar_note.isHidden()


def test_the_summary_lists_a_sidecar_that_could_not_follow_its_picture(
    qtbot: QtBot, trash_env: Env
) -> None:
    from cleaner.removal.move import FileRemoved, RemovalFinished
    from cleaner.removal.plan import KeepReason, KeptFile
    from cleaner.removal.undolog import Method
    from ui.widgets.removal_dialogs import RemovalSummaryDialog

    left = KeptFile("/p/copies/IMG_1234.xmp", KeepReason.FAILED, "permission denied")
    removed = FileRemoved(
        "/p/copies/IMG_1234.JPG", 10, Method.TRASH, None, 1, sidecars_kept=(left,)
    )
    dialog = RemovalSummaryDialog(RemovalFinished("b", (removed,), ()), 1)
    qtbot.addWidget(dialog)
    assert left in dialog.not_moved
    assert dialog.kept.topLevelItem(0).text(0) == "IMG_1234.xmp"
