"""`paymon screen`, `paymon match` and `paymon compare` end to end: in-process through
`paymon_cli.main.main` and as a real subprocess, on the project's own fixtures and (when
../shared is present) on the real pacs.008 samples against the real OFAC lists."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from paymon_cli.main import main
from paymon_cli.offline import screen_demo
from schemas.generate import published_schemas
from schemas.payment import encode_payment
from screening.pacs008 import parse_pacs008

REPO_ROOT = Path(__file__).resolve().parents[2]
VALID_IDS = ["fx-1", "fx-2", "fx-4", "fx-6", "fx-7"]  # screen_payments.jsonl, in file order


@pytest.fixture(scope="module")
def files(fixtures_dir: Path) -> dict[str, Path]:
    folder = fixtures_dir / "payments"
    return {
        "list": folder / "screen_list.jsonl",
        "ownership": folder / "screen_ownership.csv",
        "payments": folder / "screen_payments.jsonl",
    }


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _run_screen(
    files: dict[str, Path], tmp_path: Path, *extra: str
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    output, rejects = tmp_path / "decisions.jsonl", tmp_path / "rejects.jsonl"
    status = main(
        [
            "screen",
            "--lists",
            str(files["list"]),
            "--ownership",
            str(files["ownership"]),
            "--input",
            str(files["payments"]),
            "--output",
            str(output),
            "--rejects",
            str(rejects),
            *extra,
        ]
    )
    return status, _lines(output), _lines(rejects)


def test_screen_keeps_input_order_and_explains_alerts(files: dict[str, Path], tmp_path: Path) -> None:
    status, decisions, _ = _run_screen(files, tmp_path)
    assert status == 0
    assert [d["payment_id"] for d in decisions] == VALID_IDS
    verdicts = {d["payment_id"]: d["decision"] for d in decisions}
    assert verdicts == {"fx-1": "pass", "fx-2": "alert", "fx-4": "alert", "fx-6": "alert", "fx-7": "pass"}
    found = {(d["payment_id"], h["role"], h["entry_id"], h["reason"]) for d in decisions for h in d["hits"]}
    assert ("fx-2", "intermediary_agent", "fixture:ftb", "identifier") in found
    assert ("fx-4", "creditor", "fixture:ftb", "ownership") in found
    assert ("fx-6", "creditor", "fixture:agrosoyuz", "name") in found
    assert ("fx-6", "remittance_info", "fixture:kkbc", "remittance") in found
    ownership_hit = next(h for d in decisions for h in d["hits"] if h["reason"] == "ownership")
    assert len(ownership_hit["ownership_path"]) == 2  # FTB -60%-> trading co -50%-> logistics
    schema = published_schemas()["alert.schema.json"]
    for decision in decisions:
        jsonschema.validate(decision, schema)
        assert decision["list_version"] and decision["algorithm"] and decision["screened_at"]


def test_screen_without_ownership_tables_finds_no_ownership_hits(
    files: dict[str, Path], tmp_path: Path
) -> None:
    output = tmp_path / "decisions.jsonl"
    status = main(
        ["screen", "--lists", str(files["list"]), "--input", str(files["payments"]), "--output", str(output)]
    )
    assert status == 0
    assert all(h["reason"] != "ownership" for d in _lines(output) for h in d["hits"])


def test_rejects_name_line_field_and_keep_raw_text(files: dict[str, Path], tmp_path: Path) -> None:
    _, _, rejects = _run_screen(files, tmp_path)
    assert [r["line"] for r in rejects] == [3, 6, 9]
    assert "$.currency" in rejects[0]["error"]
    assert "creditor" in rejects[1]["error"]
    assert "not valid JSON" in rejects[2]["error"]
    assert rejects[2]["raw"] == "not json at all"
    assert json.loads(rejects[0]["raw"])["payment_id"] == "fx-3"


def test_rejects_go_to_stderr_without_a_rejects_file(
    files: dict[str, Path], tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    output = tmp_path / "decisions.jsonl"
    status = main(
        ["screen", "--lists", str(files["list"]), "--input", str(files["payments"]), "--output", str(output)]
    )
    assert status == 0
    stderr = capsysbinary.readouterr().err.decode()
    rejects = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [r["line"] for r in rejects] == [3, 6, 9]
    assert "screened 5 payments" in stderr


def test_high_threshold_keeps_identifier_hits_only(files: dict[str, Path], tmp_path: Path) -> None:
    status, decisions, _ = _run_screen(files, tmp_path, "--threshold", "1.0")
    assert status == 0
    reasons = {h["reason"] for d in decisions for h in d["hits"]}
    assert "identifier" in reasons
    assert all(h["score"] >= 1.0 for d in decisions for h in d["hits"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lists", "{missing}"], "list path not found"),
        (["--lists", "{list}", "--ownership", "{missing}"], "ownership path not found"),
        (["--lists", "{corrupt}"], "cannot load lists: "),
        (["--lists", "{list}", "--threshold", "1.5"], "--threshold must be between 0 and 1"),
        (["--lists", "{list}", "--input", "{missing}"], "cannot read --input"),
    ],
)
def test_unusable_arguments_exit_2_with_a_clear_message(
    arguments: list[str],
    message: str,
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text(
        '{"entry_id": "x:1", "list": "x", "type": "organisation", "name": "A"}\n{"entry_id": \n'
    )
    paths = {"missing": str(tmp_path / "absent"), "list": str(files["list"]), "corrupt": str(corrupt)}
    argv = ["screen", *(a.format(**paths) for a in arguments), "--output", str(tmp_path / "out.jsonl")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("paymon: error: ")
    assert message in err
    if "corrupt" in arguments[1]:
        assert f"{corrupt}:2" in err  # the loader's message names the file and line


def test_subprocess_stdin_to_stdout(files: dict[str, Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paymon_cli.main", "screen", "--lists", str(files["list"]), "--output", "-"],
        input=files["payments"].read_bytes(),
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    decisions = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [d["payment_id"] for d in decisions] == VALID_IDS
    rejects = [json.loads(line) for line in result.stderr.decode().splitlines() if line.startswith("{")]
    assert [r["line"] for r in rejects] == [3, 6, 9]


def test_subprocess_missing_list_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paymon_cli.main", "screen", "--lists", str(tmp_path / "nope.jsonl")],
        input=b"",
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert b"list path not found" in result.stderr


def test_match_human_and_json(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "Agrosoyuz Commercial Bank", "--lists", str(files["list"])]) == 0
    out = capsys.readouterr().out
    assert "COMMERCIAL BANK AGROSOYUZ" in out and "fixture:agrosoyuz" in out
    assert main(["match", "Agrosoyuz Commercial Bank", "--lists", str(files["list"]), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["entry_id"] == "fixture:agrosoyuz"
    assert 0.0 <= records[0]["score"] <= 1.0 and records[0]["explanation"]
    assert main(["match", "Nordic Timber AB", "--lists", str(files["list"])]) == 0
    assert "no listed name matches" in capsys.readouterr().out


def test_match_respects_kind(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "match",
        "Korea Kwangson Banking Corp",
        "--lists",
        str(files["list"]),
        "--kind",
        "person",
        "--json",
    ]
    assert main(argv) == 0
    assert all(json.loads(line)["entry_type"] == "person" for line in capsys.readouterr().out.splitlines())


def test_compare_human_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "Commercial Bank Agrosoyuz", "AGROSOYUZ COMMERCIAL BANK LLC"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("score ")
    assert main(["compare", "Commercial Bank Agrosoyuz", "Nordic Timber AB", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert 0.0 <= record["score"] < 0.5
    assert record["explanation"]


def test_demo_screening_alerts_on_each_designed_case() -> None:
    decisions = {d.payment_id: d for d in screen_demo()}
    assert len(decisions) == 20  # the 3 malformed demo lines are rejects
    expected = {
        "demo-002": ("creditor", "demo:rfc", "name"),  # exact name
        "demo-003": ("creditor", "demo:agrosoyuz", "name"),  # Cyrillic: Коммерческий банк Агросоюз
        "demo-004": ("creditor", "demo:dandong-zhongsheng", "name"),  # reordered, legal form
        "demo-005": ("intermediary_agent", "demo:ftb", "identifier"),  # BIC in an intermediary
        "demo-006": ("remittance_info", "demo:kkbc", "remittance"),  # name in remittance text
        "demo-007": ("creditor", "demo:ftb", "ownership"),  # two-hop ownership by party id
        "demo-008": ("debtor", "demo:nikulin", "name"),  # person with birth date
        "demo-009": ("debtor_agent", "demo:timer-bank", "identifier"),  # LEI
        "demo-010": ("debtor_agent", "demo:rfc", "identifier"),  # BIC11 of a listed BIC8
        "demo-012": ("debtor", "demo:agrosoyuz", "ownership"),  # one-hop ownership
        "demo-014": ("creditor", "demo:tsmrbank", "name"),  # transliterated Russian alias
        "demo-018": ("debtor", "demo:tsmrbank", "ownership"),  # 30% + 25% aggregated
        "demo-020": ("creditor", "demo:mrb", "name"),  # alias
    }
    for payment_id, hit in expected.items():
        found = {(h.role, h.entry_id, h.reason) for h in decisions[payment_id].hits}
        assert hit in found, payment_id
    for clean in ("demo-001", "demo-011", "demo-013", "demo-015", "demo-017", "demo-019"):
        assert decisions[clean].decision == "pass", clean  # demo-013 is only 30% owned


@pytest.mark.shared
def test_real_pacs008_samples_against_real_ofac_lists(shared_data: Path, tmp_path: Path) -> None:
    samples = sorted((shared_data / "payments" / "pacs008").glob("*.xml"))
    payments = [payment for sample in samples for payment in parse_pacs008(sample)]
    # One more: the intermediary-agent sample routed through Russian Financial Corporation's BIC.
    routed = shared_data / "payments" / "pacs008" / "fedwire_CustomerCreditTransfer_Variation6_pacs.008.xml"
    (sanctioned,) = parse_pacs008(routed.read_bytes().replace(b"BANYBRRJ", b"RFCBRUMM"))
    payments.append(sanctioned)
    input_file, output = tmp_path / "payments.jsonl", tmp_path / "decisions.jsonl"
    input_file.write_bytes(b"".join(encode_payment(p) + b"\n" for p in payments))
    lists = shared_data / "lists"
    status = main(
        [
            "screen",
            "--lists",
            str(lists / "ofac-sdn-2024-05-03"),
            str(lists / "ofac-sdn-2024-09-update"),
            "--input",
            str(input_file),
            "--output",
            str(output),
        ]
    )
    assert status == 0
    decisions = _lines(output)
    assert [d["payment_id"] for d in decisions] == [p.payment_id for p in payments]
    assert all(d["list_version"].startswith("ofac-sdn-2024-05-03+ofac-sdn-2024-09-update") for d in decisions)
    last = decisions[-1]
    assert last["decision"] == "alert"
    assert ("intermediary_agent", "ofac:24026", "identifier") in {
        (h["role"], h["entry_id"], h["reason"]) for h in last["hits"]
    }
    # The samples name no listed bank: their own decisions carry no identifier hit, and the
    # plain Fedwire payments (Corporation A -> Corporation B via Bank A / Bank B) pass.
    for decision in decisions[:-1]:
        assert all(h["reason"] != "identifier" for h in decision["hits"]), decision["payment_id"]
    plain = [
        d
        for d, p in zip(decisions, payments, strict=True)
        if (p.debtor.name, p.creditor.name) == ("Corporation A", "Corporation B")
        and p.ultimate_debtor is None
        and p.ultimate_creditor is None
    ]
    assert plain and all(d["decision"] == "pass" for d in plain)


def test_bom_and_crlf_line_ends_are_accepted(files: dict[str, Path], tmp_path: Path) -> None:
    lines = files["payments"].read_bytes().splitlines()[:2]
    payments = tmp_path / "windows.jsonl"
    payments.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")
    output = tmp_path / "decisions.jsonl"
    assert (
        main(["screen", "--lists", str(files["list"]), "--input", str(payments), "--output", str(output)])
        == 0
    )
    assert [d["payment_id"] for d in _lines(output)] == ["fx-1", "fx-2"]


def test_match_finds_a_listed_bic(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "agszru31xxx", "--lists", str(files["list"]), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["entry_id"] == "fixture:agrosoyuz"
    assert records[0]["matched_name"] == "BIC AGSZRU31XXX" and records[0]["score"] == 1.0
    assert main(["match", "AGSZRU31", "--lists", str(files["list"])]) == 0
    assert "identifier_match: BIC AGSZRU31" in capsys.readouterr().out


def test_list_warnings_are_summarised_one_line_per_kind() -> None:
    from paymon_cli.offline import warning_lines

    warnings = [
        "lists/sdn.csv:3342: Remarks of ent_num 17018 cut at 1000 characters; its last statement is ignored",
        "lists/sdn.csv:6894: Remarks of ent_num 27307 cut at 1000 characters; its last statement is ignored",
        "lists/alt.csv:12: alias of unknown ent_num 99 skipped",
    ]
    summary = warning_lines(warnings, verbose=False)
    assert summary == [
        f"paymon: warning: 2 like this (--verbose lists each): {warnings[0]}",
        f"paymon: warning: {warnings[2]}",
    ]
    assert warning_lines(warnings, verbose=True) == [f"paymon: warning: {w}" for w in warnings]
