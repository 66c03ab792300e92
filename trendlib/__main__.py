import sys

from trendlib.cli import main

sys.exit(main())
