"""Numbers in words (issue 12, point 8): money and prices in plain decimals."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.cli import main as cli_main
from cleaner.demo.library import make_demo_library
from cleaner.humanize import about_money, human_time, money, plain_number


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0.0, "0 USD"),
        (5.1e-05, "less than 0.01 USD"),
        (0.0049, "less than 0.01 USD"),
        (0.005, "0.01 USD"),
        (0.023, "0.02 USD"),
        (1234.5, "1,234.50 USD"),
    ],
)
def test_money_is_plain_decimals(amount: float, text: str) -> None:
    assert money(amount, "USD") == text


def test_about_money_says_about_only_when_it_fits() -> None:
    assert about_money(5.1e-05, "EUR") == "less than 0.01 EUR"
    assert about_money(0.0, "EUR") == "0 EUR"
    assert about_money(2.5, "EUR") == "about 2.50 EUR"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.023, "0.023"), (1e-05, "0.00001"), (3.0, "3"), (0.0, "0"), (1e-12, "0.000000000001")],
)
def test_plain_number_never_uses_scientific_notation(value: float, text: str) -> None:
    assert plain_number(value) == text


def test_a_small_library_report_has_no_scientific_notation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two tiny copies cost 5e-05 USD a month: the report and the CLI say it plainly."""
    root = make_demo_library(tmp_path / "photos").root
    result = tmp_path / "result.json"
    html = tmp_path / "report.html"
    assert cli_main(["scan", str(root), "--no-cache", "-q", "--json", str(result)]) == 0
    capsys.readouterr()
    code = cli_main(
        ["report", "--from", str(result), "--html", str(html), "--price-per-gb-month",
         "0.00001", "--no-thumbnails"]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    text = html.read_text(encoding="utf-8")
    assert "less than 0.01 USD a month" in out
    assert "less than 0.01 USD per month" in text
    assert "At 0.00001 USD per GB per month" in text
    number = re.compile(r"\b\d(\.\d+)?e[-+]?\d+\b", re.IGNORECASE)
    assert not number.search(out)
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]*>", " ", text, flags=re.S)
    assert not number.search(visible), number.search(visible)
    assert json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_human_time_is_a_local_date_people_read(berlin: None) -> None:
    assert human_time("2026-11-27T11:27:05.123456+00:00") == "27 Nov 2026, 12:27"
    assert human_time("2026-07-01T22:05:00+00:00") == "2 Jul 2026, 00:05"  # summer time
    assert human_time("2026-11-27T12:27:00") == "27 Nov 2026, 12:27"  # no zone: local
    assert human_time("not a date") == "not a date"


def test_scan_says_folder_in_the_singular_and_its_report_help_is_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_demo_library(tmp_path / "photos").root
    assert cli_main(["scan", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "Scanned 1 folder in " in out
    assert "folder(s)" not in out
    with pytest.raises(SystemExit):
        cli_main(["scan", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "write a self-contained HTML report to FILE.html (one file: open it in a " in help_text
    assert "to file or send" not in help_text


def _old_human_bytes(n: float) -> str:
    """`human_bytes` as it was written before it became `i18n.human_size` in English."""
    value = float(n)
    if abs(value) < 1000:
        return "1 byte" if int(value) == 1 else f"{int(value)} bytes"
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if abs(value) < 1000 or unit == "TB":
            return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"
    return f"{n} bytes"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_english_twins_are_the_locale_formatters_in_english(language: str) -> None:
    """`human_bytes`/`money` (stored keeper words) are `i18n`'s formatters in "en":
    whatever language is in force, they read as they always did, down to the rounding
    (2.45 MB is "2.5 MB" as Python rounds it, not Babel's half-to-even "2.4")."""
    from cleaner import i18n
    from cleaner.humanize import human_bytes

    i18n.set_language(language)
    try:
        sizes = [0, 1, 2, 999, 1000, 2450, 2_450_000, 99_950, 99_949, 123_456_789, 999 * 10**12]
        # below 1,000 TB, where the old one wrote "1000 TB" without a group separator
        sizes += [int(1.37**k) for k in range(1, 110) if 1.37**k < 999.9 * 10**12]
        assert [human_bytes(n) for n in sizes] == [_old_human_bytes(n) for n in sizes]
        amounts = [0.005, 0.015, 1.005, 1.015, 2.675, 1234.565, 1e6 + 0.125]
        assert [money(a, "USD") for a in amounts] == [f"{a:,.2f} USD" for a in amounts]
        assert about_money(2.5, "EUR") == "about 2.50 EUR"
        assert money(5.1e-05, "EUR") == "less than 0.01 EUR"
    finally:
        i18n.set_language("en")
