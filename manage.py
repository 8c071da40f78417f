#!/usr/bin/env python
"""Django's manage.py, for those who expect one; `qicop <command>` does the same."""

import sys

from qicop.cli import main

if __name__ == "__main__":
    sys.exit(main())
