"""Entry point frozen into the bundle: the same start-up as the ``scholar-desk`` script."""

import sys

from scholar_desk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
