"""`paymon worker`, `paymon lists publish`, `paymon ownership publish`: the stream side's own commands.

Settings come from the `PAYMON_*` environment (see `agents.settings`); the flags here override
the few that differ per run. faust and aiokafka are imported inside the handlers so offline
commands start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paymon_cli.connection import add_connection_flags, settings_from
from paymon_cli.errors import CommandError

if TYPE_CHECKING:
    import faust

    from agents.publish import PublishResult
    from agents.publish_protocol import ReferenceKind

log = logging.getLogger("paymon_cli.worker")


def register(subparsers: Any) -> None:
    """Add `worker`, `lists publish` and `ownership publish` to the `paymon` parser."""
    worker = subparsers.add_parser(
        "worker",
        help="run one screening worker (several share the payments partitions: same --group-id)",
        description=(
            "Run one faust worker: load the sanctions lists and ownership topics, then screen the "
            "payments topic. Settings from PAYMON_* variables; flags override them."
        ),
    )
    add_connection_flags(worker)
    worker.add_argument(
        "--group-id", help="consumer group id (PAYMON_GROUP_ID); workers sharing it split the work"
    )
    worker.add_argument("--batch-size", type=int, help="payments per batch (PAYMON_BATCH_SIZE)")
    worker.add_argument(
        "--batch-timeout", type=float, help="seconds to wait to fill a batch (PAYMON_BATCH_TIMEOUT)"
    )
    worker.add_argument(
        "--metrics-host", help="metrics bind address (PAYMON_METRICS_HOST, default 127.0.0.1)"
    )
    worker.add_argument(
        "--metrics-port", type=int, help="metrics port (PAYMON_METRICS_PORT); 0 picks a free one"
    )
    worker.add_argument("--no-metrics", action="store_true", help="serve no metrics endpoint")
    worker.add_argument(
        "--log-level",
        default="warning",
        choices=("debug", "info", "warning", "error"),
        help="faust's log level",
    )
    worker.set_defaults(handler=run_worker)

    lists_update_help = (
        "the PATHs add to / replace records already published (e.g. ofac-sdn-2024-09-update "
        "on top of ofac-sdn-2024-05-03): remove nothing. Without it the PATHs are the complete "
        "new set. Rows of an update that refer to records it does not contain (OFAC alt/add "
        "rows of older entries) are skipped with a warning: to attach them, publish base and "
        "update together without --update (only the changed records are written)."
    )
    ownership_update_help = (
        "the PATHs add edges to / replace edges already published (same owner -> asset): "
        "remove nothing. Without it the PATHs are the complete new ownership table."
    )
    for group, what, kind, default_topic, update_help in (
        ("lists", "sanctions list entries", "lists", "sanctions-lists", lists_update_help),
        ("ownership", "ownership edges", "ownership", "ownership", ownership_update_help),
    ):
        parser = subparsers.add_parser(group, help=f"manage the {what} on their Kafka topic")
        sub = parser.add_subparsers(dest=f"{group}_command", required=True, metavar="COMMAND")
        publish = sub.add_parser(
            "publish",
            help=f"publish {what} (only the changes) to the compacted topic",
            description=(
                f"Load {what} from PATHs (later PATHs update earlier ones), compare them with what the "
                "topic holds and write only the difference as one publish that workers apply whole: "
                "new and changed records keyed by id and, unless --update, a tombstone for every "
                "record the topic holds that the new set lacks. Prints: N new, M changed, K removed, "
                "U unchanged."
            ),
        )
        publish.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        publish.add_argument(
            "--update",
            "--no-delete",
            dest="update",
            action="store_true",
            help=update_help,
        )
        publish.add_argument("--dry-run", action="store_true", help="print the summary, write nothing")
        publish.add_argument(
            "--topic", help=f"topic to publish to (default PAYMON_TOPIC_{group.upper()}, '{default_topic}')"
        )
        add_connection_flags(publish)
        publish.set_defaults(handler=publish_lists if kind == "lists" else publish_ownership)


def run_worker(args: argparse.Namespace) -> int:
    """Run one worker until SIGINT/SIGTERM; returns its exit status."""
    from prometheus_client import CollectorRegistry

    from agents.app import build_app
    from agents.heap import settle_reference_heap
    from agents.metrics import MetricsServer, PaymonMetrics, serve_metrics

    settings = settings_from(args)
    logging.getLogger("agents").setLevel(logging.INFO)
    metrics: PaymonMetrics | None = None
    server: MetricsServer | None = None
    if not args.no_metrics:
        metrics = PaymonMetrics(CollectorRegistry())
        try:
            server = serve_metrics(metrics, settings.metrics_host, settings.metrics_port)
        except OSError as exc:
            raise CommandError(
                f"cannot serve metrics on {settings.metrics_host}:{settings.metrics_port}: {exc}"
            ) from exc
    paymon = build_app(settings, metrics=metrics)

    def announce(state: Any, snapshot: Any) -> None:
        print(
            f"paymon worker: screening with {len(snapshot.lists)} list entries, "
            f"{len(snapshot.edges)} ownership edges, list_version {state.list_version}",
            flush=True,
        )

    paymon.reference.on_installed(announce)
    paymon.reference.on_installed(settle_reference_heap)
    where = f"http://{server.host}:{server.port}/metrics" if server is not None else "off"
    print(
        f"paymon worker: group {settings.group_id}, brokers {settings.bootstrap}, "
        f"payments topic {settings.topics.payments}, metrics {where}",
        flush=True,
    )
    worker = _quiet_worker_class()(paymon.app, loglevel=args.log_level, quiet=True, redirect_stdouts=False)
    # No terminal spinner: to spin on every log line faust sets the root logger to DEBUG, which
    # made aiokafka and faust build three debug log records per payment (a profile's top cost).
    worker.spinner = None
    try:
        worker.execute_from_commandline()  # runs until SIGINT/SIGTERM, then raises SystemExit
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        if server is not None:
            server.close()


def _quiet_worker_class() -> type[faust.Worker]:
    import faust

    from agents.logging_limits import install_repeat_filter

    class QuietWorker(faust.Worker):
        """A faust worker whose log handlers pass each distinct WARNING/ERROR once per interval:
        a broker outage made the Kafka client log ~145 identical ERROR lines a second."""

        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            install_repeat_filter(logger)

    return QuietWorker


def _check_paths(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")


def _same_when_decoded(decode: Callable[[bytes], object]) -> Callable[[bytes, bytes], bool]:
    """Records are the same when their bytes are, or when they decode to equal values."""

    def same(old: bytes, new: bytes) -> bool:
        if old == new:
            return True
        try:
            return bool(decode(old) == decode(new))
        except Exception:  # an undecodable stored record is never the same
            return False

    return same


def _publish_difference(
    args: argparse.Namespace,
    kind: ReferenceKind,
    desired: dict[str, bytes],
    *,
    decode: Callable[[bytes], object],
    sources: list[str],
    what: str,
) -> int:
    """Publish `desired` against the topic's current state and print the summary line.

    Guarantees: an empty replace publish (which would tombstone everything) is refused; a broker
    failure is a CommandError naming the brokers."""
    from aiokafka.errors import KafkaError

    from agents.publish import publish_records

    if not desired and not args.update:
        # Publishing an empty set would tombstone every record: surely a wrong path.
        paths = ", ".join(map(str, args.paths))
        raise CommandError(f"no {what} found in {paths}: refusing to empty the topic")
    settings = settings_from(args)
    topic = args.topic or (settings.topics.lists if kind == "lists" else settings.topics.ownership)
    try:
        result: PublishResult = asyncio.run(
            publish_records(
                settings,
                topic,
                kind,
                desired,
                new_sources=sources,
                same=_same_when_decoded(decode),
                mode="update" if args.update else "replace",
                dry_run=args.dry_run,
            )
        )
    except (KafkaError, OSError) as exc:  # before RuntimeError: some KafkaErrors are RuntimeErrors
        raise CommandError(f"Kafka at {settings.bootstrap} failed: {type(exc).__name__}: {exc}") from exc
    except RuntimeError as exc:
        raise CommandError(str(exc)) from exc
    print(result.summary(f"{kind} {', '.join(sources)}"))
    return 0


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"paymon: warning: {warning}", file=sys.stderr)


def publish_lists(args: argparse.Namespace) -> int:
    """`paymon lists publish`: load the lists, publish the difference, print the summary."""
    from screening.lists import ListLoadError, decode_entry, encode_entry, load_lists

    _check_paths(args.paths)
    try:
        loaded = load_lists(list(args.paths))
    except ListLoadError as exc:
        raise CommandError(str(exc)) from exc
    _print_warnings(list(loaded.warnings))
    desired = {entry_id: encode_entry(entry) for entry_id, entry in loaded.entries.items()}
    return _publish_difference(
        args, "lists", desired, decode=decode_entry, sources=list(loaded.sources), what="list entries"
    )


def publish_ownership(args: argparse.Namespace) -> int:
    """`paymon ownership publish`: load the ownership edges, publish the difference, print the summary."""
    from screening.ownership import OwnershipLoadError, decode_edge, encode_edge, load_ownership

    _check_paths(args.paths)
    try:
        graph = load_ownership(list(args.paths))
    except OwnershipLoadError as exc:
        raise CommandError(str(exc)) from exc
    _print_warnings(list(graph.warnings))
    desired = {edge.edge_id: encode_edge(edge) for edge in graph.edges()}
    return _publish_difference(
        args,
        "ownership",
        desired,
        decode=decode_edge,
        sources=[path.name for path in args.paths],
        what="ownership edges",
    )
