"""The payments agent: payment bytes -> screen -> decisions, alerts and dead letters.

The agent is a thin pipeline. It waits until the reference data is loaded (fail-closed), takes
payments in batches (`stream.take_events`, so the Kafka position of each message is at hand for
the dead-letter record), decodes and screens a whole batch (a small one: its screening is the
longest the event loop is busy; faust's consumer heartbeats and fetches in a thread of its own),
and queues every decision for `payments-screened`, alerts also for `sanctions-alerts`, every
payment it cannot decide for `payments-dlq` with its reason. While the broker acknowledges one
batch's outputs the next batch is already being screened: a confirmer task waits for the
acknowledgements, batch by batch in the order they were taken, and only then marks the batch's
input offsets done (at-least-once; the deterministic `alert_id` lets consumers drop the
duplicates a redelivery can cause). Failures are per record: whatever one payment's bytes do to
the decoder or screener, only that payment is dead-lettered; a broker failure holds that batch
and every later one back and retries it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from agents.logging_limits import RateLimitedLog
from agents.pass_through import unscreened_decision
from schemas.decision import Decision, encode_decision
from schemas.payment import PaymentError, PaymentLimits, decode_payment
from screening.screen import ScreeningState, screen_payment

if TYPE_CHECKING:
    from agents.metrics import DeadLetterReason, PaymonMetrics
    from agents.producing import RecordSink
    from agents.reference import ReferenceState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RawPayment:
    """One consumed payment message: its bytes and where it came from."""

    topic: str
    partition: int
    offset: int
    timestamp: float | None
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True)
class OutRecord:
    """One record to produce: key and encoded value."""

    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Screened:
    """One decision with what the metrics need: seconds spent screening, payment creation time
    and the Kafka timestamp of the input."""

    decision: Decision
    duration_s: float
    created_at: str
    append_ts: float | None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One payment that could not be decided: its dead-letter record and the reason class."""

    record: OutRecord
    reason: DeadLetterReason


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What one batch produced: every decision, the alerts among them, and the dead letters."""

    screened: list[OutRecord]
    alerts: list[OutRecord]
    dead_letters: list[DeadLetter]
    decisions: list[Screened]
    list_version: str


# aiokafka refuses a record over the producer's max_request_size (faust's default, which paymon
# keeps: 1,000,000 bytes). Outputs are sized to stay under it with room for the key, headers and
# the record batch overhead; a dead letter over it keeps a prefix of the input and a reference.
PRODUCER_MAX_REQUEST_BYTES = 1_000_000
OUTPUT_MAX_BYTES = PRODUCER_MAX_REQUEST_BYTES - 64 * 1024
DEAD_LETTER_PREFIX_BYTES = 4096


def dead_letter(raw: RawPayment, error: str) -> OutRecord:
    """The dead-letter record for a payment that could not be decided.

    Guarantees: JSON with the error, where the message was (topic, partition, offset,
    timestamp) and its original bytes stored once (`value_text` when they are UTF-8, else
    `value_base64`), keyed like the original message, and never over `OUTPUT_MAX_BYTES`: a
    larger input keeps only its first `DEAD_LETTER_PREFIX_BYTES` (`value_prefix_base64`, with
    `value_bytes` its full length); the topic/partition/offset find the rest."""
    value = raw.value or b""
    record: dict[str, Any] = {
        "error": error,
        "topic": raw.topic,
        "partition": raw.partition,
        "offset": raw.offset,
        "timestamp": raw.timestamp,
        "key": raw.key.decode("utf-8", errors="replace") if raw.key is not None else None,
        "value_bytes": len(value),
    }
    try:
        record["value_text"] = value.decode("utf-8")
    except UnicodeDecodeError:
        record["value_base64"] = base64.b64encode(value).decode("ascii")
    encoded = orjson.dumps(record)
    if len(encoded) > OUTPUT_MAX_BYTES:
        record.pop("value_text", None)
        record.pop("value_base64", None)
        record["value_prefix_base64"] = base64.b64encode(value[:DEAD_LETTER_PREFIX_BYTES]).decode("ascii")
        encoded = orjson.dumps(record)
    return OutRecord(key=raw.key, value=encoded)


def rfc3339_now() -> str:
    """The current UTC time as RFC 3339 with milliseconds (the decisions' `screened_at`)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every payment of a batch is screened with: one state, the threshold, the bounds,
    whether log lines may quote payment content (PAYMON_LOG_PAYLOADS, off by default) and whether
    payments pass through unscreened (PAYMON_SCREENING=pass-through, the benchmark ceiling)."""

    state: ScreeningState
    threshold: float
    screened_at: str
    limits: PaymentLimits
    log_payloads: bool = False
    pass_through: bool = False


def process_batch(batch: Sequence[RawPayment], context: BatchContext) -> BatchOutcome:
    """Decode, validate and screen a batch against one state (pure, CPU-bound).

    Guarantees: every input yields exactly one output, whatever its bytes and whatever goes
    wrong with it: a decision (also an alert when the decision is `alert`) or a dead letter
    naming the problem and its reason class; decisions are keyed by `payment_id`; outputs keep
    input order; no output is over `OUTPUT_MAX_BYTES`."""
    outcome = BatchOutcome([], [], [], [], context.state.list_version)
    for raw in batch:
        try:
            _process_one(raw, context, outcome)
        except Exception as exc:
            # Whatever fails on one payment (a screening bug, an encoder limit) must neither
            # pass it nor stop the stream: it goes to the dead-letter topic for a human.
            _log_dead_letter(raw, "screening_error", exc if context.log_payloads else None)
            error = f"screening failed: {type(exc).__name__}: {exc}"
            outcome.dead_letters.append(DeadLetter(dead_letter(raw, error), "screening_error"))
    return outcome


def _process_one(raw: RawPayment, context: BatchContext, outcome: BatchOutcome) -> None:
    """Decide one payment into `outcome` (a decision or a dead letter); may raise on a bug."""
    try:
        if raw.value is None:
            raise PaymentError("empty message: no payment event in the value", "empty")
        payment = decode_payment(raw.value, context.limits)
    except PaymentError as exc:
        _log_dead_letter(raw, exc.problem, exc if context.log_payloads else None)
        outcome.dead_letters.append(DeadLetter(dead_letter(raw, str(exc)), exc.problem))
        return
    started = time.perf_counter()
    if context.pass_through:
        decision = unscreened_decision(payment.payment_id, context.screened_at)
    else:
        decision = screen_payment(
            payment, context.state, threshold=context.threshold, screened_at=context.screened_at
        )
    duration = time.perf_counter() - started
    value = encode_decision(decision)
    if len(value) > OUTPUT_MAX_BYTES:
        error = (
            f"decision of {len(value)} bytes ({decision.decision}, {len(decision.hits)} hits) is over "
            f"the output limit of {OUTPUT_MAX_BYTES} bytes"
        )
        _log_dead_letter(raw, "output_too_large", None)
        outcome.dead_letters.append(DeadLetter(dead_letter(raw, error), "output_too_large"))
        return
    record = OutRecord(key=payment.payment_id.encode(), value=value)
    outcome.screened.append(record)
    if decision.decision == "alert":
        outcome.alerts.append(record)
    outcome.decisions.append(Screened(decision, duration, payment.created_at, raw.timestamp))


def _log_dead_letter(raw: RawPayment, reason: str, error: BaseException | None) -> None:
    """One line per dead letter naming where the record is; `error` (whose text may quote the
    payment) is given only when payload logging is on (PAYMON_LOG_PAYLOADS)."""
    where = f"{raw.topic}/{raw.partition}/{raw.offset}"
    if error is not None:
        log.warning("payment at %s dead-lettered (%s): %s", where, reason, error)
    else:
        log.warning("payment at %s dead-lettered (%s)", where, reason)


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where decisions, alerts and dead letters go (`agents.producing`)."""

    screened: RecordSink
    alerts: RecordSink
    dlq: RecordSink


async def start_sending(outcome: BatchOutcome, outputs: Outputs) -> list[Any]:
    """Hand every record of `outcome` to the producer without waiting for the broker; returns
    the delivery futures (each resolves when the broker acknowledged its records)."""
    pending: list[Any] = []
    pending += await outputs.screened.send_records(outcome.screened)
    pending += await outputs.alerts.send_records(outcome.alerts)
    pending += await outputs.dlq.send_records([letter.record for letter in outcome.dead_letters])
    return pending


async def send_outcome(outcome: BatchOutcome, outputs: Outputs) -> None:
    """Produce every record of `outcome` and wait until all are acknowledged."""
    pending = await start_sending(outcome, outputs)
    if pending:
        await asyncio.gather(*pending)


# Delivery of a batch is retried after a broker-level failure, waiting this long at first and
# doubling up to the maximum (a broker restart takes seconds; retrying faster only adds noise).
DELIVERY_RETRY_FIRST_S = 0.5
DELIVERY_RETRY_MAX_S = 10.0


async def deliver(outcome: BatchOutcome, outputs: Outputs, errors: RateLimitedLog) -> None:
    """Produce `outcome` until the broker has acknowledged all of it.

    Guarantees: returns only once every record is acknowledged; a failure (broker down,
    producer error: not the records' fault, they were sized and validated before) is logged
    (rate-limited) and the whole batch produced again after a backoff, so a redelivery may
    repeat records (consumers drop duplicates by `alert_id`), never drop one. Cancellation
    (worker stopping) propagates."""
    delay = DELIVERY_RETRY_FIRST_S
    while True:
        try:
            await send_outcome(outcome, outputs)
            return
        except Exception as exc:
            errors.error(
                "producing a batch failed (%s: %s); the batch is not marked done and is produced "
                "again in %.1fs",
                type(exc).__name__,
                exc,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, DELIVERY_RETRY_MAX_S)


def hold_back(events: Sequence[Any]) -> None:
    """Keep taken events from being marked done until their outputs are acknowledged:
    `take_events` acknowledges every event it handed out as soon as the agent asks for the next
    batch (and in its `finally` when the agent stops mid-batch); one extra reference per message
    makes that acknowledgement leave the offset uncommitted, so a payment whose outputs were never
    acknowledged is screened again by the next owner of its partition. `release` drops it."""
    for event in events:
        event.message.incref()


def release(events: Sequence[Any]) -> None:
    """Drop the reference `hold_back` added: the events' offsets may now be committed (for each
    message whose other references are gone, which `take_events` drops when it moves on)."""
    for event in events:
        event.ack()


def raw_from_event(event: Any) -> RawPayment:
    """The `RawPayment` of a faust event (value serializer `raw`: key and value are bytes)."""
    message = event.message
    return RawPayment(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        timestamp=message.timestamp,
        key=message.key,
        value=message.value,
    )


def record_metrics(metrics: PaymonMetrics, outcome: BatchOutcome, batch_size: int) -> None:
    """Feed one delivered batch to the worker's metrics: what was produced (decisions,
    latencies, dead letters by reason)."""
    metrics.observe_batch(batch_size)
    now = time.time()
    for item in outcome.decisions:
        metrics.observe_decision(item.decision, item.duration_s, item.created_at, item.append_ts, now=now)
    for letter in outcome.dead_letters:
        metrics.dead_letter(letter.reason)


# Batches whose outputs may await the broker's acknowledgement while a later batch is screened:
# two let the next batch be screened during a delivery round trip; more would only hold more
# payments unacknowledged (a longer redelivery after a crash).
BATCHES_IN_FLIGHT = 2


@dataclass(frozen=True, slots=True)
class InFlight:
    """One screened batch on its way to the broker: its events (held back), its outcome, and the
    delivery futures of its first send (None when handing it to the producer failed)."""

    events: Sequence[Any]
    outcome: BatchOutcome
    sent: list[Any] | None


async def confirm(item: InFlight, outputs: Outputs, errors: RateLimitedLog) -> None:
    """Return once the broker acknowledged every output of `item`: its first send, or (after any
    failure of it) the whole outcome produced again by `deliver` until acknowledged."""
    if item.sent is not None:
        try:
            if item.sent:
                await asyncio.gather(*item.sent)
            return
        except Exception as exc:
            errors.error(
                "producing a batch failed (%s: %s); the batch is not marked done and is produced again",
                type(exc).__name__,
                exc,
            )
    await deliver(item.outcome, outputs, errors)


class DeliveryPipeline:
    """Screened batches waiting for the broker, confirmed one by one in the order they were taken.

    Guarantees: a batch's events are released (their offsets may be committed) only after every
    output of that batch and of every batch taken before it was acknowledged; at most
    `BATCHES_IN_FLIGHT` batches wait (`put` blocks the agent beyond that); a batch still waiting
    when the pipeline is closed stays held back, so the next owner of its partition screens it
    again."""

    def __init__(self, outputs: Outputs, errors: RateLimitedLog, metrics: PaymonMetrics | None) -> None:
        self._outputs = outputs
        self._errors = errors
        self._metrics = metrics
        self._queue: asyncio.Queue[InFlight] = asyncio.Queue(maxsize=BATCHES_IN_FLIGHT)
        self._unsettled = 0
        self._task = asyncio.create_task(self._confirm_in_order())

    def take(self, events: Sequence[Any]) -> None:
        """Hold `events` back (`hold_back`) from the moment they are taken from the stream, and
        count them as in flight until they are released or the pipeline is closed."""
        hold_back(events)
        self._unsettled += len(events)
        if self._metrics is not None:
            self._metrics.taken(len(events))

    async def put(self, events: Sequence[Any], outcome: BatchOutcome) -> None:
        """Hand `outcome` (of the `events` given to `take`) to the producer and queue its
        confirmation; re-raises a failure of the confirmer task (a bug, never a broker error:
        those are retried)."""
        if self._task.done():
            self._task.result()
        try:
            sent: list[Any] | None = await start_sending(outcome, self._outputs)
        except Exception as exc:  # the producer refused it now: the confirmer retries
            self._errors.error("handing a batch to the producer failed (%s: %s)", type(exc).__name__, exc)
            sent = None
        await self._queue.put(InFlight(events, outcome, sent))

    async def _confirm_in_order(self) -> None:
        while True:
            item = await self._queue.get()
            await confirm(item, self._outputs, self._errors)
            release(item.events)
            self._unsettled -= len(item.events)
            if self._metrics is not None:
                self._metrics.settled(len(item.events))
                record_metrics(self._metrics, item.outcome, len(item.events))

    async def close(self) -> None:
        """Stop confirming; what is still waiting stays held back (see the class guarantee)."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._metrics is not None and self._unsettled:
            self._metrics.settled(self._unsettled)
        self._unsettled = 0


def register_payments_agent(
    app: Any,
    source: Any,
    outputs: Outputs,
    reference: ReferenceState,
    *,
    batch_size: int,
    batch_timeout: float,
    threshold: float,
    limits: PaymentLimits,
    log_payloads: bool = False,
    pass_through: bool = False,
    metrics: PaymonMetrics | None = None,
) -> Any:
    """Define the payments agent on `app`, reading `source` (the payments topic).

    Guarantees: no payment is taken from the stream before `reference` is ready; each batch is
    screened against one complete reference state (or, with `pass_through`, the benchmark-only
    mode, passed on as "unscreened"); a payment that cannot be decided is dead-lettered with its
    reason, never dropped; a batch's input offsets are acknowledged only after the broker
    acknowledged all its outputs and those of every earlier batch (a failed delivery is retried,
    and a batch still undelivered when the worker stops is left for the next owner)."""
    errors = RateLimitedLog(log)

    async def screen_payments(stream: Any) -> None:
        await reference.wait_ready()
        pipeline = DeliveryPipeline(outputs, errors, metrics)
        try:
            async for events in stream.take_events(batch_size, within=batch_timeout):
                pipeline.take(events)
                batch = [raw_from_event(event) for event in events]
                # one state for the whole batch, even if a swap happens now
                context = BatchContext(
                    reference.current, threshold, rfc3339_now(), limits, log_payloads, pass_through
                )
                # On the event loop itself: the previous batch's records are already with the
                # producer, and heartbeats and fetches run in the consumer's own thread. In a
                # worker thread instead, screening and the loop's I/O fought over the GIL
                # (bench.stream, same run: 8% fewer payments/s, 4-7% more CPU per payment).
                outcome = process_batch(batch, context)
                await pipeline.put(events, outcome)
        finally:
            await pipeline.close()

    return app.agent(source, name="paymon.screen_payments")(screen_payments)
