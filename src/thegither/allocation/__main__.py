"""Let ``python -m thegither.allocation FILE.pb --rule ...`` run the command line."""

import sys

from thegither.allocation.cli import main

if __name__ == "__main__":
    sys.exit(main())
