"""Property tests: the EU, UK, OpenSanctions and paymon JSONL loaders, given their fixture cut or
damaged anywhere (invalid UTF-8 included), load or refuse with `ListLoadError`, never with
another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lists import ListLoadError, load_lists

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
SOURCES = ("eu-fsf-mini.xml", "uk-sanctions-mini.xml", "opensanctions-mini.ftm.json", "entries.jsonl")


def _load_or_refuse(content: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            loaded = load_lists([path])
        except ListLoadError as exc:
            assert str(exc).startswith(str(path))  # the refusal names the file
            return
        assert all(entry.primary_name for entry in loaded.entries.values())


@pytest.mark.parametrize("name", SOURCES)
@settings(max_examples=60, deadline=None)
@given(cut=st.floats(min_value=0.0, max_value=1.0), damage=st.binary(max_size=6))
def test_a_cut_or_damaged_file_loads_or_is_refused_cleanly(name: str, cut: float, damage: bytes) -> None:
    raw = (FIXTURES / name).read_bytes()
    at = int(len(raw) * cut)
    _load_or_refuse(raw[:at] + damage + raw[at + len(damage) :], name)
