"""Create paymon's six topics with the right shape, idempotently (`paymon topics create`).

Event topics (payments, alerts, screened, dead letters) get N partitions, the unit of parallelism
for workers. Reference topics (sanctions lists, ownership) are compacted, keyed by entry id / edge
id, with one partition: every worker reads them in full, and one partition keeps one total order
of updates. Existing topics are left alone; one whose shape differs is reported, never altered
(changing partitions would move keys between partitions under running consumers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from agents.settings import Settings

# Kafka protocol error codes (org.apache.kafka.common.protocol.Errors).
TOPIC_ALREADY_EXISTS = 36
UNKNOWN_TOPIC_OR_PARTITION = 3
COMPACTED: Mapping[str, str] = {"cleanup.policy": "compact"}
REFERENCE_PARTITIONS = 1
ADMIN_TIMEOUT_MS = 30_000

Outcome = Literal["created", "exists", "mismatch"]


class TopicError(RuntimeError):
    """The broker refused to create or describe a topic; the message names the topic and the reason."""


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """The shape a topic should have."""

    name: str
    partitions: int
    replication_factor: int
    configs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TopicResult:
    """What `ensure_topics` found or did for one topic; `problems` lists each mismatch."""

    name: str
    outcome: Outcome
    problems: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the terminal, e.g. "payments: created" or "ownership: MISMATCH (...)"."""
        if self.outcome == "mismatch":
            return f"{self.name}: MISMATCH ({'; '.join(self.problems)})"
        return f"{self.name}: {'created' if self.outcome == 'created' else 'exists, as expected'}"


def topic_specs(settings: Settings, partitions: int | None = None) -> list[TopicSpec]:
    """The six topics named by `settings`: event topics with `partitions` (default
    `settings.partitions`), reference topics compacted with one partition."""
    count = settings.partitions if partitions is None else partitions
    if count < 1:
        raise ValueError(f"partitions must be >= 1, got {count}")
    replicas = settings.replication_factor
    topics = settings.topics
    events = [topics.payments, topics.alerts, topics.screened, topics.dlq]
    reference = [topics.lists, topics.ownership]
    return [TopicSpec(name, count, replicas) for name in events] + [
        TopicSpec(name, REFERENCE_PARTITIONS, replicas, dict(COMPACTED)) for name in reference
    ]


async def ensure_topics(settings: Settings, specs: Sequence[TopicSpec]) -> list[TopicResult]:
    """Create each missing topic of `specs`; check existing ones against their spec.

    Never alters an existing topic. Returns one result per spec, in order. Raises `TopicError` when
    the broker refuses a creation for another reason than "already exists" (e.g. a replication
    factor above the broker count).
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(request_timeout_ms=ADMIN_TIMEOUT_MS, **settings.aiokafka_kwargs())
    await admin.start()
    try:
        response = await admin.create_topics(
            [
                NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=dict(s.configs))
                for s in specs
            ],
            timeout_ms=ADMIN_TIMEOUT_MS,
        )
        errors = {topic: (code, message) for topic, code, message in response.topic_errors}
        existing = []
        created: set[str] = set()
        for spec in specs:
            code, message = errors.get(spec.name, (0, None))
            if code == 0:
                created.add(spec.name)
            elif code == TOPIC_ALREADY_EXISTS:
                existing.append(spec)
            else:
                raise TopicError(f"topic {spec.name!r}: broker refused creation (error {code}): {message}")
        found = await _describe(admin, existing) if existing else {}
    finally:
        await admin.close()
    return [
        TopicResult(spec.name, "created") if spec.name in created else _compare(spec, *found[spec.name])
        for spec in specs
    ]


async def topic_partitions(settings: Settings, topic: str) -> list[int]:
    """The partition numbers of `topic`, sorted; raises `LookupError` naming it when it does not exist.

    Asks the admin API, because a consumer only keeps metadata of the topics it subscribed to.
    """
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(request_timeout_ms=ADMIN_TIMEOUT_MS, **settings.aiokafka_kwargs())
    await admin.start()
    try:
        [found] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if found["error_code"] == UNKNOWN_TOPIC_OR_PARTITION:
        raise LookupError(f"topic {topic!r} does not exist (create it with `paymon topics create`)")
    if found["error_code"] != 0:
        raise TopicError(f"topic {topic!r}: cannot describe (error {found['error_code']})")
    return sorted(p["partition"] for p in found["partitions"])


async def _describe(admin: Any, specs: Sequence[TopicSpec]) -> dict[str, tuple[int, int, dict[str, str]]]:
    """Partition count, replication factor and configs of each existing topic."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    names = [spec.name for spec in specs]
    shapes: dict[str, tuple[int, int]] = {}
    for topic in await admin.describe_topics(names):
        if topic["error_code"] != 0:
            raise TopicError(f"topic {topic['topic']!r}: cannot describe (error {topic['error_code']})")
        partitions = topic["partitions"]
        replicas = len(partitions[0]["replicas"]) if partitions else 0
        shapes[topic["topic"]] = (len(partitions), replicas)
    configs: dict[str, dict[str, str]] = {}
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    )
    for response in responses:
        # (error_code, error_message, resource_type, resource_name, config_entries)
        for error_code, error_message, _type, name, entries in response.resources:
            if error_code != 0:
                raise TopicError(f"topic {name!r}: cannot read its configuration: {error_message}")
            # entries: (name, value, read_only, source, is_sensitive, synonyms)
            configs[name] = {entry[0]: entry[1] for entry in entries}
    return {name: (*shapes[name], configs.get(name, {})) for name in names}


def _compare(spec: TopicSpec, partitions: int, replicas: int, configs: Mapping[str, str]) -> TopicResult:
    problems = []
    if partitions != spec.partitions:
        problems.append(f"{partitions} partitions, expected {spec.partitions}")
    if replicas != spec.replication_factor:
        problems.append(f"replication factor {replicas}, expected {spec.replication_factor}")
    for key, wanted in spec.configs.items():
        actual = configs.get(key)
        if actual != wanted:
            problems.append(f"{key}={actual}, expected {wanted}")
    if not spec.configs.get("cleanup.policy") and "compact" in configs.get("cleanup.policy", ""):
        problems.append(f"cleanup.policy={configs['cleanup.policy']}, expected delete")
    return TopicResult(spec.name, "mismatch" if problems else "exists", tuple(problems))
