"""The pass-through ceiling: a worker that decodes, encodes and produces without screening.

Benchmark-only (`PAYMON_SCREENING=pass-through`, refused unless set explicitly: the default is
`screen`). `bench.stream` runs it beside the screening worker to measure what the stream itself
can carry (fetch, decode, encode, produce, acknowledge) on the same machine in the same run. Its
decisions say `decision: "unscreened"` and `algorithm: "unscreened-pass-through"`, with no hits
and no alert id, so no consumer can read one as a clearance.
"""

from __future__ import annotations

from typing import Final, Literal

from schemas.decision import Decision

UNSCREENED: Final[Literal["unscreened"]] = "unscreened"
PASS_THROUGH_ALGORITHM = "unscreened-pass-through"
# What `list_version` says in an unscreened decision: it was screened against no list set.
NO_LIST_VERSION = "none"


def unscreened_decision(payment_id: str, screened_at: str) -> Decision:
    """The decision of a payment passed through unscreened.

    Guarantees: `decision` is "unscreened" (never "pass"), `algorithm` names the pass-through,
    `hits` is empty, `alert_id` is None and `list_version` is "none"."""
    return Decision(
        payment_id=payment_id,
        decision=UNSCREENED,
        hits=[],
        alert_id=None,
        screened_at=screened_at,
        list_version=NO_LIST_VERSION,
        algorithm=PASS_THROUGH_ALGORITHM,
    )
