"""`paymon topics create`, `paymon replay`, `paymon alerts tail`: the Kafka operator's commands.

Settings come from `PAYMON_*` variables (`agents.settings`); `--bootstrap-servers` overrides the
broker address. aiokafka is imported inside the handlers so offline commands start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paymon_cli.connection import add_connection_flags, settings_from
from paymon_cli.main import CommandError

if TYPE_CHECKING:
    from agents.settings import Settings
    from agents.tail import TailedRecord

# Exit status when the broker cannot be reached or refuses an operation (2 stays "bad usage").
EXIT_KAFKA_FAILURE = 1


def register(subparsers: Any) -> None:
    """Add `topics create`, `replay` and `alerts tail` to the `paymon` parser."""
    topics = subparsers.add_parser("topics", help="manage paymon's Kafka topics")
    topics_sub = topics.add_subparsers(dest="topics_command", required=True, metavar="COMMAND")
    create = topics_sub.add_parser(
        "create",
        help="create the six paymon topics (idempotent)",
        description=(
            "Create payments, alerts, screened and dead-letter topics with N partitions, and the "
            "sanctions-lists and ownership topics compacted with one partition. Existing topics are "
            "kept; one whose partitions, replication or cleanup policy differ is reported (exit 1)."
        ),
    )
    create.add_argument(
        "--partitions", type=int, help="partitions of the event topics (PAYMON_PARTITIONS, 4)"
    )
    add_connection_flags(create)
    create.set_defaults(handler=run_topics_create)

    replay = subparsers.add_parser(
        "replay",
        help="send payment events from files, or from a topic's past, to a topic",
        description=(
            "Send payment events keyed by payment_id. From PATHs (JSON Lines or pacs.008 XML files, or "
            "folders of them): each line is sent as it is unless --validate. From --from-topic T "
            "--since TIME: re-read T from that time to its current end and send the records again, so "
            "past payments are screened against today's lists. Prints: sent N, rejected M."
        ),
    )
    replay.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders to replay")
    replay.add_argument("--topic", help="destination topic (default PAYMON_TOPIC_PAYMENTS, 'payments')")
    replay.add_argument(
        "--rate", default="0", help="events per second, e.g. 200 or 200/s; 0 = as fast as possible"
    )
    replay.add_argument(
        "--format",
        dest="input_format",
        choices=("auto", "jsonl", "pacs008"),
        default="auto",
        help="input format (auto: .xml = pacs.008, else JSON Lines)",
    )
    replay.add_argument(
        "--validate",
        action="store_true",
        help="send only valid payment events; report the others as rejected",
    )
    replay.add_argument("--from-topic", metavar="TOPIC", help="re-read this topic instead of files")
    replay.add_argument(
        "--since", metavar="TIME", help="with --from-topic: RFC 3339 time or look-back (2h, 30m, 7d)"
    )
    replay.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    add_connection_flags(replay)
    replay.set_defaults(handler=run_replay)

    alerts = subparsers.add_parser("alerts", help="look at the alerts topic")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="COMMAND")
    tail = alerts_sub.add_parser(
        "tail",
        help="print alerts as they arrive",
        description=(
            "Print one line per alert (payment id, hits: role, entry id, name, score, reason, and the "
            "authorities listing the entry with its programmes, e.g. [eu, uk: EU-UKR, GB-RUS]), or raw JSON."
        ),
    )
    tail.add_argument("--json", action="store_true", help="print each alert's JSON as it is on the topic")
    tail.add_argument(
        "--from-beginning", action="store_true", help="start at the oldest alert, not the newest"
    )
    tail.add_argument("--max", type=int, dest="max_alerts", metavar="N", help="stop after N alerts")
    tail.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds without a new alert")
    tail.add_argument("--topic", help="topic to read (default PAYMON_TOPIC_ALERTS, 'sanctions-alerts')")
    add_connection_flags(tail)
    tail.set_defaults(handler=run_alerts_tail)


def _kafka_failure(settings: Settings, exc: Exception) -> int:
    print(f"paymon: error: Kafka at {settings.bootstrap}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return EXIT_KAFKA_FAILURE


def run_topics_create(args: argparse.Namespace) -> int:
    """Create the topics; exit 0 when all exist as specified, 1 on a mismatch or broker failure."""
    from aiokafka.errors import KafkaError

    from agents.topics import TopicError, ensure_topics, topic_specs

    if args.partitions is not None and args.partitions < 1:
        raise CommandError(f"--partitions {args.partitions}: must be at least 1")
    settings = settings_from(args)
    try:
        results = asyncio.run(ensure_topics(settings, topic_specs(settings, args.partitions)))
    except (KafkaError, TopicError, OSError) as exc:
        return _kafka_failure(settings, exc)
    for result in results:
        print(result.describe())
    mismatches = [r.name for r in results if r.outcome == "mismatch"]
    if mismatches:
        print(
            f"paymon: {len(mismatches)} topic(s) differ from the expected shape: {', '.join(mismatches)}",
            file=sys.stderr,
        )
        return 1
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """Replay files or a topic's past; prints the summary line 'sent N, rejected M' on stdout."""
    from aiokafka.errors import KafkaError

    from agents.replay import (
        Rejection,
        ReplayInputError,
        expand_inputs,
        parse_rate,
        parse_since,
        replay_files,
        replay_topic,
    )

    settings = settings_from(args)
    topic = args.topic or settings.topics.payments
    progress = sys.stderr.isatty() if args.progress is None else args.progress

    def report(rejection: Rejection) -> None:
        print(f"rejected {rejection.where}: {rejection.error}", file=sys.stderr)

    try:
        rate = parse_rate(args.rate)
        if args.from_topic:
            if args.paths:
                raise CommandError("give either PATHs or --from-topic, not both")
            if not args.since:
                raise CommandError("--from-topic needs --since TIME (RFC 3339 or a look-back like 2h)")
            if args.validate:
                raise CommandError("--validate applies to files only")
            since = parse_since(args.since)
            job = replay_topic(
                settings, source=args.from_topic, since=since, topic=topic, rate=rate, progress=progress
            )
        else:
            if args.since:
                raise CommandError("--since needs --from-topic")
            expand_inputs(args.paths, args.input_format)  # bad paths fail here, before connecting
            job = replay_files(
                settings,
                args.paths,
                topic=topic,
                fmt=args.input_format,
                rate=rate,
                validate=args.validate,
                progress=progress,
                on_rejection=report,
            )
    except ReplayInputError as exc:
        raise CommandError(str(exc)) from exc
    try:
        summary = asyncio.run(job)
    except ReplayInputError as exc:  # e.g. --from-topic names a topic the broker lacks
        raise CommandError(str(exc)) from exc
    except (KafkaError, OSError) as exc:
        return _kafka_failure(settings, exc)
    print(summary.line())
    return 0


