"""Entry point of the `paymon` command.

Each command group lives in its own module exposing `register(subparsers)`; stream commands
import faust/aiokafka lazily so offline commands start fast and work without a broker.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from paymon_cli.errors import CommandError

# Modules that add sub-commands; each defines `register(subparsers) -> None`.
COMMAND_MODULES = (
    "paymon_cli.offline",  # screen, match, compare
    "paymon_cli.kafka_tools",  # topics create, replay, alerts tail
    "paymon_cli.worker",  # worker, lists publish, ownership publish
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="paymon", description="Sanctions screening for payments.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `paymon` command; returns the process exit status (0 success, 2 usage/input error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except CommandError as exc:
        print(f"paymon: error: {exc}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
