"""Offline commands: `paymon screen` (a JSON Lines file of payments), `paymon match` and
`paymon compare` (an analyst's look at one name).

Everything here is the file face of the pure core: lists and ownership tables are loaded once,
then payments stream through `screening.screen.screen_payment` line by line, decoded and encoded
with msgspec, so memory stays flat whatever the file size.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec

from paymon_cli.main import CommandError
from schemas.decision import Decision, encode_decision
from schemas.payment import PaymentError, decode_payment
from screening.screen import ScreeningState, screen_payment

if TYPE_CHECKING:
    from screening.lists import ListSet
    from screening.match import NameMatch
    from screening.model import ListEntry

__all__ = [
    "DEMO_DATA",
    "ScreenCounts",
    "listing_label",
    "load_state",
    "register",
    "render_decision",
    "screen_demo",
    "screen_lines",
]

# The demo list, ownership table and payments shipped with the package (`make demo`).
DEMO_DATA = Path(__file__).resolve().parent / "demo_data"

# A list warning's location (`path:line: `) and numbers, which differ between warnings of one kind.
_WARNING_LOCATION = re.compile(r"^\S+?:\d+: ")
_WARNING_NUMBER = re.compile(r"\d+")

# Kinds an analyst can restrict a name to (screening.match.PartyKind).
_KINDS = ("person", "organisation", "any")
_REGIMES = ("ofac", "eu", "uk")

_json = msgspec.json.Encoder()
_UTF8_BOM = b"\xef\xbb\xbf"
# Shapes of a BIC (ISO 9362: 8 or 11) and an LEI (ISO 17442: 20) for `paymon match`.
_BIC_SHAPE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_LEI_SHAPE = re.compile(r"[A-Z0-9]{18}[0-9]{2}")


@dataclass(slots=True)
class ScreenCounts:
    """What one `screen_lines` run did: payments screened, alerts among them, lines rejected."""

    screened: int = 0
    alerts: int = 0
    rejected: int = 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `screen`, `match` and `compare` sub-commands."""
    screen = subparsers.add_parser(
        "screen",
        help="screen a JSON Lines file of payment events offline",
        description="Screen a JSON Lines file of payment events: one decision line per valid "
        "payment, in input order; each invalid line goes to --rejects (or stderr) as "
        '{"line", "error", "raw"}.',
    )
    _add_list_arguments(screen)
    screen.add_argument(
        "--ownership",
        nargs="+",
        type=Path,
        default=[],
        metavar="PATH",
        help="ownership tables (CSV, FtM JSONL, PSC JSONL, GLEIF RR XML)",
    )
    screen.add_argument("--input", default="-", metavar="F|-", help="payments file (default: stdin)")
    screen.add_argument("--output", default="-", metavar="F|-", help="decisions file (default: stdout)")
    screen.add_argument("--rejects", type=Path, metavar="F", help="rejected lines file (default: stderr)")
    _add_threshold_argument(screen)
    screen.add_argument(
        "--regime",
        choices=_REGIMES,
        default="ofac",
        help="ownership rule for --ownership (default: ofac, the 50%% rule); with mixed lists, owners "
        "listed by this regime's authority, the UN or your own lists designate (see README)",
    )
    screen.set_defaults(handler=_screen_command)

    match = subparsers.add_parser("match", help="the listed entries one name matches, explained")
    match.add_argument("name", metavar="NAME")
    _add_list_arguments(match)
    match.add_argument("--kind", choices=_KINDS, default="any", help="restrict to persons or organisations")
    match.add_argument("--country", metavar="CC", help="ISO 3166 alpha-2 country of the party")
    match.add_argument("--birth-date", metavar="YYYY[-MM[-DD]]", help="birth date of a person")
    match.add_argument("--limit", type=_positive_int, default=10, metavar="N", help="at most N hits")
    _add_threshold_argument(match)
    match.add_argument("--json", action="store_true", help="one JSON object per hit")
    match.set_defaults(handler=_match_command)

    compare = subparsers.add_parser("compare", help="score two names against each other, explained")
    compare.add_argument("names", nargs=2, metavar="NAME")
    compare.add_argument("--kind", choices=_KINDS, default="any", help="compare as person or organisation")
    compare.add_argument("--json", action="store_true", help="print a JSON object")
    compare.set_defaults(handler=_compare_command)


