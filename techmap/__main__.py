import sys

from techmap.cli import main

sys.exit(main())
