"""Numbers in words (issue 12, point 8): money and prices in plain decimals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaner.cli import main as cli_main
from cleaner.demo.library import make_demo_library
from cleaner.humanize import about_money, money, plain_number


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
