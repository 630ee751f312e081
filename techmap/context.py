"""Moved to techmap.service.context; this name stays an alias of it (the same module object, so
monkeypatching either patches both) for code written before the move."""

import sys

from techmap.service import context

sys.modules[__name__] = context
