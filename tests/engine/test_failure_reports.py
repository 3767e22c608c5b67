"""tests/conftest.py: a failure whose source CPython cannot parse (gh-106905, 3.11 before
3.11.8) is still reported as a failure, and the run goes on. Each run is a subprocess:
its conftest breaks the parser of the process it runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

CONFTEST = Path(__file__).parents[1] / "conftest.py"

# What CPython's bug does, where it does it: pytest parses a failing test's source with
# ast.parse(text, "source", "exec") to show it (assertion rewriting names the real file).
BROKEN_PARSER = """
import ast

real_parse = ast.parse

def parse(source, filename="<unknown>", *args, **kwargs):
    if filename == "source":
        raise SystemError("AST constructor recursion depth mismatch (before=129, after=177)")
    return real_parse(source, filename, *args, **kwargs)

ast.parse = parse
"""


@pytest.mark.parametrize("where", ["call", "setup"])
def test_a_failure_pytest_cannot_show_with_source_is_still_reported(
    pytester: pytest.Pytester, where: str
) -> None:
    pytester.makeconftest(CONFTEST.read_text() + BROKEN_PARSER)
    pytester.makepyfile(
        test_sample=f"""
        import pytest

        @pytest.fixture
        def thing():
            if {where == "setup"!r}:
                raise ValueError("setup went wrong")

        def test_fails(thing):
            assert 1 + 1 == 3, "sums went wrong"

        def test_after_it():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    if where == "call":
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(["*AssertionError: sums went wrong*"])
    else:
        result.assert_outcomes(passed=1, errors=1)
        result.stdout.fnmatch_lines(["*ValueError: setup went wrong*"])
    result.stdout.fnmatch_lines(["*test_sample.py:*", "*source not shown*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_without_the_hook_the_same_failure_stops_the_run(pytester: pytest.Pytester) -> None:
    """The broken parser above does what CPython's bug does: without tests/conftest.py's
    hook the run stops with an INTERNALERROR (so the test above can fail)."""
    pytester.makeconftest(BROKEN_PARSER)
    pytester.makepyfile(test_sample="def test_fails():\n    assert False\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert "INTERNALERROR" in result.stdout.str() + result.stderr.str()
