"""The ``forcecalc`` command: argument parsing per command group, shared options and exit
codes, progress on the terminal. Parses, calls the library, renders; never imports the app.
"""

from forcecalc.cli.command import main

__all__ = ["main"]