def load_state(
    list_paths: Sequence[Path],
    ownership_paths: Sequence[Path],
    regime: str = "ofac",
    authorities: frozenset[str] | None = None,
    verbose: bool = False,
    *,
    threshold: float | None = None,
) -> ScreeningState:
    """Load lists (and ownership tables) and build the screening state; owners count as
    designated at `threshold`, which is required when `ownership_paths` are given.

    `authorities` (e.g. {'eu', 'uk'}) keeps only the entries one of them lists; None keeps all.
    The loaders' warnings go to stderr, one line per kind (each of them with `verbose`).
    Owners are designated under `regime` as `screening.regimes` says (mixed lists).
    Guarantees: returns a ready state or raises `CommandError` naming the missing path or the
    list/ownership file, line and problem (the loader's own message), or an authority filter
    that leaves no entry.
    """
    # Imported here, not at the top: `paymon` builds every sub-parser on each start, and the
    # matching and list modules are only needed by the commands that screen.
    from screening.lists import ListLoadError, load_lists

    _require_paths(list_paths, "list")
    _require_paths(ownership_paths, "ownership")
    try:
        lists: ListSet = load_lists(list(list_paths))
    except ListLoadError as exc:
        raise CommandError(f"cannot load lists: {exc}") from exc
    entries = list(lists.entries.values())
    if authorities is not None:
        entries = [e for e in entries if not authorities.isdisjoint(e.authority_codes())]
        if not entries:
            listed = sorted({code for e in lists.entries.values() for code in e.authority_codes()})
            raise CommandError(
                f"--authority {','.join(sorted(authorities))} matches no loaded entry "
                f"(the lists name: {', '.join(listed)})"
            )
    for line in warning_lines(lists.warnings, verbose=verbose):
        print(line, file=sys.stderr)
    from screening.ownership import OwnershipLoadError, Regime, load_ownership
    from screening.state import build_state

    graph = None
    if ownership_paths:
        try:
            graph = load_ownership(list(ownership_paths))
        except OwnershipLoadError as exc:
            raise CommandError(f"cannot load ownership tables: {exc}") from exc
    return build_state(entries, graph, list_version=lists.version, regime=Regime(regime), threshold=threshold)


def screen_lines(
    lines: Iterable[bytes],
    state: ScreeningState,
    *,
    threshold: float,
    write_decision: Callable[[bytes], object],
    write_reject: Callable[[bytes], object],
) -> ScreenCounts:
    """Screen JSON Lines payment events one line at a time.

    Guarantees: `write_decision(bytes)` receives one encoded decision line per valid payment, in
    input order; `write_reject(bytes)` receives one `{"line", "error", "raw"}` line (1-based
    line number, the decoder's message naming the field, the raw text) per invalid line; blank
    lines are skipped (a UTF-8 byte-order mark before the first line too). Lines are read and
    written one at a time, so memory stays flat whatever the file size.
    """
    counts = ScreenCounts()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if number == 1:
            line = line.removeprefix(_UTF8_BOM)  # files saved by spreadsheet tools start with one
        if not line:
            continue
        try:
            payment = decode_payment(line)
        except PaymentError as exc:
            counts.rejected += 1
            reject = {"line": number, "error": str(exc), "raw": line.decode("utf-8", "replace")}
            write_reject(_json.encode(reject) + b"\n")
            continue
        decision = screen_payment(payment, state, threshold=threshold, screened_at=_now())
        counts.screened += 1
        if decision.decision == "alert":
            counts.alerts += 1
        write_decision(encode_decision(decision) + b"\n")
    return counts


def screen_demo(threshold: float | None = None) -> list[Decision]:
    """Screen the packaged demo payments against the demo list and ownership table.

    Guarantees: one decision per valid demo payment, in file order (malformed demo lines are
    skipped here; `paymon screen` shows them as rejects).
    """
    from screening.match import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    state = load_state(
        [DEMO_DATA / "demo_list.jsonl"], [DEMO_DATA / "demo_ownership.csv"], threshold=threshold
    )
    decisions: list[Decision] = []
    with (DEMO_DATA / "demo_payments.jsonl").open("rb") as lines:
        screen_lines(
            lines,
            state,
            threshold=threshold,
            write_decision=lambda raw: decisions.append(msgspec.json.decode(raw, type=Decision)),
            write_reject=lambda raw: None,
        )
    return decisions


def render_decision(decision: Decision) -> str:
    """A decision as a few readable lines: verdict, then one line per hit with its explanation."""
    if decision.decision == "pass":
        return f"PASS   {decision.payment_id}"
    out = [f"ALERT  {decision.payment_id}  (alert_id {decision.alert_id})"]
    for hit in decision.hits:
        out.append(
            f"  {hit.role:<18} {hit.reason:<10} {hit.score:.2f}  {hit.query!r} -> {hit.entry_name} "
            f"[{hit.entry_id}; {listing_label(hit.authorities, hit.programs)}]"
        )
        out.append(f"  {'':<18} {hit.explanation}")
        out.extend(f"  {'':<18} owned: {hop}" for hop in hit.ownership_path)
    return "\n".join(out)


