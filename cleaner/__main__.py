"""`python -m cleaner`: the command line only (`photosift COMMAND ...`). The window is
started by the `photosift` program without a command (ui/launch.py), never from here."""

import sys

from cleaner.cli import main

sys.exit(main())
