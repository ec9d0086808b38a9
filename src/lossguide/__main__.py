"""``python -m lossguide``: see :mod:`lossguide.cli`."""

import sys

from lossguide.cli import main

sys.exit(main())
