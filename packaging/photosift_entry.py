"""Entry script of the frozen app (PyInstaller): the same as the `photosift` command."""

import multiprocessing
import sys

from cleaner.cli import main

if __name__ == "__main__":
    # A scan can run in worker processes; frozen apps need this before anything else.
    multiprocessing.freeze_support()
    sys.exit(main())
