"""``python -m fastsexpr``: the same as the ``fastsexpr`` command."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