def run_alerts_tail(args: argparse.Namespace) -> int:
    """Print alerts until --max or --timeout (or Ctrl-C); exit 0, or 1 if the topic is missing."""
    from aiokafka.errors import KafkaError

    from agents.tail import format_decision, tail_alerts

    if args.max_alerts is not None and args.max_alerts < 1:
        raise CommandError(f"--max {args.max_alerts}: must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError(f"--timeout {args.timeout}: must be a positive number of seconds")
    settings = settings_from(args)

    def show(record: TailedRecord) -> None:
        if args.json:
            print(record.raw.decode("utf-8", "replace"), flush=True)
        elif record.decision is not None:
            print(format_decision(record.decision), flush=True)
        else:
            print(
                f"undecodable record at partition {record.partition} offset {record.offset}: {record.error}",
                file=sys.stderr,
                flush=True,
            )

    try:
        asyncio.run(
            tail_alerts(
                settings,
                show,
                topic=args.topic,
                from_beginning=args.from_beginning,
                max_alerts=args.max_alerts,
                idle_timeout=args.timeout,
            )
        )
    except KeyboardInterrupt:
        return 0
    except LookupError as exc:
        print(f"paymon: error: {exc}", file=sys.stderr)
        return EXIT_KAFKA_FAILURE
    except (KafkaError, OSError) as exc:
        return _kafka_failure(settings, exc)
    return 0
