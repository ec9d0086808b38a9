"""The command line: ``python -m lossguide explain``.

    python -m lossguide explain "RuntimeError: Target 7 is out of bounds."
    python train.py 2>&1 | python -m lossguide explain      (a traceback on stdin)
    python -m lossguide explain --all "..."                  (every entry that fits)

Prints the entry of the site's error index that best explains the message: its heading, the
cause, the fix, the finding code of :func:`lossguide.diagnose` and the entry's address. Exit
status 0 when an entry fits, 1 when none does, 2 when the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lossguide.error_index import explain

__all__ = ["main"]

NOTHING_FOUND = "No entry of the lossguide error index explains this message."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lossguide",
        description="Explain a PyTorch loss error with the lossguide error index.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    explain_command = commands.add_parser(
        "explain",
        help="explain an error message or a traceback",
        description="Print the error index entry that explains MESSAGE: its cause, its fix and "
        "its address. Without MESSAGE (or with -), read a message or a whole traceback from "
        "standard input. Exit status 1 when no entry fits.",
    )
    explain_command.add_argument(
        "message", nargs="*", metavar="MESSAGE", help="the message; its words may be separate"
    )
    explain_command.add_argument(
        "--all", action="store_true", help="print every entry that fits, best first"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.message and arguments.message != ["-"]:
        text = " ".join(arguments.message)
    elif sys.stdin is None or sys.stdin.isatty():
        parser.error("give the message as an argument, or pipe a traceback into standard input")
    else:
        text = sys.stdin.read()
    found = explain(text)
    if not found:
        print(NOTHING_FOUND, file=sys.stderr)
        return 1
    shown = found if arguments.all else found[:1]
    print("\n\n".join(str(explanation) for explanation in shown))
    if len(found) > len(shown):
        others = len(found) - len(shown)
        print(f"\n({others} more {'entry fits' if others == 1 else 'entries fit'}: --all)")
    return 0
