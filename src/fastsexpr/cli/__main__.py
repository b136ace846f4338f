"""``python -m fastsexpr.cli``: the same as the ``fastsexpr`` command."""
import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
