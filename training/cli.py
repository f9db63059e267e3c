"""The command lines' shared argument parser: a bad flag or input is one line and exit code 2, no usage dump."""
from __future__ import annotations

import argparse
import sys


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors (its own, and every `p.error(...)` a command raises) print `<name>: <message>`
    on stderr and exit with code 2."""

    def __init__(self, name: str, **kwargs):
        super().__init__(**kwargs)
        self.error_name = name

    def error(self, message: str):
        print(f"{self.error_name}: {message}", file=sys.stderr)
        sys.exit(2)
