"""Session-wide test helpers: where the shared public data lives, and skipping when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# ../shared beside the clone holds the real public data; a user's clone does not have it.
SHARED_DATA = Path(os.environ.get("PAYMON_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data (lists, eval pairs, ownership, payments), or skip the test."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public data not found at {SHARED_DATA} (../shared is absent in a user's clone)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The project's own small test fixtures."""
    return FIXTURES
