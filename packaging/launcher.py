"""Entry script of the frozen build: exactly ``python -m desktop_app``.

A separate file (rather than desktop_app/__main__.py itself) so PyInstaller does not put the
desktop_app folder on the module search path and import its sub-packages a second time as
top-level modules.
"""

import sys

from desktop_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
