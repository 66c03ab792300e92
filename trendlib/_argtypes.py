"""argparse types shared by the command modules (so no command module imports ``trendlib.cli``)."""
from __future__ import annotations

import argparse

__all__ = ["positive_int", "seconds"]


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1, with a message naming the bad value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return value


def seconds(text: str) -> float:
    """argparse type: a number of seconds >= 0 (finite), with a message naming the bad value."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds >= 0")
    return value
