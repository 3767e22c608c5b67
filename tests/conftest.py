"""What every test run needs, engine and window alike (no Qt here: the headless run
loads this file too)."""

from __future__ import annotations

import traceback
from collections.abc import Generator

import pytest

AST_DEPTH_BUG = "AST constructor recursion depth mismatch"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test's report, even when CPython 3.11 before 3.11.8 cannot parse its
    source: that converter shares its depth counter between threads (CPython gh-106905),
    so a library thread (a Dask scheduler, say) formatting a traceback while pytest shows
    a failure made pytest stop the whole run with an INTERNALERROR that hid which test
    failed and why. Here the report is built again; if the bug strikes again, the failure
    is shown without source lines, but shown, and the run goes on."""
    try:
        return (yield)
    except SystemError as exc:
        if AST_DEPTH_BUG not in str(exc):
            raise
    try:
        return pytest.TestReport.from_item_and_call(item, call)
    except SystemError as exc:
        if AST_DEPTH_BUG not in str(exc):
            raise
    report = pytest.TestReport.from_item_and_call(_Plain(item), call)  # type: ignore[arg-type]
    return report


class _Plain:
    """`item` whose failures are shown as file:line lines and the exception, no source."""

    def __init__(self, item: pytest.Item) -> None:
        self._item = item

    def __getattr__(self, name: str) -> object:
        return getattr(self._item, name)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:
        frames = traceback.extract_tb(excinfo.tb)
        lines = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
        return "\n".join([*lines, excinfo.exconly(), f"(source not shown: {AST_DEPTH_BUG})"])

    def _repr_failure_py(self, excinfo: pytest.ExceptionInfo[BaseException], style: str) -> str:
        return self.repr_failure(excinfo)  # a fixture's setup or teardown failed
