"""Keep the cyclic garbage collector off the reference data a worker screens with.

A worker holds a few hundred thousand long-lived objects (list index, ownership graph); every
full collection walks all of them (~110 ms with the real lists), and the stream's per-payment
objects (faust events, futures, buffers) that outlive a young collection trigger full ones as
they pile up: in a py-spy profile of a worker draining a backlog, ~15% of the event loop's busy
samples sat in collections set off by `create_task`. Frozen after each install (`gc.freeze`),
the installed state sits in the permanent generation, which no collection walks; the payments'
own garbage is collected as before (bench.stream, same run: worker CPU per payment 0.57-0.62 ms
frozen, 0.67 ms not).
"""

from __future__ import annotations

import gc
from typing import Any


def settle_reference_heap(state: Any, snapshot: Any) -> None:
    """After an install (a `ReferenceState.on_installed` listener): collect what the previous
    state left (it was frozen too: unfreezing first lets its cycles be freed, so list updates do
    not accumulate), then freeze everything alive, the new state included.

    Guarantees: no object reachable from the installed state is ever walked by a collection until
    the next install; nothing unreachable stays frozen past the next install. Costs one full
    collection (~0.1 s with the real lists) on the event loop per install."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
