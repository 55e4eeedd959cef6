"""`paymon screen`, `paymon match` and `paymon lists publish` on EU, UK and OpenSanctions lists mixed
with OFAC and UN: format detection, the `--authority` filter, authorities in the output, and a
corrupt file of each format refused (file and line named) before anything is screened or sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paymon_cli.main import main


@pytest.fixture(scope="module")
def lists(fixtures_dir: Path) -> dict[str, Path]:
    folder = fixtures_dir / "lists"
    return {
        "ofac": folder / "ofac-mini",
        "un": folder / "un-mini.xml",
        "eu": folder / "eu-fsf-mini.xml",
        "uk": folder / "uk-sanctions-mini.xml",
        "ftm": folder / "opensanctions-mini.ftm.json",
    }


def _payment(payment_id: str, creditor: dict[str, Any]) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "created_at": "2026-03-01T10:00:00Z",
        "amount": "100.00",
        "currency": "EUR",
        "debtor": {"name": "Hannelore Beispiel", "country": "DE"},
        "creditor": creditor,
    }


PAYMENTS = [
    _payment("eu-only", {"name": "Orlando Veltrami Holdings", "country": "CY"}),
    _payment("uk-only", {"name": "Bramblecote Maritime Services Limited"}),
    _payment("os-weak", {"name": "Iggy", "birth_date": "1969-08-02"}),
    _payment("os-owned", {"name": "Quillfeather Components LLC", "id": "osx-sub"}),
]


def _screen(lists: dict[str, Path], tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    payments = tmp_path / "payments.jsonl"
    payments.write_text("".join(json.dumps(p) + "\n" for p in PAYMENTS), encoding="utf-8")
    output = tmp_path / "decisions.jsonl"
    argv = ["screen", "--lists", *(str(p) for p in lists.values()), "--ownership", str(lists["ftm"])]
    assert main([*argv, "--input", str(payments), "--output", str(output), *extra]) == 0
    decisions = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return {d["payment_id"]: d for d in decisions}


def _creditor(decision: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["entry_id"]: h for h in decision["hits"] if h["role"] == "creditor"}


def test_every_format_together_and_hits_name_authority_and_programme(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    decisions = _screen(lists, tmp_path, "--regime", "eu")
    eu = _creditor(decisions["eu-only"])["eu:130002"]
    assert (eu["list"], eu["authorities"], eu["programs"]) == ("eu", ["eu"], ["UKR"])
    uk = _creditor(decisions["uk-only"])["uk:RUS9002"]
    assert (uk["authorities"], uk["programs"]) == (["uk"], ["Russia"])
    weak = _creditor(decisions["os-weak"])["opensanctions:osx-merrow"]
    assert "weak alias" in weak["explanation"] and weak["datasets"] == ["ch_seco_sanctions"]
    owned = _creditor(decisions["os-owned"])["opensanctions:osx-quillfeather"]
    assert owned["reason"] == "ownership" and owned["authorities"] == ["eu", "uk"]


def test_authority_filter_keeps_only_what_those_authorities_list(
    lists: dict[str, Path], tmp_path: Path
) -> None:
    decisions = _screen(lists, tmp_path, "--authority", "EU", "--regime", "eu")
    assert decisions["eu-only"]["decision"] == "alert"
    assert decisions["uk-only"]["decision"] == "pass"  # only the UK lists Bramblecote
    assert decisions["os-weak"]["decision"] == "pass"  # only Switzerland lists Merrowby
    hits = [h for d in decisions.values() for h in d["hits"]]
    assert hits and all("eu" in h["authorities"] for h in hits)


def test_an_authority_filter_matching_nothing_is_refused(
    lists: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["screen", "--lists", str(lists["eu"]), "--authority", "jp", "--output", str(tmp_path / "o.jsonl")]
    assert main(argv) == 2
    assert "--authority jp matches no loaded entry (the lists name: eu)" in capsys.readouterr().err


def test_match_reads_the_new_formats_and_names_the_authority(
    lists: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", "Sea Perdition", "--lists", str(lists["uk"]), str(lists["ftm"]), "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (first["entry_id"], first["authorities"], first["programs"]) == ("uk:RUS9003", ["uk"], ["Russia"])
    assert main(["match", "QFAVRUMM", "--lists", str(lists["ftm"])]) == 0
    out = capsys.readouterr().out
    assert "opensanctions:osx-quillfeather; organisation; eu, uk: EU-UKR, GB-RUS" in out


def _corrupt(kind: str, lists: dict[str, Path], tmp_path: Path) -> tuple[Path, str]:
    """A corrupt copy of one format and the 'file:line' its refusal must name."""
    if kind == "ftm":
        path = tmp_path / "entities.ftm.json"
        path.write_bytes(lists["ftm"].read_bytes() + b'{"id": "cut", "schema": "Person", "prop\n')
        return path, f"{path}:25"
    raw = lists[kind].read_bytes()
    path = tmp_path / f"{kind}.xml"
    path.write_bytes(raw[: len(raw) // 2])
    return path, f"{path}:"


@pytest.mark.parametrize("kind", ["eu", "uk", "ftm"])
def test_a_corrupt_file_of_each_format_is_refused_naming_file_and_line(
    kind: str, lists: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, where = _corrupt(kind, lists, tmp_path)
    argv = ["screen", "--lists", str(lists["ofac"]), str(path), "--output", str(tmp_path / "o.jsonl")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"cannot load lists: {where}" in err
    assert not (tmp_path / "o.jsonl").exists() or not (tmp_path / "o.jsonl").read_bytes()


def test_an_unknown_file_is_refused_naming_the_formats_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "list.xml"
    path.write_text('<?xml version="1.0"?><sanctions><entry/></sanctions>', encoding="utf-8")
    assert main(["match", "x", "--lists", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: XML with root <sanctions> is not a list format paymon reads" in err
    assert "EU <export" in err and "UK <Designations>" in err
