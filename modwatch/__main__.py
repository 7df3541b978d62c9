"""``python -m modwatch COMMAND ...``: the same command line as the ``modwatch`` console script.

The commands live in the root package ``cli/`` (they run crawls, so they sit above the library);
this module only starts them.
"""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