def _screen_command(args: argparse.Namespace) -> int:
    """`paymon screen`: decisions to --output, rejects to --rejects; 0 when every line was handled."""
    threshold = _threshold(args)
    state = load_state(
        args.lists, args.ownership, args.regime, args.authority, verbose=args.verbose, threshold=threshold
    )
    with contextlib.ExitStack() as stack:
        lines = _open_input(args.input, stack)
        output = _open_output(args.output, stack)
        rejects = _open_rejects(args.rejects, stack)
        counts = screen_lines(
            lines, state, threshold=threshold, write_decision=output.write, write_reject=rejects.write
        )
        output.flush()
    print(
        f"paymon: screened {counts.screened} payments, {counts.alerts} alerts, {counts.rejected} rejected",
        file=sys.stderr,
    )
    return 0


def _match_command(args: argparse.Namespace) -> int:
    """`paymon match`: listed entries carrying NAME as a BIC/LEI, then the best name matches."""
    threshold = _threshold(args)
    state = load_state(args.lists, [], authorities=args.authority, verbose=args.verbose)
    identified = _identifier_matches(state, args.name)
    matches = state.index.match_name(
        args.name,
        kind=args.kind,
        country=args.country,
        birth_date=args.birth_date,
        threshold=threshold,
        limit=args.limit,
    )
    if args.json:
        for scheme, value, entry in identified:
            record = {**_entry_record(entry), "matched_name": f"{scheme} {value}", "score": 1.0}
            record["explanation"] = f"identifier_match: {scheme} {value} is listed"
            sys.stdout.write(_json.encode(record).decode() + "\n")
        for match in matches:
            sys.stdout.write(_json.encode(_match_record(match)).decode() + "\n")
        return 0
    for scheme, value, entry in identified:
        print(f" =  1.000  {entry.primary_name}  [{_entry_label(entry)}]")
        print(f"      identifier_match: {scheme} {value} is listed for this entry")
    if not matches and not identified:
        print(f"no listed name matches {args.name!r} at threshold {threshold:g}")
        return 0
    for rank, match in enumerate(matches, start=1):
        entry = match.entry
        print(f"{rank:>2}. {match.score:.3f}  {entry.primary_name}  [{_entry_label(entry)}]")
        if match.matched_name != entry.primary_name:
            print(f"      matched name: {match.matched_name}")
        print(f"      {match.explanation}")
    return 0


def _identifier_matches(state: ScreeningState, text: str) -> list[tuple[str, str, ListEntry]]:
    """(scheme label, normalised value, entry) for entries listing `text` as a BIC or LEI, when
    it has the shape of one."""
    from screening.model import IdentifierScheme

    compact = text.replace(" ", "").upper()
    found: list[tuple[str, str, ListEntry]] = []
    if _BIC_SHAPE.fullmatch(compact):
        found += [("BIC", compact, e) for e in state.index.match_identifier(IdentifierScheme.BIC, compact)]
    if _LEI_SHAPE.fullmatch(compact):
        found += [("LEI", compact, e) for e in state.index.match_identifier(IdentifierScheme.LEI, compact)]
    return found


def _entry_label(entry: ListEntry) -> str:
    """'entry_id; type; authorities: programs' for the human-readable listings."""
    return f"{entry.entry_id}; {entry.entry_type}; {listing_label(entry.authority_codes(), entry.programs)}"


def listing_label(authorities: Iterable[str], programs: Iterable[str]) -> str:
    """'eu, uk: UKR, Russia' (who lists the entry, then its programmes) for readable output."""
    who = ", ".join(authorities) or "-"
    return f"{who}: {', '.join(programs) or '-'}"


def _compare_command(args: argparse.Namespace) -> int:
    """`paymon compare`: the score of two names against each other, with each feature."""
    from screening.match import compare_names

    first, second = args.names
    comparison = compare_names(first, second, kind=args.kind)
    if args.json:
        record = {
            "a": first,
            "b": second,
            "kind": args.kind,
            "score": comparison.score,
            "explanation": comparison.explanation,
            "features": dict(comparison.features),
        }
        sys.stdout.write(_json.encode(record).decode() + "\n")
        return 0
    print(f"score {comparison.score:.3f}  {first!r} vs {second!r} ({args.kind})")
    print(f"  {comparison.explanation}")
    for feature, value in comparison.features:
        print(f"  {feature:<28} {value:.3f}")
    return 0


