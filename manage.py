#!/usr/bin/env python
"""Django's command-line utility; `thegither` does the same."""

import sys

from thegither.cli import main

if __name__ == "__main__":
    sys.exit(main())
