"""Moved to techmap.service.views; this name stays an alias of it (the same module object) for
code written before the move."""

import sys

from techmap.service import views

sys.modules[__name__] = views
