"""The engine's messages a user reads (why a marked file stays, another PhotoSift moving
files) are said in the user's language; what the undo log stores stays English."""

from __future__ import annotations

from cleaner.i18n import set_language
from cleaner.removal.movelock import AnotherRemovalRunning
from cleaner.removal.plan import KeepReason, KeptFile, change_detail
from cleaner.safeopen import kind_of


def test_why_a_file_stays_is_spanish_when_shown_and_english_when_stored() -> None:
    kept = KeptFile("/p/a.jpg", KeepReason.CHANGED, change_detail(10, 10))
    set_language("es")
    assert kept.words == "cambió desde el análisis (modificado desde el análisis)"
    assert kept.message == "changed since the scan (modified since the scan)"  # the log's
    assert KeptFile("/p/a.jpg", KeepReason.VANISHED).words == "ya no está"
    # a detail made of parts is shown as written, inside the translated sentence
    sized = KeptFile("/p/a.jpg", KeepReason.CHANGED, change_detail(10, 12))
    assert sized.words == "cambió desde el análisis (size 10 → 12 bytes)"


def test_every_reason_a_file_stays_has_spanish_words() -> None:
    english = {r: KeptFile("/p", r).words for r in KeepReason}
    set_language("es")
    spanish = {r: KeptFile("/p", r).words for r in KeepReason}
    assert [r for r in KeepReason if spanish[r] == english[r]] == []


def test_another_photosift_moving_files_is_said_in_the_language() -> None:
    assert str(AnotherRemovalRunning()).startswith("another PhotoSift is moving files")
    set_language("es")
    assert str(AnotherRemovalRunning()).startswith("otro PhotoSift está moviendo archivos")


def test_what_a_non_file_is_stays_english_in_the_stored_detail() -> None:
    import stat

    set_language("es")
    assert kind_of(stat.S_IFIFO) == "a pipe (FIFO)"  # a skipped file's stored detail
