"""What the tests share: picture and library builders, the isolated user (trash, undo log),
child processes that move files, and the window tests' removal steps.

Imported as `from tests.helpers.images import photo` (or `from tests.helpers import images`),
never by putting a folder on sys.path. Only `removal_support` (the window tests' steps)
imports Qt, so the headless run of tests/engine can use every other helper.
"""
