"""Every number and word list the matcher reads, in one frozen `ScreeningParams`.

The Rust engine (`native/`) receives `ScreeningParams.native_config()` when an index is built and
holds no literal of its own; the Python side (bounds, free-text scan, qualifiers) reads the same
object. Where a number came from is said beside it. Change one by building an index with
`ScreeningParams(...)`, never by editing a copy somewhere else.

The alert threshold is not here: it is an operator setting (`PAYMON_THRESHOLD`, `--threshold`)
passed to every look-up; `DEFAULT_THRESHOLD` is only what the settings and the CLI start from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from screening.names import (
    GENERIC_WEIGHT,
    GENERIC_WORDS,
    PARTICLES,
    PATRONYMIC_ENDINGS,
    ROMANISED_FINALS,
    ROMANISED_INITIALS,
    SKELETON_LETTERS,
    SKELETON_VOWELS,
    SYLLABIC_RANGES,
)
from screening.readings import SYLLABLE_VARIANTS

__all__ = ["DEFAULT_PARAMS", "DEFAULT_THRESHOLD", "ScreeningParams"]

# Default alert threshold. Where it came from: `python -m bench.accuracy --sweep` on the 826-pair
# name bench (`name_bench_cases.csv`): F1 0.901 at 0.68-0.70 (P 0.923, R 0.880), 0.892 at 0.66,
# 0.897 at 0.72, 0.896 at 0.74, 0.881 at 0.76, 0.864 at 0.62. 0.70 is the top of the plateau and
# the same nominal threshold as nomenklatura logic-v2 (F1 0.794, P 0.762 there).
DEFAULT_THRESHOLD = 0.70


@dataclass(frozen=True, slots=True)
class ScreeningParams:
    """The matcher's parameters (see each field's comment for where its value came from).

    Guarantees: immutable; `native_config()` carries every field to the Rust engine, so both
    sides read the same values.
    """

    # ------------------------------------------------------------------ vocabulary (names.py)
    # A particle or generic word counts this fraction of a distinctive token (names.py).
    generic_weight: float = GENERIC_WEIGHT
    particles: frozenset[str] = PARTICLES
    generic_words: frozenset[str] = GENERIC_WORDS
    # consonant skeleton: each letter's replacement, vowels dropped (names.py)
    skeleton_map: tuple[tuple[str, str], ...] = (
        *SKELETON_LETTERS,
        *((vowel, "") for vowel in SKELETON_VOWELS),
    )
    # (first code point, last code point, script) of the scripts whose characters are syllables
    syllabic_ranges: tuple[tuple[int, int, str], ...] = SYLLABIC_RANGES
    # ... and of the abjads, which leave short vowels unwritten (Arabic, Hebrew): only their
    # transliterations may differ from a listed spelling by whole vowels (`mhmd` ~ `mohamed`).
    abjad_ranges: tuple[tuple[int, int, str], ...] = (
        (0x0590, 0x05FF, "hebrew"),
        (0xFB1D, 0xFB4F, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE70, 0xFEFF, "arabic"),
    )
    # Spellings of one Han or Hangul name syllable, a group per string (screening.readings).
    syllable_variants: tuple[str, ...] = SYLLABLE_VARIANTS

    # ------------------------------------------------------------------ token pairs
    # Token-pair similarities (OSA similarity, 1 - edits / longer length, a swap of two letters
    # being one edit) below this are not a pair at all but two different words: 0.65 lets
    # `schulze`~`scholz` (2 edits in 7) pair while `frank`~`frederik` does not. Value from the name
    # bench sweep (`python -m bench.accuracy --sweep`; grid over this, typo_floor,
    # short_side_weight, conflict_factor). The similarities and factors below are judgement values
    # checked on the name bench: moving any one by +-0.1 changes F1 by at most 0.004, except
    # conflict_factor (0.9 costs 0.027) and single_token_factor (0.75 costs 0.004), which were
    # therefore swept on a grid.
    min_pair_similarity: float = 0.65
    # An initial stands for any word starting with it; it identifies less than the full word.
    initial_similarity: float = 0.8
    # `Ben` ~ `Benjamin`, `Alex` ~ `Alexander`: a person's short form is a prefix of the long form.
    prefix_similarity: float = 0.75
    min_prefix_length: int = 3
    # Pairs by edit distance: similarity at or below this floor earns no credit, 1 earns all: one
    # edit in a long word costs little, two in a short word a lot. Same sweep (0.3 best of 0.2-0.6).
    typo_floor: float = 0.3
    # ... and a pair more than this many edits apart (OSA) is no typo at all: names built on one
    # stem differ in three letters (`Monteiro`/`Montenegro`, `Pezeshfar`/`Pezeshkian`). On the name
    # bench 3+-edit typo pairs were 8 non-matches to 1 match; 2-edit pairs are mostly matches.
    max_typo_edits: int = 2
    # `Jong-uun`/`Jong-un`, `Mohammed`/`Mohamed`: a doubled letter is a spelling habit.
    doubled_letter_similarity: float = 0.95
    # `U.S.`/`United States`, `PLA`/`People's Liberation Army`: a word made of the other's initials.
    acronym_similarity: float = 0.9
    # `Intl`/`International`: a contraction of a generic business word keeps its first and last
    # letter and some in between, in order (organisations only; `batr` is not `bogatyr`).
    abbreviation_similarity: float = 0.85
    min_acronym_length: int = 2
    max_acronym_length: int = 6
    # Latin spellings with the same consonant skeleton (`husayn`/`hussein`) are variants of one name
    spelling_variant_similarity: float = 0.85
    min_skeleton_length: int = 3
    # ... and start alike and have about the same length (`batr` is not `battery`).
    spelling_variant_min_length_ratio: float = 0.75
    # A transliterated name matched only on its consonant skeleton is good but not certain evidence.
    skeleton_discount: float = 0.9
    # Across scripts a word pairs only as a sound: the same skeleton of at least this many
    # consonants and the same first sound earns `skeleton_discount`; skeletons of at least
    # `transliteration_near_min_skeleton_length` consonants one romanisation variant apart
    # (`romanisation_dropped_letters`, `romanisation_swapped_letters`) earn
    # `transliteration_near_similarity`; nothing else. `bench.false_alerts`: a partial credit for
    # skeletons that merely resembled each other (`hiroshi`/`takashi`) and one-consonant skeletons
    # (`li`/`luo`) carried most cross-script false alerts; the recall checks held.
    transliteration_min_skeleton_length: int = 2
    transliteration_near_min_skeleton_length: int = 3
    transliteration_near_similarity: float = 0.8
    # The one consonant by which two romanisations of a name are known to differ. Letters one
    # adds or drops: the `h` of a digraph (`kh`/`h`, `mktb` ~ `makhtab`); the `v` of a w/u
    # (`juhr` ~ `jawhar`); the `l` of an assimilated article (`alsbar` ~ `essabar`); the `j` of
    # й or י (`dmitrij` ~ `dmitry`, `binyamin` ~ `benjamin`); a final `t` of ta marbuta (`hmzt`
    # ~ `hamza`); a final `s` of a Greek nominative (`aleksandros` ~ `alexander`); `k` before
    # `h` (`ahmed` ~ `akhmed`); `t` before `s` (`yzhq` ~ `yitzhak`). Letters one writes for the
    # other: `d`/`s` of ض ذ ظ (`fdl` ~ `fazl`); `k`/`s` of a French `c` (`lunisi` ~ `lounici`);
    # `j`/`k` and `j`/`g` of ج (`rjb` ~ `ragab`, `serej` ~ `sergei`); a final `h`/`t` of ta
    # marbuta (`mughniyah`); a final `m`/`n`. Each entry is the letter(s), then where: nothing
    # (anywhere), `-` (not last), `$` (last only) or `>x` (just before `x`).
    # `bench.script_recall` keeps the pairs it found but one with them; any other consonant
    # (`mhna` ~ `marian`, `hust` ~ `hosni`, `sghiri` ~ `zakariya`) paired about 100 innocent
    # names of `bench.false_alerts`.
    romanisation_dropped_letters: tuple[str, ...] = ("h", "v", "l-", "j", "t$", "s$", "k>h", "t>s")
    romanisation_swapped_letters: tuple[str, ...] = ("ds", "ks", "jk", "gj", "ht$", "mn$")
    # An abjad writes a word's final long `i` (ي, ی: the nisba of `Hashimi`, `Akbari`), so across
    # an abjad a word ending in one of these letters does not pair by sound with a word ending in
    # a consonant (`akbr` is not `AKBARI`, `hashm` not `HASHIMI`, `nuri` not `NOOR`).
    # `bench.false_alerts`: about 20 Arabic and Hebrew innocent names; `bench.script_recall` lost
    # one UN name whose match hung on `abdaluli` ~ `abdul` (عبدالولی صدیقی ~ ABDUL WALI SEDDIQI).
    abjad_written_final_vowels: str = "i"
    # From a script that writes its vowels (Cyrillic, Greek, Indic, Thai) a transliteration also
    # writes whether a consonant is voiced: its sound pairs compare skeletons that keep voicing
    # (only these rewrites, vowels dropped): `pragati` is not `BARAKAT`, `zafeiri` not `SAFERI`.
    voiced_skeleton_map: tuple[tuple[str, str], ...] = (
        ("c", "k"),
        ("q", "k"),
        ("w", "v"),
        ("x", "ks"),
        *((vowel, "") for vowel in SKELETON_VOWELS),
    )
    # ... and, from a script that writes its vowels (Cyrillic, Greek, Indic, Thai), only when the
    # words also place their vowels alike: the similarity of their vowel keys (consonants as in
    # the skeleton, each run of vowels one `a`) at least this. `bench.false_alerts`: `rudik` ~
    # `RDC`, `skhopia` ~ `SAHAB` paired on consonants alone; `aleksandros` ~ `alexander` (0.82)
    # and `dmitrij` ~ `dmitry` (0.86) still pair.
    transliteration_min_vowel_similarity: float = 0.75
    # A syllable read from Han or Hangul pairs across scripts only with an equal word or one of
    # its spellings in `syllable_variants`, credited this much (a spelling, not a typo) ...
    syllable_variant_similarity: float = 0.9
    # Joined/split words: the two names equal once spaces are removed (`TSMR Bank` vs `TSMRBANK`).
    joined_similarity: float = 0.97
    # Two joined tokens vs one word: at most one edit in five (`tsmr bank` ~ `tsmrbank`) ...
    joined_min_similarity: float = 0.8
    # ... and the two joined words at most this many letters longer than the word.
    joined_max_extra_letters: int = 2
    # `Oleksandrovych` is the son of an Oleksandr, not a long form of the name: East Slavic
    # patronymics (names.py) plus the Turkic and South Slavic endings, and the English and
    # Scandinavian ones (`Johnson` is not `John`, `Hansen` not `Hans`: `Ryan Johnson` ~ `RYAN,
    # John` 0.88).
    patronymic_suffixes: tuple[str, ...] = (*PATRONYMIC_ENDINGS, "oglu", "ogly", "ovic", "son", "sen")
    # `X bin Y`: the word before one of these is the person's own name.
    patronymic_words: frozenset[str] = frozenset({"bin", "ibn", "bint", "ben"})

    # ------------------------------------------------------------------ the score
    # The shorter name's coverage weighs this much, the longer one's the rest. The sweep found 0.5
    # (a plain average, which keeps the score symmetric) as good as 0.6-0.7.
    short_side_weight: float = 0.5
    # Each side has a distinctive token the other lacks: multiply by this (name bench: differing
    # surnames/given names must fall well under the threshold; 0.7 and 0.8 tie in the sweep).
    conflict_factor: float = 0.8
    # `Salman bin Muhammad` vs `Muhammad bin Salman`: the son is not the father.
    patronymic_swap_factor: float = 0.6
    # A kunya (`Abu Maryam`, "father of Maryam") is one name with the word beside it (after it,
    # or before it where a list writes `'ASRA, Abu`): two names whose kunya words pair while the
    # words beside them do not (`Maryam Abu Ghalyoun` vs `ABU-MARYAM`) are other people.
    # `bench.false_alerts`: about 20 Arabic innocent names; `bench.script_recall` lost none.
    kunya_words: frozenset[str] = frozenset({"abu", "abou", "abo", "umm", "um"})
    kunya_apart_factor: float = 0.6
    # Only one distinctive token on the short side while the long side has several: `WALIJAN`
    # alone says little about `WALIJAN ABDUL GHAFOOR HAQQANI`.
    single_token_factor: float = 0.85
    # A name of one distinctive word, not a person's, paired across scripts by sound alone on a
    # skeleton of at most `single_word_by_sound_max_consonants` consonants (`حمامي Ltd` ~ `HOMA`,
    # `آل رفيع` ~ `RFA`: 0.90) is multiplied by this, which puts such a pair under the threshold;
    # a person's single name (`משה` ~ `Moshe`) keeps its score, and so do a longer skeleton
    # (`بانک پارسیان` ~ `PARSIAN BANK`, `کارآفرین` ~ `KARAFARIN`: real listed banks) and a sound
    # pair beside any other (`پست بانک` ~ `POST BANK`). `bench.false_alerts`, false alerts /
    # homonyms: no bound 530 / 61 (the banks lost), at most 2 consonants 633 / 86, at most 3 and
    # nothing else paired 552 / 67.
    # (A word of 3 consonants alone, `بدر` ~ `BADR`, is weak evidence.)
    single_word_by_sound_factor: float = 0.75
    single_word_by_sound_max_consonants: int = 3
    # Two names written in romanised syllables (every word a syllable or syllables joined: `Lei
    # Chang`, `HSIEH Mei-ling`) pairing two different syllables as a typo or spelling variant
    # (`lei`/`wei`, `zhong`/`zhang`), or a syllable as the short form of a joined given name
    # (`min` ~ `mingfu`), are multiplied by this: each syllable is a whole name part (Han and
    # Hangul originals pair only as known spellings of one syllable, `syllable_unpaired`). Set so
    # that a spelling variant of one syllable of two (0.93) falls under the threshold.
    # `bench.false_alerts`: about 90 of the 238 Latin false alerts were romanised Chinese names.
    syllable_misread_factor: float = 0.7
    # ... a syllable being one of these initials (or none) and one of these finals (names.py).
    romanised_initials: frozenset[str] = ROMANISED_INITIALS
    romanised_finals: frozenset[str] = ROMANISED_FINALS
    romanised_initial_max_letters: int = max(map(len, ROMANISED_INITIALS))
    romanised_syllable_max_letters: int = max(map(len, ROMANISED_INITIALS)) + max(map(len, ROMANISED_FINALS))
    # ... and a word of at most this many syllables (a Chinese given name has two, `xiaobing`;
    # with three, `benjamin netanyahu` would read as romanised syllables: name bench F1 -0.001).
    romanised_word_max_syllables: int = 2
    # A person's name across scripts resting on one pair of distinctive words, paired by sound or
    # as words joined, while a word of either name stays unpaired (`আরিয়ান উদ্দিন` ~ `La Arana`,
    # `ডলি দে` ~ `DULE`: 0.82; `احسان ضابطی` ~ `AH SAN`: 0.75) is multiplied by this; a single name
    # alone keeps its score (`משה` ~ `Moshe`). `bench.false_alerts`: about 20 Bengali,
    # Devanagari, Cyrillic and Arabic innocent names; the recall sets lost none.
    lone_word_by_sound_factor: float = 0.75
    # A company's one distinctive word of more consonants than `single_word_by_sound_max_consonants`
    # paired by sound alone with a word spelt unalike (OSA similarity under
    # `unalike_word_max_similarity`: `मिस्त्री Ltd` ~ `MAESTRO` 0.90, `Савельева` ~ `SWALLOW`) is
    # multiplied by this: a company's name is a word of its own, spelt much the same in any
    # script (`پارسیان` ~ `PARSIAN` 0.86, `Аэроскан` ~ `AEROSCAN` keep their score).
    unalike_word_by_sound_factor: float = 0.75
    unalike_word_max_similarity: float = 0.75
    # A company's one distinctive word paired across scripts only as a typo (`महरा Inc` ~ `MANARA`,
    # `Ткач Ltd` ~ `KACH`: 0.76, 0.71) is multiplied by this: a transliteration makes no typos, a
    # letter apart is another word. `bench.false_alerts`: 12 Devanagari, Cyrillic and Arabic
    # innocent companies; the recall sets lost none (`ザラ・アエロ` ~ `ZALA AERO` pairs `aero` too).
    company_word_by_typo_factor: float = 0.75
    # (a single distinctive token: a distinctive weight of at most this, against at least that)
    single_token_max_weight: float = 1.0
    several_tokens_min_weight: float = 2.0
    # ... and every syllable counts: a distinctive word of either name left unpaired when one
    # name is read from Han or Hangul multiplies by this (`张建华` is not `ZHANG Jian`, `李宇` not
    # `LI Cheng Yu`: in these scripts a missing syllable is another given name). Set so that one
    # syllable of three missing (0.83) falls under the threshold.
    syllable_unpaired_factor: float = 0.8
    # Numbers identify (`Fund 23` vs `Fund 24`); differing numbers multiply by this.
    number_conflict_factor: float = 0.9
    # Generic words never make a hit on their own: the score cannot exceed this.
    generic_only_cap: float = 0.5

    # ------------------------------------------------------------------ qualifiers
    # Applied when the caller knows them and the entry lists them.
    country_mismatch_penalty: float = 0.10
    birth_year_mismatch_penalty: float = 0.15
    birth_date_match_bonus: float = 0.05
    # A weak alias (OFAC 'weak a.k.a.', UN low-quality) only counts when practically exact.
    weak_alias_min_score: float = 0.97
    # A partial match sharing only words found in more than this many listed names (`Maria
    # Sanchez` inside `SANCHEZ CARLON, Diana Maria`) is multiplied by `common_words_factor`.
    common_word_names: int = 20
    common_words_factor: float = 0.85

    # ------------------------------------------------------------------ retrieval
    # Words shorter than this get no typo neighbourhood (two letters: an edit is another word).
    min_fuzzy_length: int = 3
    # Query words shorter than this are not looked up (a lone letter is an initial).
    min_query_word_length: int = 2
    # Joined adjacent-token keys held by more names than this are not indexed (too common).
    max_joined_postings: int = 30
    # Candidates fully compared per look-up.
    max_candidates: int = 12
    # Words this long may hide a typo of two edits from retrieval (shorter ones are assumed not
    # to: a trade of recall for speed measured by `bench.speed` against brute force) ...
    hidden_typo_min_length: int = 7
    # ... and at most this many of a query's words are assumed to hide one.
    max_hidden_typos: int = 1
    # Postings read before common words only add evidence to candidates already found.
    candidate_budget: int = 80
    # Among equal rarity the shorter listed name first: this much rarity per unit of weight.
    tie_break: float = 1e-3
    # Numbers this long (`RA-78796`) open candidates like distinctive words.
    min_key_number_length: int = 3
    # Candidates checked for the evidence of a common word, and for the bound of the comparison.
    max_evidence_checks: int = 160
    max_bound_checks: int = 32
    # Skeletons shorter than this are too short to look transliterated names up by.
    min_retrieval_skeleton_length: int = 2
    # Scores are rounded to this many decimals (`clamp_score`, and the Rust engine) ...
    score_decimals: int = 4
    # ... so bounds are compared with thresholds half a last decimal more generously (derived).
    score_rounding: float = field(default=5e-5, init=False)

    # ------------------------------------------------------------------ free text
    # Windows are at most this many words long.
    max_scan_tokens: int = 8
    # Listed names compared per text, and anchor positions per name.
    max_scan_candidates: int = 24
    max_scan_anchors: int = 4
    # A listed word in more names than this anchors nothing in free text (`ocean`, `star`).
    scan_max_postings: int = 40
    # A name with a single distinctive token needs that exact word, at least this long.
    scan_min_single_token_length: int = 5
    # Text words shorter than this are never anchors, and only words at least
    # `scan_min_fuzzy_anchor_length` long may anchor through a typo.
    scan_min_anchor_length: int = 3
    scan_min_fuzzy_anchor_length: int = 5

    # Not sent to Rust: Python-side memo sizes.
    word_cache_size: int = field(default=1 << 15, metadata={"python_only": True})
    mask_cache_size: int = field(default=1 << 17, metadata={"python_only": True})

    def __post_init__(self) -> None:
        object.__setattr__(self, "score_rounding", 0.5 * 10.0**-self.score_decimals)

    def clamp_score(self, score: float) -> float:
        """`score` rounded to `score_decimals` and clamped to [0, 1]: the one rounding every
        score the matcher reports goes through (the Rust engine rounds by the same field)."""
        return min(1.0, max(0.0, round(score, self.score_decimals)))

    def native_config(self) -> dict[str, Any]:
        """Every field the Rust engine reads, keyed by field name (sets as sorted lists)."""
        config: dict[str, Any] = {}
        for spec in fields(self):
            if spec.metadata.get("python_only"):
                continue
            value = getattr(self, spec.name)
            if spec.name.endswith("skeleton_map"):
                value = dict(value)
            elif spec.name == "syllable_variants":
                value = [group.split() for group in value]
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            config[spec.name] = value
        return config


DEFAULT_PARAMS = ScreeningParams()
