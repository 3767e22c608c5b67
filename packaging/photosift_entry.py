"""Entry script of the frozen app (PyInstaller): the same as the `photosift` command
(`ui.launch`: the window without a command, the command line with one)."""

import multiprocessing
import sys

from ui.launch import main

if __name__ == "__main__":
    # A scan can run in worker processes; frozen apps need this before anything else.
    multiprocessing.freeze_support()
    sys.exit(main())