def _entry_record(entry: ListEntry) -> dict[str, Any]:
    """The JSON-ready description of a listed entry shared by `paymon match --json` records."""
    return {
        "entry_id": entry.entry_id,
        "entry_name": entry.primary_name,
        "entry_type": str(entry.entry_type),
        "list": entry.list_name,
        "authorities": list(entry.authority_codes()),
        "programs": list(entry.programs),
        "datasets": list(entry.datasets),
    }


def _match_record(match: NameMatch) -> dict[str, Any]:
    """A JSON-ready view of one name match for `paymon match --json`."""
    return {
        **_entry_record(match.entry),
        "matched_name": match.matched_name,
        "score": match.score,
        "explanation": match.explanation,
        "features": dict(match.features),
    }


def warning_lines(warnings: Sequence[str], *, verbose: bool) -> list[str]:
    """What to print of the list loaders' warnings: with `verbose` each one; else one line per
    kind of warning (the same text but for its location and numbers) with its count and its
    first occurrence, so thousands of skipped alias rows do not bury the output."""
    if verbose:
        return [f"paymon: warning: {warning}" for warning in warnings]
    kinds: dict[str, list[str]] = {}
    for warning in warnings:
        kind = _WARNING_NUMBER.sub("N", _WARNING_LOCATION.sub("", warning))
        kinds.setdefault(kind, []).append(warning)
    lines = []
    for same in kinds.values():
        if len(same) == 1:
            lines.append(f"paymon: warning: {same[0]}")
        else:
            lines.append(f"paymon: warning: {len(same)} like this (--verbose lists each): {same[0]}")
    return lines


def _add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """The --lists, --authority and --verbose options shared by screen and match."""
    parser.add_argument(
        "--lists",
        nargs="+",
        type=Path,
        required=True,
        metavar="PATH",
        help="list files or folders (OFAC CSV folder, UN XML, EU FSF XML, UK Sanctions List XML, "
        "OpenSanctions FtM JSONL, paymon JSONL); later paths update earlier ones",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print every list warning (default: one line per kind)"
    )
    parser.add_argument(
        "--authority",
        type=_authorities,
        default=None,
        metavar="A[,B]",
        help="screen only entries these authorities list: ofac, un, eu, uk, or an OpenSanctions "
        "dataset name (e.g. ch_seco_sanctions); default: every loaded entry",
    )


def _add_threshold_argument(parser: argparse.ArgumentParser) -> None:
    """The --threshold option; its default is the matcher's DEFAULT_THRESHOLD."""
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="X",
        help="minimum score in [0, 1] for a name hit (default: the matcher's DEFAULT_THRESHOLD)",
    )


def _threshold(args: argparse.Namespace) -> float:
    """The threshold asked for, or the matcher's default; CommandError outside [0, 1]."""
    from screening.match import DEFAULT_THRESHOLD

    if args.threshold is None:
        return float(DEFAULT_THRESHOLD)
    value = float(args.threshold)
    if not 0.0 <= value <= 1.0:
        raise CommandError(f"--threshold must be between 0 and 1, got {args.threshold}")
    return value


def _authorities(text: str) -> frozenset[str]:
    """argparse type for 'eu,uk': the authority codes, lower-cased."""
    from screening.lists.authorities import parse_authorities

    try:
        return parse_authorities(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    """argparse type for a count >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _require_paths(paths: Sequence[Path], what: str) -> None:
    """CommandError naming the first path that does not exist."""
    for path in paths:
        if not path.exists():
            raise CommandError(f"{what} path not found: {path}")


def _open_input(name: str, stack: contextlib.ExitStack) -> Iterator[bytes]:
    """Binary lines of the payments file, or of stdin for '-'."""
    if name == "-":
        return iter(sys.stdin.buffer)
    try:
        handle = stack.enter_context(open(name, "rb"))  # noqa: SIM115 (the stack closes it)
    except OSError as exc:
        raise CommandError(f"cannot read --input {name}: {exc.strerror or exc}") from exc
    return iter(handle)


def _open_output(name: str, stack: contextlib.ExitStack) -> IO[bytes]:
    """A binary writer for decisions: the file, or stdout for '-'."""
    if name == "-":
        return sys.stdout.buffer
    try:
        return stack.enter_context(open(name, "wb"))
    except OSError as exc:
        raise CommandError(f"cannot write --output {name}: {exc.strerror or exc}") from exc


def _open_rejects(path: Path | None, stack: contextlib.ExitStack) -> IO[bytes]:
    """A binary writer for rejected lines: the file, or stderr when no file is given."""
    if path is None:
        return sys.stderr.buffer
    try:
        return stack.enter_context(path.open("wb"))
    except OSError as exc:
        raise CommandError(f"cannot write --rejects {path}: {exc.strerror or exc}") from exc


def _now() -> str:
    """The current UTC time as RFC 3339 with milliseconds and a Z suffix."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
