"""`settle_reference_heap`: what is alive at an install is frozen (no collection walks it), and
the cycles a replaced state leaves are freed at the next install, so list updates do not leak."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from agents.heap import settle_reference_heap


class Node:
    """A cycle only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_the_installed_state_is_frozen_and_a_replaced_ones_cycles_are_freed_at_the_next_install() -> None:
    state = Node()
    alive = weakref.ref(state)
    settle_reference_heap(state, None)
    assert gc.get_freeze_count() > 0
    del state  # replaced: only its own cycle holds it now
    gc.collect()
    assert alive() is not None  # frozen objects are not walked, not even by a full collection
    settle_reference_heap(Node(), None)
    assert alive() is None
