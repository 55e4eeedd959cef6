"""What every stream command shares: the `--bootstrap-servers` flag and settings built from env + flags."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

from paymon_cli.errors import CommandError

if TYPE_CHECKING:
    from agents.settings import Settings

# Worker flags that override the Settings field of the same name when given.
_OVERRIDABLE = ("group_id", "batch_size", "batch_timeout", "metrics_host", "metrics_port")


def add_connection_flags(parser: argparse.ArgumentParser) -> None:
    """Add `--bootstrap-servers`, which overrides PAYMON_BOOTSTRAP_SERVERS for one command."""
    parser.add_argument(
        "--bootstrap-servers", help="host:port[,host:port] of the Kafka brokers (PAYMON_BOOTSTRAP_SERVERS)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """`Settings.from_env()` with the command's flags applied.

    Guarantees: any bad environment variable or flag value raises `CommandError` naming it;
    a `PAYMON_*` variable no setting reads is named in a warning on stderr; flags a command does
    not define are ignored."""
    from agents.settings import Settings, SettingsError, parse_bootstrap_servers

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc
    for name in settings.unread_variables:
        print(
            f"paymon: warning: {name} is set but no paymon setting reads it (a typo, or a setting "
            "this version removed): ignored",
            file=sys.stderr,
        )
    changes: dict[str, Any] = {}
    servers = getattr(args, "bootstrap_servers", None)
    if servers:
        try:
            changes["bootstrap_servers"] = parse_bootstrap_servers(servers)
        except ValueError as exc:
            raise CommandError(f"--bootstrap-servers {servers!r}: {exc}") from exc
    for flag in _OVERRIDABLE:
        value = getattr(args, flag, None)
        if value is not None:
            changes[flag] = value
    if changes.get("batch_size", 1) < 1:
        raise CommandError("--batch-size must be at least 1")
    if changes.get("batch_timeout", 1.0) <= 0:
        raise CommandError("--batch-timeout must be positive")
    if not 0 <= changes.get("metrics_port", 0) <= 65535:
        raise CommandError("--metrics-port must be between 0 and 65535")
    return dataclasses.replace(settings, **changes)
