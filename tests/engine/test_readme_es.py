"""README.es.md is the README's Spanish twin: the same two set-up commands, first, and a
section for each of the README's sections, so the two cannot drift apart unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP = ["make run", "make test"]


def _first_commands(readme: Path) -> list[str]:
    """The commands of the first fenced block, without their comments (translated)."""
    text = readme.read_text(encoding="utf-8")
    block = re.search(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    assert block is not None, f"{readme.name} has no code block"
    # nothing but the title and the opening sentence may come before the commands
    before = text[: block.start()]
    assert "\n## " not in before
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def _sections(readme: Path) -> list[str]:
    text = re.sub(r"^```.*?^```", "", readme.read_text(encoding="utf-8"), flags=re.S | re.M)
    return re.findall(r"^## (.+)$", text, re.M)


def test_both_readmes_open_with_the_same_two_set_up_commands() -> None:
    assert _first_commands(ROOT / "README.md") == SETUP
    assert _first_commands(ROOT / "README.es.md") == _first_commands(ROOT / "README.md")


def test_the_spanish_readme_has_a_section_for_each_section_of_the_readme() -> None:
    english, spanish = _sections(ROOT / "README.md"), _sections(ROOT / "README.es.md")
    assert len(spanish) == len(english), (english, spanish)


def test_each_readme_links_to_the_other_near_the_top() -> None:
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    spanish = (ROOT / "README.es.md").read_text(encoding="utf-8")
    assert "Leer en español: [README.es.md](README.es.md)" in english.split("\n## ", 1)[0]
    assert "[README.md](README.md)" in spanish.split("\n## ", 1)[0]
