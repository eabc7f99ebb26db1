#!/usr/bin/env python3
"""Generate, send or preview the daily briefing. Run with --help for the commands."""

import sys

from briefing.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
