"""Loading OpenSanctions FollowTheMoney data at the scale of OpenSanctions' largest collections.

Run: `.venv/bin/python -m bench.ftm_load [--entities 500000]`

Generates an `entities.ftm.json` of about `--entities` entities from the shapes of the real samples
in ../shared (`zala-cluster.ftm.json`, `eu-fsf-sample.ftm.json`): each sample entity is copied
once per replica with its schema, its properties and the number of values of each, its links
(Sanction -> entity, Ownership owner/asset, Address, Passport) rewired inside the replica, and
every name replaced by a generated one, so no two replicas share a name: a base name of 2-4
syllable-built tokens per entity, spelt as the samples spell theirs (as is, upper-case surname
first, Cyrillic, Greek or Arabic transliteration, a one-letter variant), about 2% of names in
Chinese characters. Identifiers get fresh digits.

Then, each in a fresh process so resident memory is its own: the OFAC load of bench.lists_load
(SDN 2024-05-03 + Dec 2025 aliases + Sept 2024 update, the baseline measured in the same run) and
the generated FtM file, each loaded with `load_lists` and indexed with `ListIndex.build` as a
worker does. Prints load and index seconds (wall and CPU), entries and names, resident memory
after loading, after the index and at peak (VmHWM), the index's cost per name, and the ratios
FtM / OFAC. Needs ../shared; exits with a message when it is absent. Figures are noisy on a
shared machine: CPU seconds are the stable ones.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lists"
SAMPLES = (
    SHARED / "opensanctions" / "zala-cluster.ftm.json",
    SHARED / "opensanctions" / "eu-fsf-sample.ftm.json",
)
OFAC_SOURCES = ("ofac-sdn-2024-05-03", "ofac-aliases-2025-12", "ofac-sdn-2024-09-update")
# The resident-memory budget of one worker holding the lists and their index.
WORKER_BUDGET_MB = 2048
_NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "abbreviation")
_REF_PROPS = (
    "entity",
    "owner",
    "asset",
    "holder",
    "addressEntity",
    "director",
    "organization",
    "person",
    "relative",
)
_ID_PROPS = (
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "idNumber",
    "passportNumber",
    "leiCode",
    "number",
)
_SYLLABLES = (
    "ka", "ri", "mo", "ta", "len", "vor", "bel", "dra", "gen", "sti", "na", "lo", "ve", "rus",
    "ban", "tor", "mi", "shal", "ek", "ul", "zan", "per", "dov", "rin", "kov", "ash", "el", "ir",
    "mar", "ten", "sol", "va", "dek", "hum", "yar", "bor", "lin", "fa", "zo", "qui", "ned", "ost",
)
_CYRILLIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "абкдефгхийклмнопкрстувшксз", strict=True))
_GREEK = dict(zip("abcdefghijklmnopqrstuvwxyz", "αβκδεφγηιξκλμνοπκρστυβωξυζ", strict=True))
_ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنه", strict=True))
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def _token(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _spellings(rng: random.Random, schema: str, count: int) -> list[str]:
    """`count` spellings of one generated name, as the samples vary theirs."""
    tokens = [_token(rng) for _ in range(rng.randint(2, 4))]
    if schema in ("Company", "Organization", "LegalEntity"):
        tokens = [rng.choice(("LLC", "JSC", "OOO", "Holding", "Trading", "Group")), *tokens]
    base = " ".join(tokens)
    out = [base]
    makers = (
        lambda: f"{tokens[-1].upper()}, {' '.join(tokens[:-1])}",
        lambda: "".join(_CYRILLIC.get(c, c) for c in base.lower()),
        lambda: "".join(_GREEK.get(c, c) for c in base.lower()),
        lambda: "".join(_ARABIC.get(c, c) for c in base.lower()),
        lambda: base.upper(),
        lambda: base.replace(base[len(base) // 2], rng.choice("aeiouy"), 1),
        lambda: " ".join(reversed(tokens)),
        lambda: "".join(rng.choice(_HAN) for _ in range(rng.randint(2, 4))),
    )
    while len(out) < count:
        out.append(rng.choice(makers)())
    return out[:count]


def generate(path: Path, entities: int, seed: int = 20260301) -> int:
    """Write about `entities` generated entities to `path`; returns how many were written."""
    rng = random.Random(seed)
    templates = [json.loads(line) for sample in SAMPLES for line in sample.read_text().splitlines() if line]
    replicas = max(1, round(entities / len(templates)))
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for r in range(replicas):
            for template in templates:
                props: dict[str, list[str]] = {}
                names: list[str] | None = None
                for key, values in template["properties"].items():
                    if key in _REF_PROPS:
                        props[key] = [f"{v}-{r}" for v in values]
                    elif key in _NAME_PROPS:
                        if names is None:
                            count = sum(len(template["properties"].get(k, ())) for k in _NAME_PROPS)
                            names = _spellings(rng, template["schema"], count)
                        props[key], names = names[: len(values)], names[len(values) :]
                    elif key in _ID_PROPS:
                        props[key] = [str(rng.randrange(10**9, 10**10)) for _ in values]
                    else:
                        props[key] = values
                entity = {**template, "id": f"{template['id']}-{r}", "properties": props}
                if "name" in props:
                    entity["caption"] = props["name"][0]
                out.write(json.dumps(entity, ensure_ascii=False) + "\n")
                written += 1
    return written


def _status() -> dict[str, int]:
    """VmRSS and VmHWM of this process in kB."""
    out: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def measure(paths: list[Path]) -> dict[str, Any]:
    """Load `paths` and build the index in this process; the figures of one measurement."""
    from screening.index import ListIndex
    from screening.lists import load_lists

    gc.collect()
    start_rss = _status()["VmRSS"]
    wall, cpu = time.perf_counter(), time.process_time()
    loaded = load_lists(paths)
    load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    gc.collect()
    loaded_rss = _status()["VmRSS"]
    wall, cpu = time.perf_counter(), time.process_time()
    index = ListIndex.build(loaded.entries.values())
    index_wall, index_cpu = time.perf_counter() - wall, time.process_time() - cpu
    gc.collect()
    status = _status()
    return {
        "entries": len(index),
        "names": sum(len(e.names()) for e in index.entries.values()),
        "load_wall": load_wall,
        "load_cpu": load_cpu,
        "index_wall": index_wall,
        "index_cpu": index_cpu,
        "start_mb": start_rss / 1024,
        "loaded_mb": loaded_rss / 1024,
        "indexed_mb": status["VmRSS"] / 1024,
        "peak_mb": status["VmHWM"] / 1024,
    }


def _child(paths: list[Path]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ftm_load", "--measure", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def _report(label: str, m: dict[str, Any]) -> None:
    index_mb = m["indexed_mb"] - m["loaded_mb"]
    print(
        f"{label}: {m['entries']:,} entries, {m['names']:,} names; load {m['load_wall']:.1f} s wall / "
        f"{m['load_cpu']:.1f} s CPU; index {m['index_wall']:.1f} s wall / {m['index_cpu']:.1f} s CPU"
    )
    print(
        f"{label}: RSS {m['start_mb']:.0f} MB at start, {m['loaded_mb']:.0f} MB loaded, "
        f"{m['indexed_mb']:.0f} MB indexed, peak {m['peak_mb']:.0f} MB; entries "
        f"{(m['loaded_mb'] - m['start_mb']) * 1024 / max(1, m['entries']):.1f} kB each, index "
        f"{index_mb * 1024 / max(1, m['names']):.2f} kB per name"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 1 when the shared data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=500_000, help="generated FtM entities")
    parser.add_argument("--measure", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    if not all(p.exists() for p in (*SAMPLES, *(SHARED / s for s in OFAC_SOURCES))):
        print(f"the OpenSanctions samples or OFAC lists are not under {SHARED}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="paymon-ftm-bench-") as tmp:
        generated = Path(tmp) / "entities.ftm.json"
        start = time.perf_counter()
        count = generate(generated, args.entities)
        size = generated.stat().st_size
        print(
            f"generated {count:,} FtM entities ({size / 1e6:.0f} MB) from the samples' shapes in "
            f"{time.perf_counter() - start:.1f} s (not timed below)"
        )
        ofac = _child([SHARED / s for s in OFAC_SOURCES])
        _report("baseline OFAC", ofac)
        ftm = _child([generated])
    _report("OpenSanctions FtM", ftm)
    print(
        f"ratio FtM / OFAC: load {ftm['load_cpu'] / ofac['load_cpu']:.1f}x CPU for "
        f"{ftm['entries'] / ofac['entries']:.1f}x the entries and "
        f"{ftm['names'] / ofac['names']:.1f}x the names ({ftm['load_cpu'] / ftm['entries'] * 1e6:.0f} vs "
        f"{ofac['load_cpu'] / ofac['entries'] * 1e6:.0f} us CPU per entry); "
        f"index {ftm['index_cpu'] / ofac['index_cpu']:.1f}x CPU"
    )
    verdict = "within" if ftm["peak_mb"] <= WORKER_BUDGET_MB else "OVER"
    print(
        f"worker holding the FtM lists: peak RSS {ftm['peak_mb']:.0f} MB, "
        f"{verdict} the {WORKER_BUDGET_MB} MB budget"
    )
    # Resident memory grows with entries and names; at the measured rates, how many listed
    # entities of this shape (names per entity as generated) one worker can hold in the budget.
    per_entry_mb = (ftm["indexed_mb"] - ftm["start_mb"]) / max(1, ftm["entries"])
    capacity = (WORKER_BUDGET_MB - ftm["start_mb"]) / per_entry_mb
    print(
        f"at {per_entry_mb * 1024:.1f} kB per listed entity "
        f"({ftm['names'] / max(1, ftm['entries']):.1f} names each, index included) a worker holds "
        f"about {capacity:,.0f} listed entities in {WORKER_BUDGET_MB} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
