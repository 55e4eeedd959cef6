"""The false-alert bench's own rules: what counts as an exact homonym, how names are mangled."""

from __future__ import annotations

import random

import pytest

from bench.false_alerts import Screened, Tally, false_alert_lines, is_homonym, mangled
from bench.innocent_names import InnocentName, NameKind, script_of_text
from screening.match import NameMatch
from screening.model import EntryType, ListEntry


def _innocent(text: str, kind: NameKind = "person") -> InnocentName:
    return InnocentName(text, "zh_CN", script_of_text(text), kind)


def _match(listed: str) -> NameMatch:
    entry = ListEntry("ofac:1", "ofac", EntryType.PERSON, listed)
    return NameMatch(entry, listed, 0.9, "", ())


@pytest.mark.parametrize(
    ("innocent", "listed"),
    [
        ("杨帆", "FAN, Yang"),  # every token equal after transliteration, in any order
        ("علی کریمی", "KARIMI, Ali"),
        ("习近平", "XI Jinping"),  # the same letters once the syllables are joined
        ("Jun Chang", "CHANG, Jun"),
        ("이병철", "RI, Pyong Chol"),  # a syllable in another of its spellings (`pyong`/`byeong`)
        ("이영수", "RI SU YONG"),  # `i` (South) ~ `ri` (North): one family name
        ("姜明哲", "KANG, Myong Chol"),  # a Han name read as Korean
    ],
)
def test_exact_homonyms_are_set_apart(innocent: str, listed: str) -> None:
    assert is_homonym(_innocent(innocent), _match(listed))


@pytest.mark.parametrize(
    ("innocent", "listed"),
    [
        ("黄丽", "LUO, Huining"),  # issue #11's false alerts: letters in common are not a name
        ("赵磊", "WEI, Zhao"),
        ("최유진", "KUCHI, Ahmed Jan"),
        ("Yang Fan Li", "FAN, Yang"),  # a token more is another person
        ("이영호", "HO, Yong Il"),  # `i` is not `il`
    ],
)
def test_other_names_are_false_alerts(innocent: str, listed: str) -> None:
    assert not is_homonym(_innocent(innocent), _match(listed))


def test_tally_counts_homonym_only_alerts_apart() -> None:
    tally = Tally()
    assert not tally.add([], _innocent("王芳"))
    assert not tally.add([_match("FAN, Yang")], _innocent("杨帆"))
    assert tally.add([_match("FAN, Yang"), _match("LUO, Huining")], _innocent("杨帆"))
    assert (tally.names, tally.alerts, tally.homonyms) == (3, 1, 1)
    assert tally.rate() == pytest.approx(1 / 3)


def test_manglings() -> None:
    rng = random.Random(1)
    assert mangled("HAQQANI, Walijan Abdul", "reordered", rng) == "Abdul HAQQANI Walijan"
    dropped = mangled("Walijan Abdul Ghafoor Haqqani", "dropped token", rng)
    assert dropped is not None and dropped.startswith("Walijan ") and len(dropped.split()) == 3
    typo = mangled("Walijan Haqqani", "typo", rng)
    assert typo is not None and typo != "Walijan Haqqani" and abs(len(typo) - 15) <= 1
    # too short for the mangling: left out of the count rather than counted unchanged
    assert mangled("Walijan", "reordered", rng) is None
    assert mangled("Walijan Haqqani", "dropped token", rng) is None
    with pytest.raises(ValueError, match="mangling"):
        mangled("Walijan Haqqani", "shuffled", rng)


def test_a_script_asked_for_lists_every_false_alert_of_it() -> None:
    results = [
        Screened(_innocent("Min Yu"), (_match("YU, Jin"),), ()),
        Screened(_innocent("Lei Zhong"), (_match("ZHANG, Lei"),), (_match("ZHANG, Lei"),)),
        Screened(_innocent("赵磊"), (_match("WEI, Zhao"),), ()),
        Screened(_innocent("杨帆"), (_match("FAN, Yang"),), ()),  # a homonym: never listed
    ]
    lines = false_alert_lines(results, samples=1, only_script="Latin")
    listed = [line for line in lines if line.startswith("  [")]
    assert [line.split("]")[1].split(" ->")[0].strip() for line in listed] == ["Min Yu", "Lei Zhong"]
    assert "false alerts: every one of Latin (in generation order)" in lines
    # the second column counts what screening a party without a birth date found
    latin = next(line for line in lines if line.startswith("Latin"))
    assert latin.split("|")[1].split()[0] == "1"
    # without a script asked for: `samples` per script
    sampled = [line for line in false_alert_lines(results, samples=1) if line.startswith("  [")]
    assert len(sampled) == 2
