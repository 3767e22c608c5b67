"""What the tests share: picture and library builders, the isolated user (trash, undo log),
child processes that move files, and the window tests' removal steps.

Imported as `from tests.helpers.images import photo` (or `from tests.helpers import images`);
the engine's helpers never import Qt, so the headless run of tests/engine can use them.
"""
