"""``python -m forcecalc``."""

import sys

from forcecalc.cli import main

sys.exit(main())
