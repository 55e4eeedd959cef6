"""`paymon topics create` against the real broker: shapes, compaction, idempotence, mismatches."""

from __future__ import annotations

import pytest

from agents.settings import Settings
from agents.topics import TopicResult, ensure_topics, topic_partitions, topic_specs
from paymon_cli.main import main
from tests.integration.kafka_support import create_topic


async def _shape(settings: Settings, name: str) -> tuple[int, str]:
    """(partition count, cleanup.policy) of an existing topic, read back from the broker."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(**settings.aiokafka_kwargs())
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        [(_, _, _, _, entries)] = response.resources
        policy = {entry[0]: entry[1] for entry in entries}["cleanup.policy"]
    finally:
        await admin.close()
    return len(await topic_partitions(settings, name)), policy


async def test_create_gives_the_expected_shapes_and_is_idempotent(unique_settings: Settings) -> None:
    settings = unique_settings
    specs = topic_specs(settings, partitions=3)
    first = await ensure_topics(settings, specs)
    assert [r.outcome for r in first] == ["created"] * 6
    topics = settings.topics
    for name in (topics.payments, topics.alerts, topics.screened, topics.dlq):
        assert await _shape(settings, name) == (3, "delete")
    for name in (topics.lists, topics.ownership):
        assert await _shape(settings, name) == (1, "compact")

    again = await ensure_topics(settings, specs)
    assert again == [TopicResult(spec.name, "exists") for spec in specs]


async def test_a_different_shape_is_reported_not_changed(unique_settings: Settings) -> None:
    settings = unique_settings
    # Someone created the lists topic by hand, not compacted, and payments with 2 partitions.
    await create_topic(settings, settings.topics.lists, partitions=1)
    await create_topic(settings, settings.topics.payments, partitions=2)
    results = {r.name: r for r in await ensure_topics(settings, topic_specs(settings, partitions=3))}
    lists = results[settings.topics.lists]
    assert lists.outcome == "mismatch"
    assert lists.problems == ("cleanup.policy=delete, expected compact",)
    payments = results[settings.topics.payments]
    assert payments.outcome == "mismatch"
    assert payments.problems == ("2 partitions, expected 3",)
    assert "MISMATCH (2 partitions, expected 3)" in payments.describe()
    assert results[settings.topics.ownership].outcome == "created"
    # Nothing was altered.
    assert await _shape(settings, settings.topics.lists) == (1, "delete")
    assert await _shape(settings, settings.topics.payments) == (2, "delete")


def test_command_line_exit_status(
    unique_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", unique_settings.bootstrap)
    for variable, name in zip(
        (
            "PAYMON_TOPIC_PAYMENTS",
            "PAYMON_TOPIC_ALERTS",
            "PAYMON_TOPIC_SCREENED",
            "PAYMON_TOPIC_DLQ",
            "PAYMON_TOPIC_LISTS",
            "PAYMON_TOPIC_OWNERSHIP",
        ),
        unique_settings.topics.all(),
        strict=True,
    ):
        monkeypatch.setenv(variable, name)
    assert main(["topics", "create", "--partitions", "2"]) == 0
    created = capsys.readouterr().out
    assert created.count(": created") == 6
    assert main(["topics", "create", "--partitions", "2"]) == 0
    assert capsys.readouterr().out.count(": exists, as expected") == 6
    assert main(["topics", "create", "--partitions", "5"]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("MISMATCH (2 partitions, expected 5)") == 4
    assert "4 topic(s) differ" in captured.err
    assert main(["topics", "create", "--partitions", "0"]) == 2


def test_unreachable_broker_is_a_clear_failure(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["topics", "create", "--bootstrap-servers", f"127.0.0.1:{port}"]) == 1
    assert f"Kafka at 127.0.0.1:{port}" in capsys.readouterr().err
