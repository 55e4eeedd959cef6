"""Name normalisation: one listed or screened name -> comparable Latin tokens.

Every rule here exists because payments carry names differently from the lists: other scripts
(transliterated to Latin), case and diacritics, punctuation inside abbreviations (`L.L.C.`,
`Cho'ng`), legal forms in any language and position (`OOO`, `Aktsionernoe obshchestvo`, `Co.,
Ltd.`), honorifics, and particles (`al-`, `bin`, `van`). Listed names are normalised once when
the index is built; a screened name once per query.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final, Literal

from rigour._core import extract_org_types as _extract_org_types
from rigour._core import obj_name_prefixes_list, org_name_prefixes_list, person_name_prefixes_list
from rigour._core import remove_org_types as _remove_org_types
from rigour.text.normalize import Cleanup, Normalize

from screening.readings import (
    join_thai_words,
    read_cjk,
    read_hanja_as_korean,
    translate_pinyin_business_words,
)
from screening.transliteration import ascii_text

__all__ = [
    "ARABIC_ARTICLE",
    "COMPOUND_ENDINGS",
    "DROPPED_FIRST",
    "GENERIC_WORDS",
    "PARTICLES",
    "PATRONYMIC_ENDINGS",
    "PATRONYMIC_WEIGHT",
    "REWRITTEN",
    "ROMANISED_FINALS",
    "ROMANISED_INITIALS",
    "SKELETON_LETTERS",
    "SKELETON_MAP",
    "SKELETON_VOWELS",
    "SYLLABIC_RANGES",
    "TOKEN_CACHE_SIZE",
    "NameForm",
    "NormalisedName",
    "consonant_skeleton",
    "has_non_latin",
    "is_syllabic",
    "lookalike_form",
    "name_readings",
    "normalise_name",
    "normalise_text",
    "organisation_legal_form",
    "script_of",
    "token_weight",
    "unmask",
    "visual_form",
    "window_rewrites",
]

# How a name is normalised: people keep every token (a person may be called `Sa` or `Ao`);
# organisations lose their legal form; `any` is treated like an organisation because a legal-form
# token in a person name is rare while in a company name it is the rule; objects (vessels,
# aircraft) keep every token too (`EP-VIP` is an Iranian registration, not a public enterprise)
# and lose only a vessel prefix (`M/V`, `MT`).
NameForm = Literal["person", "organisation", "any", "object"]

# Words that form a compound personal name with the word before them and are often written fused
# to it: Arabic `Allah`/`al-Din` (`Hamidullah`, `Shamsuddin`), Persian `zadeh` (son of),
# Icelandic `dottir` (daughter of), Georgian `shvili` (child of). Fused, they make different names
# look like typos of each other (`Hamidullah`/`Waliullah` share 6 of 10 letters); split off
# (`hamid ullah`), they weigh like particles and the distinctive stems are compared on their own.
COMPOUND_ENDINGS: tuple[str, ...] = (
    "ullah",
    "ollah",
    "allah",
    "uddin",
    "eddin",
    "addin",
    "oddin",
    "zadeh",
    "dottir",
    "shvili",
)
# ... split only when the stem left is a word of its own (`Abdullah` is `abd`+`ullah`: both
# particles, nothing distinctive would be left, so it stays one word).
MIN_COMPOUND_STEM_LENGTH = 3
_COMPOUND_ENDING_SET = frozenset(COMPOUND_ENDINGS)
_MIN_COMPOUND_LENGTH = MIN_COMPOUND_STEM_LENGTH + min(map(len, COMPOUND_ENDINGS))

# Particles of personal names: they carry little identity (`al`, `bin`, `van`, `de`), so they get a
# small weight (see `token_weight`) and never make a match by themselves.
PARTICLES: frozenset[str] = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "ben",
        "abd",
        "de",
        "del",
        "della",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "du",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "ter",
        "ten",
        "y",
        "e",
        "and",
        "und",
        "et",
        "of",
        "the",
        "mc",
        # name-forming words written fused to a name (see `COMPOUND_ENDINGS`)
        *COMPOUND_ENDINGS,
    ]
)

# Words that name what kind of organisation something is rather than which one. Listed alone they
# would match thousands of payments ("International Trade Company"), so they weigh little.
GENERIC_WORDS: frozenset[str] = frozenset(
    [
        "bank",
        "banco",
        "banca",
        "banque",
        "bankasi",
        "commercial",
        "trade",
        "trading",
        "traders",
        "company",
        "companies",
        "co",
        "corp",
        "corporation",
        "incorporated",
        "international",
        "intl",
        "group",
        "groupe",
        "holding",
        "holdings",
        "industries",
        "industry",
        "industrial",
        "enterprise",
        "enterprises",
        "services",
        "service",
        "national",
        "general",
        "global",
        "investment",
        "investments",
        "invest",
        "finance",
        "financial",
        "capital",
        "management",
        "development",
        "import",
        "export",
        "shipping",
        "logistics",
        "energy",
        "technology",
        "technologies",
        "tech",
        "systems",
        "solutions",
        "partners",
        "associates",
        "foundation",
        "fund",
        "organization",
        "organisation",
        "institute",
        "center",
        "centre",
        "agency",
        "office",
        "committee",
        "council",
        "union",
        "association",
        "society",
        "factory",
        "plant",
        "construction",
        "engineering",
        "consulting",
        "products",
        "production",
        "manufacturing",
        "state",
        "limited",
        "ltd",
        "llc",
        "inc",
        "plc",
        "jsc",
        "pjsc",
        "ojsc",
        "cjsc",
        "ooo",
        # non-bank credit organisation (Russian `НКО`): a kind of body, like `bank`
        "nco",
        "nko",
        "oao",
        "zao",
        "pao",
        "ao",
        "sa",
        "ag",
        "gmbh",
        "petroleum",
        "oil",
        "gas",
        "mining",
        "metals",
        "chemical",
        "marine",
        "shipping",
        "maritime",
        "airlines",
        "air",
        "transport",
    ]
)

# Words kept of one name. ISO 20022 party names are at most 140 characters (about 25 words), the
# longest listed names about 30; the cap bounds the (quadratic) alignment on garbage input.
MAX_NAME_TOKENS = 40
# Weights (see `token_weight`): a particle or a generic word counts for this fraction of a
# distinctive token. Chosen on the name bench so that `Bank of X` still needs X to match, while a
# differing `bank`/`trading` alone does not sink an otherwise identical name.
PARTICLE_WEIGHT = 0.2
GENERIC_WEIGHT = 0.3
# East Slavic patronymics (`Viktorovich`, `Ivanovna`): lists give the full three-part name, payments
# usually drop the father's name (`Sergei Lavrov` for `Sergei Viktorovich Lavrov`), and it is
# shared by every child of the father, so it identifies half as much as a given name or surname.
# 0.4-0.6 give the same name-bench result; a missing patronymic then costs a quarter of a name.
PATRONYMIC_WEIGHT = 0.5
PATRONYMIC_ENDINGS: tuple[str, ...] = ("ovich", "evich", "ovych", "evych", "ovna", "evna", "ichna", "ivna")
# ... at least this long: a three-letter father's name and an ending (`Ilyich` is not matched).
MIN_PATRONYMIC_LENGTH = 7

# Characters that join the letters they sit between: `L.L.C.` -> `llc`, `Cho'ng` -> `chong`.
_JOINERS = re.compile(r"[.'`´ʼ’‘ʻʿʾ\u00ad\u200b\u200c\u200d]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# The same rules for ASCII text in one pass (the common case: most payment names are ASCII):
# upper case to lower, the ASCII joiners deleted, every other byte but `[a-z0-9]` a space.
_ASCII_JOINERS = b".'`"
_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if (97 <= c <= 122 or 48 <= c <= 57) else 32 for c in range(256)
)
# Scripts written in syllables, where each syllable of a name is often a name part of its own in
# the Latin spelling (김정은 -> Kim Jong Un, 習近平 -> Xi Jin Ping): split them before transliterating.
# Scripts whose every character is a syllable, often a whole name part: (first, last, script).
SYLLABIC_RANGES: tuple[tuple[int, int, str], ...] = (
    (0xAC00, 0xD7A3, "hangul"),
    (0x4E00, 0x9FFF, "han"),
    (0x3400, 0x4DBF, "han"),
)
# Khmer, which ICU (hence `ascii_text`) does not transliterate at all (`ហ៊ុន` -> `??`): a
# simplified UNGEGN romanisation. Inherent vowels and the two consonant series are not rendered
# (spellings disagree on them) and `ុ` is always `u` (`Hun`; `o` would make `hon`, an honorific
# that `normalise_name` strips); names in another script than the other side's are compared on
# the consonant skeleton anyway (`match._pair_similarity`, lenient), so `pt` ~ `Pot` still pairs.
_KHMER_CONSONANTS = "k kh k kh ng ch chh ch chh nh d th d th n t th t th n b ph p ph m y r l v sh ss s h l"
_KHMER_INDEPENDENT_VOWELS = "a a e ei o ou ou ov rue rueu lue lueu ae ai ao ao au"
_KHMER_VOWEL_SIGNS = "a e ei oe eu u ou uo aeu oea ie e ae ai ao au"
_KHMER = str.maketrans(
    {
        **{chr(0x1780 + i): v for i, v in enumerate(_KHMER_CONSONANTS.split())},
        "\u17a2": "",  # the vowel carrier `អ` has no sound of its own
        **{chr(0x17A3 + i): v for i, v in enumerate(_KHMER_INDEPENDENT_VOWELS.split())},
        **{chr(0x17B6 + i): v for i, v in enumerate(_KHMER_VOWEL_SIGNS.split())},
        "\u17c6": "m",  # nikahit: a final nasal
        "\u17c7": "h",  # reahmuk: a final aspiration
        "\u17cc": "r",  # robat
        # other signs (series shifters, the subscript mark, silencers) have no letter of their own
        **{chr(c): "" for c in (0x17B4, 0x17B5, *range(0x17C8, 0x17CC), *range(0x17CD, 0x17D4), 0x17DD)},
        **{chr(0x17D4 + i): " " for i in range(7)},  # punctuation
        **{chr(0x17E0 + i): str(i) for i in range(10)},  # digits
    }
)
# `ប` with the sign `៉` is read `p` (`ប៉ុល ពត` -> `pul pt`, Pol Pot).
_KHMER_P = re.compile("\u1794\u17c9")
# Arabic `ع` (ʿayn) carries a vowel the script leaves unwritten (ʿAbd, ʿAli, ʿUmar) and
# transliterates to nothing, so `عبد الله` gave `bd allh`: not the particle `abd`, not `Abd Allah`.
# Written `a` it gives `abd allh`; next to an alif, which writes the vowel itself, it is dropped
# (it used to become `?`, which split `إسماعيل` into `asma yl`).
_AYN = re.compile("(?<![\u0627\u0622\u0623\u0625])\u0639(?![\u0627\u0622\u0623\u0625])")
# Devanagari and Bengali write a consonant with an inherent `a` that names do not pronounce at the
# end of a word (schwa deletion: `मोहम्मद` is Mohammad, `শামসুদ্দিন` Shamsuddin), while ICU
# transliterates it (`mohammada`, `samasuddina`). A virama after a word-final lone consonant
# silences it; after a consonant cluster the vowel is spoken (`नरेन्द्र`, Narendra) and stays.
_INDIC_FINAL = re.compile(
    "(?<![\u094d\u09cd])([\u0915-\u0939\u0958-\u095f]|[\u0995-\u09b9\u09ce\u09dc-\u09df])(?![\u0900-\u09ff])"
)


def _silence_final_vowel(match: re.Match[str]) -> str:
    consonant = match.group(1)
    return consonant + ("\u094d" if consonant < "\u0980" else "\u09cd")


# Arabic-script `و` and `ي`/`ی` write both the consonants w/y and the long vowels u/i; ICU always
# writes w/y (`محمود` -> `mhmwd`, `سعيد` -> `syd`), which hides Mahmoud's and Said's consonant
# skeleton behind a `w`. Inside a word and not before another vowel letter they are the vowels;
# at the start of a word or before a vowel letter (`جواد`, Javad; `پرویز`, Parviz) consonants.
_ARABIC_LETTER = "\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff"
_ARABIC_VOWEL_LETTERS = "\u0627\u0622\u0623\u0625\u0649\u064a\u06cc\u0648"
_LONG_U = re.compile(f"(?<=[{_ARABIC_LETTER}])\u0648(?![{_ARABIC_VOWEL_LETTERS}])")
_LONG_I = re.compile(f"(?<=[{_ARABIC_LETTER}])[\u064a\u06cc](?![{_ARABIC_VOWEL_LETTERS}])")
_SHADDA = "\u0651"
_FINAL_TA_MARBUTA = re.compile(f"\u0629(?![{_ARABIC_LETTER}])")
# Arabic-script name words that ICU spells unlike any list (`bn`, `abn`, `allh`, `alrhmn`) are
# rewritten before transliteration into the spellings the lists use (`_arabic_name_words`):
# - the article `ال` starts a word of its own (`al`, a particle): Latin writes it joined,
#   hyphenated, assimilated (`ash-Shahbandar`) or not at all, so the stem is compared alone
#   (`alshahbndr` never paired with `Shahbandar`); names that only begin with the same letters
#   (`الياس`, Ilyas; `الهام`, Elham) keep them;
# - `عبد ال` + X (ʿAbd al-X: `Abdul X`, `Abdel X`, `Abdur X`, `Abd al-X`) is `abd` X, the article
#   in between dropped, as `Abd al-X` is read (`_arabic_compounds`);
# - `الله` after `عبد` makes the one name `abdullah`; after another word it is the compound
#   ending of `Nazirullah`/`Hamid Ullah` (`ullah`, see `COMPOUND_ENDINGS`), alone `allah`; `الدين`
#   after a word likewise `uddin` (`Shamsuddin`);
# - a final ta marbuta `ة` is the `a` names end in (`Samira`, `Usama`, `Hamza`; ICU's `t` left
#   `asamt` unpaired with `Usama`); a list's `-ah`/`-at` is the dropped `h`/`t` of
#   `romanisation_dropped_letters` (`Mughniyah`, `Jabhat`).
_ARABIC_ARTICLE = "\u0627\u0644"
# ... and the word it is written as (the scorer pairs it with a stem as one assimilated word,
# `al sbar` ~ `Essabar`: native/src/score.rs `article_assimilated`).
ARABIC_ARTICLE = "al"
_ABD = "\u0639\u0628\u062f"
_ALLAH = "\u0627\u0644\u0644\u0647"
_AL_DIN = "\u0627\u0644\u062f\u064a\u0646"
# Words beginning with the article's letters kept whole: names that are not article + word
# (Ilyas, Elham, Elaheh, Almas, Alfred, Alexander) and honorifics (al-Sayyid/al-Sayyida "Mr/Mrs",
# al-Muhandis "engineer", al-Ustadh "professor", al-Duktur), which split would pair with the
# listed names `Sayyid`, `Ustadh` (`bench.false_alerts`: `السيد جمال صليبا` ~ `SAYYED, Jamil`).
_NOT_ARTICLE = frozenset(
    {
        "\u0627\u0644\u0633\u064a\u062f",
        "\u0627\u0644\u0633\u064a\u062f\u0629",
        "\u0627\u0644\u0645\u0647\u0646\u062f\u0633",
        "\u0627\u0644\u0645\u0647\u0646\u062f\u0633\u0629",
        "\u0627\u0644\u0623\u0633\u062a\u0627\u0630",
        "\u0627\u0644\u0623\u0633\u062a\u0627\u0630\u0629",
        "\u0627\u0644\u062f\u0643\u062a\u0648\u0631",
        "\u0627\u0644\u062f\u0643\u062a\u0648\u0631\u0629",
        "\u0627\u0644\u064a\u0627\u0633",
        "\u0627\u0644\u0647\u0627\u0645",
        "\u0627\u0644\u0647\u0647",
        "\u0627\u0644\u0645\u0627\u0633",
        "\u0627\u0644\u0641\u0631\u062f",
        "\u0627\u0644\u0643\u0633\u0646\u062f\u0631",
    }
)
# ... and the article is split off only when at least this many letters are left (`الي` is a
# preposition, not a name).
_MIN_ARTICLE_STEM = 2


def _arabic_name_words(text: str) -> str:
    """`text` with its Arabic name words rewritten as said above (`_ARABIC_ARTICLE`); other words
    as they are."""
    out: list[str] = []
    for word in text.split(" "):
        previous = out[-1] if out else ""
        if word == _ALLAH:
            if previous == _ABD:
                out[-1] = "abdullah"
            else:
                out.append("ullah" if previous else "allah")
            continue
        if word == _AL_DIN and previous:
            out.append("uddin")
            continue
        if word.startswith(_ABD + _ARABIC_ARTICLE) and len(word) >= len(_ABD) + 2 + _MIN_ARTICLE_STEM:
            # `عبدالرحمن`, `عبدالله` written joined: read as two words
            previous, word = _ABD, word[len(_ABD) :]
            if word == _ALLAH:
                out.append("abdullah")
                continue
            out.append(_ABD)
        if (
            word.startswith(_ARABIC_ARTICLE)
            and len(word) >= len(_ARABIC_ARTICLE) + _MIN_ARTICLE_STEM
            and word not in _NOT_ARTICLE
        ):
            stem = word[len(_ARABIC_ARTICLE) :]
            out.append(stem if previous == _ABD else f"{ARABIC_ARTICLE} {stem}")
            continue
        out.append(word)
    return _FINAL_TA_MARBUTA.sub("a", " ".join(out))


# Word separators of other scripts that transliteration would turn into `?`.
_SEPARATORS = str.maketrans({"\u30fb": " ", "\u00b7": " ", "\u3000": " ", "\u060c": " "})
# One search each instead of a scan per character (see `normalise_text`).
_SYLLABIC = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi, _ in SYLLABIC_RANGES) + "]")
_INDIC = re.compile("[\u0900-\u09ff]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_KHMER_CHAR = re.compile("[\u1780-\u17ff]")
# Letters of scripts other than Latin: beyond Latin Extended-B (code point 591), except Latin
# Extended Additional, where Vietnamese writes its letters with two marks (`ặ`, `ễ`): a
# Vietnamese name is Latin and is compared as strictly as any other (`Khoa Đặng` alerted on
# `CHI BANG` through cross-script leniency).
_BEYOND_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")


def _prefix_table(prefixes: list[str]) -> frozenset[tuple[str, ...]]:
    # rigour's honorifics (`Mr`, `Dr`, `His Excellency`) / articles (`The`), normalised like names.
    return frozenset(tuple(normalise_text(p).split()) for p in prefixes if normalise_text(p))


def _first_words(table: frozenset[tuple[str, ...]]) -> frozenset[str]:
    # A prefix can only be stripped when the name starts with one of these (see `_strip_prefixes`).
    return frozenset(prefix[0] for prefix in table)


_MAX_PREFIX_TOKENS = 3


def _strip_prefixes(tokens: list[str], table: frozenset[tuple[str, ...]]) -> list[str]:
    """Drop leading honorifics/articles; a lookup per leading 1-3 tokens (faster than a regex)."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for size in range(min(_MAX_PREFIX_TOKENS, len(tokens) - 1), 0, -1):
            if tuple(tokens[:size]) in table:
                tokens = tokens[size:]
                changed = True
                break
    return tokens


class NormalisedName:
    """A name ready to compare.

    Guarantees: `tokens` are non-empty lower-case ASCII alphanumerics (possibly an empty tuple when
    the input has no letters or digits at all); `legal_forms` holds the generic legal-form codes
    removed (`llc`, `jsc`, …); `transliterated` is True when a non-Latin script was converted by
    a generic transliterator (ICU), whose spelling may differ from a list's (it is then compared
    leniently); a name that `screening.readings` read whole (Japanese in Hepburn, Hangul in
    McCune-Reischauer) is spelt as the lists spell it and is not `transliterated`.

    Immutable by contract (the attributes are `Final`; mypy rejects assignments). A plain slotted
    class rather than a frozen dataclass: built once per screened name, and a frozen dataclass's
    `__init__` (one `object.__setattr__` per field) cost a tenth of the normalisation. Equality,
    hash and repr are the dataclass ones (all fields, in order).
    """

    __slots__ = ("legal_forms", "original", "removed_prefix", "tokens", "transliterated", "unstripped")

    def __init__(
        self,
        original: str,
        tokens: tuple[str, ...],
        legal_forms: tuple[str, ...] = (),
        removed_prefix: bool = False,
        transliterated: bool = False,
        unstripped: str = "",  # every letter and digit, legal forms included, no spaces
    ) -> None:
        self.original: Final = original
        self.tokens: Final = tokens
        self.legal_forms: Final = legal_forms
        self.removed_prefix: Final = removed_prefix
        self.transliterated: Final = transliterated
        self.unstripped: Final = unstripped

    def _fields(self) -> tuple[str, tuple[str, ...], tuple[str, ...], bool, bool, str]:
        return (
            self.original,
            self.tokens,
            self.legal_forms,
            self.removed_prefix,
            self.transliterated,
            self.unstripped,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, NormalisedName)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"NormalisedName(original={self.original!r}, tokens={self.tokens!r}, "
            f"legal_forms={self.legal_forms!r}, removed_prefix={self.removed_prefix!r}, "
            f"transliterated={self.transliterated!r}, unstripped={self.unstripped!r})"
        )

    @property
    def key(self) -> str:
        """The tokens joined by single spaces (the form rapidfuzz compares)."""
        return " ".join(self.tokens)


def is_syllabic(char: str) -> bool:
    """True for a Han or Hangul character (one syllable, often one name part)."""
    code = ord(char)
    return any(lo <= code <= hi for lo, hi, _ in SYLLABIC_RANGES)


def script_of(char: str) -> str:
    """'hangul', 'han' or 'other' for one character."""
    code = ord(char)
    for lo, hi, script in SYLLABIC_RANGES:
        if lo <= code <= hi:
            return script
    return "other"


def has_non_latin(text: str) -> bool:
    """True when `text` holds a letter of a script other than Latin."""
    if text.isascii():
        return False

    return any(char.isalpha() for char in _BEYOND_LATIN.findall(text))


# -- Evasion: invisible characters, bidi overrides and look-alike letters --------------------------
# A name can be made to look like a listed one on screen while its characters differ: controls
# that draw text in another direction (U+202A-U+202E embeddings/overrides, U+2066-U+2069
# isolates), characters that draw nothing (zero-width space/joiners, word joiner, direction
# marks, BOM, soft hyphen), or Cyrillic/Greek letters that look Latin inside a Latin word
# (`ВANK` with a Cyrillic В). `unmask` removes the first two and folds the third before
# normalisation; `visual_form` gives the order a reader sees under a right-to-left override and
# `lookalike_form` the Latin reading of look-alike words, so a screened field is matched both as
# stored and as displayed.

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff" + _BIDI_CONTROLS + "]")
_RLO, _LRO = "\u202e", "\u202d"
_OVERRIDE_SPAN = re.compile("([\u202d\u202e])([^\u202c\u2069\n]*)[\u202c\u2069]?")
# Cyrillic and Greek letters drawn like a Latin letter (Unicode confusables, the common subset).
_LOOKALIKES = str.maketrans(
    "АВЕЗІЈКМНОРСТУХаеіјорсуххЅѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχ",
    "ABE3IJKMHOPCTYXaeijopcyxxSsdqwABEZHIKMNOPTYXaBeiKvopTuX",
)
_LOOKALIKE_CHARS = re.compile("[АВЕЗІЈКМНОРСТУХаеіјорсухЅѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχ]")
_MIXED_WORD = re.compile(r"\w*[A-Za-z]\w*")
_LATIN_LETTER = re.compile("[A-Za-z]")


def unmask(text: str) -> str:
    """`text` without invisible characters and direction controls, and with Cyrillic/Greek
    look-alike letters inside otherwise Latin words folded to the Latin letter they imitate.

    Guarantees: never raises; idempotent; ASCII text is returned unchanged; a word written wholly
    in Cyrillic or Greek is left for transliteration (`Вера` stays Cyrillic)."""
    if text.isascii():
        return text
    text = _INVISIBLE.sub("", text)
    if _LOOKALIKE_CHARS.search(text):
        text = _MIXED_WORD.sub(_fold_lookalikes, text)
    return text


def _fold_lookalikes(word: re.Match[str]) -> str:
    return word.group().translate(_LOOKALIKES)


def lookalike_form(text: str) -> str | None:
    """`text` with every Cyrillic/Greek look-alike letter read as the Latin letter it imitates,
    when the text also holds Latin letters (a disguise like `ΒΑΝΚ Melli`), else None. Screened
    next to the stored form: a genuine Cyrillic word (`Вера`) still matches as transliterated."""
    if text.isascii() or not _LOOKALIKE_CHARS.search(text) or not _LATIN_LETTER.search(text):
        return None
    return unmask(text).translate(_LOOKALIKES)


def visual_form(text: str) -> str | None:
    """The text as displayed when it carries a directional override, else None.

    Characters inside a right-to-left override (U+202E up to U+202C/U+2069 or the line's end)
    are drawn in reverse order, so `"\\u202enarI illeM knaB\\u202c"` shows as `Bank Melli Iran`;
    this returns that drawn order (controls removed), for screening next to the stored order.
    A left-to-right override keeps Latin text in order and is only removed."""
    if _RLO not in text and _LRO not in text:
        return None

    def drawn(span: re.Match[str]) -> str:
        inner = span.group(2)
        return inner[::-1] if span.group(1) == _RLO else inner

    return _INVISIBLE.sub("", _OVERRIDE_SPAN.sub(drawn, text))


_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """Transliterate to ASCII, case-fold and reduce punctuation to single spaces.

    Guarantees: the result contains only `[a-z0-9 ]`, no leading/trailing/double spaces; `&`
    becomes `and`; dots and apostrophes inside words join their letters; Chinese, Japanese and
    Korean are read as `screening.readings.read_cjk` says. Never raises.
    """
    if not text:
        return ""
    if not text.isascii():
        # a lone surrogate (half of a broken UTF-16 pair) is no character: transliteration
        # would raise on it
        text = _SURROGATE.sub(" ", unicodedata.normalize("NFC", unmask(text))).translate(_SEPARATORS)
        text = read_cjk(text)  # (its own quick test: most text has no CJK character)
        if _SYLLABIC.search(text):
            text = _SYLLABIC.sub(r" \g<0> ", text)
        if _INDIC.search(text):
            text = _INDIC_FINAL.sub(_silence_final_vowel, text)
        if _ARABIC.search(text):
            # the shadda (a doubling mark, which ICU writes as nothing) would hide the words and
            # letters the rules look for (`الدّين`, `عبد الحيّ`)
            text = _arabic_name_words(text.replace(_SHADDA, ""))
            text = _LONG_I.sub("i", _LONG_U.sub("u", text))
            text = _AYN.sub("a", text).replace("\u0639", "")
        if _KHMER_CHAR.search(text):
            text = _KHMER_P.sub("p", text).translate(_KHMER)
        text = join_thai_words(text)
        text = ascii_text(text)
    if text.isascii():
        return _normalise_ascii(text)
    text = text.lower().replace("&", " and ")
    text = _JOINERS.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def _normalise_ascii(text: str) -> str:
    """`normalise_text` of ASCII text: the same rules, one byte translation (3-4x faster)."""
    if "&" in text:
        text = text.replace("&", " and ")
    return " ".join(text.encode("ascii").translate(_ASCII_FOLD, _ASCII_JOINERS).decode("ascii").split())


# rigour's `extract_org_types(generic=True)`/`remove_org_types` with their default flags (case-folded aliases,
# no cleanup), called without the wrappers' per-call enum conversions (hot path).
_ORG_TYPE_FLAGS = int(Normalize.CASEFOLD)
_ORG_TYPE_CLEANUP = int(Cleanup.Noop)


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if i > 1
}
_TENS["fourty"] = 40  # common misspelling
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
}
_NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)} | _ORDINALS
_ORDINAL_SUFFIX = re.compile(r"^(\d+)(st|nd|rd|th)$")
# Roman numerals of fund/vessel/company series (`Fund III`); only I, V, X so that name syllables
# such as `mi`, `di`, `li` are never read as numbers, and never a name's first word (`Xi`).
_ROMAN = {
    r: i
    for i, r in enumerate(
        [
            "_",
            "i",
            "ii",
            "iii",
            "iv",
            "v",
            "vi",
            "vii",
            "viii",
            "ix",
            "x",
            "xi",
            "xii",
            "xiii",
            "xiv",
            "xv",
            "xvi",
            "xvii",
            "xviii",
            "xix",
            "xx",
        ]
    )
    if i >= 2
}


# Words `_numbers_as_digits` may change besides those with a digit: a name with none of them and no
# digit is returned as it is (the common case).
_NUMBER_TRIGGERS = frozenset(_NUMBER_WORDS) | frozenset(_TENS)
_ROMAN_TRIGGERS = _NUMBER_TRIGGERS | frozenset(_ROMAN)
_DIGIT = re.compile("[0-9]")


def _numbers_as_digits(tokens: list[str], roman: bool) -> list[str]:
    """`forty four`/`forty-four`/`44th`/`first` -> digits; roman numerals too when `roman`."""
    out: list[str] = []
    for index, token in enumerate(tokens):
        ordinal = _ORDINAL_SUFFIX.match(token)
        if ordinal:
            token = ordinal.group(1)
        elif token in _NUMBER_WORDS:
            value = _NUMBER_WORDS[token]
            if out and out[-1].isdigit() and int(out[-1]) in _TENS.values() and value < 10:
                out[-1] = str(int(out[-1]) + value)  # `forty four`
                continue
            token = str(value)
        elif token in _TENS:
            token = str(_TENS[token])
        elif token.isdigit() and len(token) == 1 and out and out[-1] in {str(v) for v in _TENS.values()}:
            out[-1] = str(int(out[-1]) + int(token))  # `forty 4`
            continue
        elif roman and index > 0 and token in _ROMAN:
            token = str(_ROMAN[token])
        out.append(token)
    return out


# A word ending in a compound ending (necessary for `_split_compound` to split anything), searched
# in the space-joined tokens at once.
_COMPOUND_WORD_END = re.compile("(?:" + "|".join(COMPOUND_ENDINGS) + ")(?: |$)")


def _split_compound(tokens: list[str]) -> list[str]:
    """`hamidullah` -> `hamid`, `ullah`; a token stays whole when it has no compound ending or
    the stem would be too short or a particle. Cheap for the common case (no such ending)."""
    out: list[str] = []
    for token in tokens:
        ending = ""
        if len(token) >= _MIN_COMPOUND_LENGTH:
            if token[-5:] in _COMPOUND_ENDING_SET:
                ending = token[-5:]
            elif token[-6:] in _COMPOUND_ENDING_SET:
                ending = token[-6:]
        stem = token[: -len(ending)] if ending else ""
        if len(stem) >= MIN_COMPOUND_STEM_LENGTH and stem.isalpha() and stem not in PARTICLES:
            out += (stem, ending)
        else:
            out.append(token)
    return out


# Two Arabic compounds that Latin writes in many ways, read as the Arabic script is read
# (`_arabic_name_words`) so that the distinctive word is compared on its own (`_arabic_compounds`):
# - ʿAbd al-X ("servant of X") written `Abd al-X`, `Abd el X` is the particle `abd` and X. The
#   other Latin forms stay as written: `Abdul X`, `Abdur X` pair with `abd` X by sound already,
#   and `Abdul` weighs as a name (`Abdul Mohammed` and `Shah Mohammed` are two fathers; `Abdul
#   Hakim` alone still finds `ABDUL HAKIM MURAD`), and a joined `Abdulhakim` split would lose
#   its typos (`Abdulahi` ~ `Abdulhai`);
# - X al-Din ("X of the faith"): `Nasr al-Din`, `Taj ad Din`, `Zain ud Deen` are X and the
#   compound ending `uddin`, as `Nasruddin` already splits (`COMPOUND_ENDINGS`).
# The article (and its sun-letter assimilations) written as a word of its own.
_ARTICLES = frozenset(
    {"al", "el", "ul", "ol", "ar", "as", "ash", "ad", "at", "az", "an", "ur", "us", "ud", "ed"}
)
_DIN_WORDS = frozenset({"din", "deen"})


def _arabic_compounds(tokens: list[str]) -> list[str]:
    """`tokens` with each `abd al X` read as `abd X` and each al-Din compound as its first word
    and `uddin` (see `_ARTICLES`): `nasr al din` -> `nasr uddin`. Other tokens as they are."""
    out: list[str] = []
    for at, token in enumerate(tokens):
        previous = out[-1] if out else ""
        following = tokens[at + 1] if at + 1 < len(tokens) else ""
        if token in _ARTICLES and previous == "abd" and following:
            continue
        after_name = bool(previous) and previous not in PARTICLES
        if token in _ARTICLES and after_name and following in _DIN_WORDS:
            continue  # the `uddin` below stands for both words
        if token in _DIN_WORDS and at > 0 and tokens[at - 1] in _ARTICLES and after_name:
            out.append("uddin")
            continue
        out.append(token)
    return out


def _in_arabic_compound(words: list[str], at: int) -> bool:
    """Whether `_arabic_compounds` may rewrite or drop word `at` of `words` in a run holding it
    (`window_rewrites`; it may say so of a word that stays)."""
    word = words[at]
    before = words[at - 1] if at > 0 else ""
    following = words[at + 1] if at + 1 < len(words) else ""
    if word in _ARTICLES:
        return before == "abd" or following in _DIN_WORDS
    return word in _DIN_WORDS and before in _ARTICLES


# Country abbreviations inside organisation names, in the long form the lists write
# (`Foreign Trade Bank of DPRK` is listed as `... OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA`;
# rigour would even take `RF` for a legal form and drop it). `ROK`, `PRC`, `RF` and `DPR` are
# also words or given names (`Rok Novak`): they are expanded only after `of`/`the`/`in`, before
# `Korea` (`DPR Korea`), or written in capitals in a name that is not all capitals.
COUNTRY_ABBREVIATIONS: dict[str, str] = {
    "dprk": "democratic peoples republic of korea",
    "dpr": "democratic peoples republic",
    "prc": "peoples republic of china",
    "rok": "republic of korea",
    "uae": "united arab emirates",
    "rf": "russian federation",
    "ussr": "union of soviet socialist republics",
}
_UNAMBIGUOUS_ABBREVIATIONS = frozenset({"dprk", "uae", "ussr"})
_BEFORE_COUNTRY = frozenset({"of", "the", "in"})


def _expand_country_abbreviations(tokens: list[str], text: str) -> list[str]:
    """`tokens` with the country abbreviations of `COUNTRY_ABBREVIATIONS` in their long form,
    where the name shows they are abbreviations (see there); `text` is the name as written."""
    out: list[str] = []
    capitals = not text.isupper()
    for at, token in enumerate(tokens):
        long_form = COUNTRY_ABBREVIATIONS.get(token)
        if long_form is not None and (
            token in _UNAMBIGUOUS_ABBREVIATIONS
            or (at > 0 and tokens[at - 1] in _BEFORE_COUNTRY)
            or (at + 1 < len(tokens) and tokens[at + 1] == "korea")
            or (capitals and re.search(rf"\b{token.upper()}\b", text) is not None)
        ):
            out.extend(long_form.split())
        else:
            out.append(token)
    return out


# Words without which `_rewrite_organisation_words` changes nothing (`gongsi`: pinyin company).
_ORGANISATION_REWRITE_TRIGGERS = frozenset(COUNTRY_ABBREVIATIONS) | {"gongsi"}


def _rewrite_organisation_words(flat: str, text: str) -> str:
    """`flat` (normalised words) with country abbreviations expanded and Chinese company words
    spelt in pinyin in English (`screening.readings.translate_pinyin_business_words`); `flat`
    itself when nothing changes."""
    tokens = flat.split()
    if _ORGANISATION_REWRITE_TRIGGERS.isdisjoint(tokens):
        return flat
    rewritten = translate_pinyin_business_words(_expand_country_abbreviations(tokens, text))
    return " ".join(rewritten)


def _flat_form(text: str, form: NameForm) -> tuple[str, str, str, bool]:
    """(original, text, flat, transliterated) of `normalise_name`: `text` after evasion, CJK
    readings and organisation rewrites, `flat` its `[a-z0-9]` words joined by single spaces."""
    # `flat` is `[a-z0-9]` words joined by single spaces throughout (`normalise_text`), so
    # re-normalising or re-splitting it would change nothing; the steps after it skip such work.
    if text.isascii():
        transliterated = False
        original = text
        flat = _normalise_ascii(text)
    else:
        original = text = _SURROGATE.sub(" ", unmask(text))  # see `normalise_text`; `unmask`: evasion
        text = read_cjk(text, form == "person")
        # (after the CJK readings: a name they read whole is spelt as the lists spell it)
        transliterated = has_non_latin(text)
        flat = normalise_text(text)
    if form != "person" and flat:
        rewritten = _rewrite_organisation_words(flat, text)
        if rewritten != flat:
            # the legal forms are then looked up in the rewritten words only
            flat = text = rewritten
    return original, text, flat, transliterated


# Legal forms that say a party is an organisation (`organisation_legal_form`). rigour's table
# also holds short codes that are words of people's names on the lists (`sa`, `se`, `na`, `ag`,
# `yu`, `in`, `ku`, `at`, `ong`, `pao`, `sad`, `sia`: each carried by listed persons, `SA'D`,
# `KIM SE GON`, `ESTEVAO NA MENA`), so only a form of at least this many letters counts ...
ORGANISATION_FORM_MIN_LETTERS = 4
# ... or one of these short codes, which no listed person's name carries, or a form written as
# only a legal form is: with dots, as words of their own (`S.A.`, `e.V.`; not `e.g.` inside
# `T.E.G.`), in a script of its own (`ООО`, `Şti`), or in capitals as the last word of a name
# written in lower case (`Siemens AG`, `Dupont SA`).
# fmt: off
ORGANISATION_SHORT_FORMS = frozenset({
    "llc", "ltd", "plc", "inc", "jsc", "ooo", "oao", "zao", "fze", "fzc", "srl", "sll", "bhd", "pte",
    "pty", "kft", "tov", "gbr", "ohg", "mbh",
})
# fmt: on
# A natural person trading under a name stays a possible person: rigour's sole-proprietor type
# (`ИП`, `ФОП`, `e.K.`; not `II`, which rigour also types so, a generation or a series) and the
# English phrases of the same.
SOLE_TRADER_TYPE = "sp"
_ROMAN_ONES = re.compile("i+")
_TITLE_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_SOLE_TRADER_PHRASE = re.compile(
    r"\b(?:sole (?:proprietor|proprietorship|trader)|trading as|t a|d b a|dba"
    r"|doing business as|self employed)\b"
)


def organisation_legal_form(text: str, *, transliterate: bool = False) -> str | None:
    """The legal form in `text` that only an organisation carries (`Ltd`, `GmbH`, `S.A.`, `ООО`,
    `有限公司` read as `co ltd`), as found, or None: None also when the name says a natural
    person trades under it (`ИП`, `e.K.`, `sole proprietor`, `trading as`), and for the short
    codes that are also words of people's names (`SA`, `NA`) unless written as only a legal form is.

    Guarantees: never raises on any `str`; looks forms up in rigour's table, the one
    `normalise_name` removes them by, in the name as written and in its normalised words (for
    Han and Hangul, as read: `有限公司` is `co ltd`; other scripts' forms are in the table as
    written, `ООО`, `בע"מ`, so a party's name in them is not transliterated for this unless
    `transliterate`, which finds what `normalise_name` finds in the transliteration too)."""
    if text.isascii():
        written, flat = text, _normalise_ascii(text)
    elif transliterate or _SYLLABIC.search(text):
        _, written, flat, _ = _flat_form(text, "organisation")
    else:
        written = _SURROGATE.sub(" ", unmask(text))
        flat = ""
    folded = written.casefold()
    if _SOLE_TRADER_PHRASE.search(flat or _NON_ALNUM.sub(" ", folded)):
        return None
    found = _extract_org_types(folded, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
    if flat:
        found += _extract_org_types(flat, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
    if any(kind == SOLE_TRADER_TYPE and not _ROMAN_ONES.fullmatch(form) for form, kind in found):
        return None
    # capitals say "legal form" only after a word written in lower case (a typo in a name of
    # capitals does not make the rest look so)
    last = written.split()[-1] if _TITLE_WORD.search(written) else ""
    for form, _ in found:
        letters = _NON_ALNUM.sub("", form)
        if _ROMAN_ONES.fullmatch(letters):
            continue
        if (
            len(letters) >= ORGANISATION_FORM_MIN_LETTERS
            or letters in ORGANISATION_SHORT_FORMS
            or ("." in form and re.search(rf"(?:^|\s){re.escape(form)}", folded) is not None)
            or not form.isascii()
            or last == form.upper()
        ):
            return form
    return None


def normalise_name(text: str, form: NameForm = "any") -> NormalisedName:
    """Normalise one name for comparison.

    Guarantees: never raises on any `str`; legal forms (any language or script, any position)
    are removed for organisations and `any`, unless that would leave no token; honorific prefixes
    (`Mr`, `Dr`, `His Excellency`) for people and `any`, leading articles (`The`) for all, under the
    same condition; number words become digits (`Forty-Four` -> `44`) except in people's names.
    """
    original, text, flat, transliterated = _flat_form(text, form)
    unstripped = flat
    legal: tuple[str, ...] = ()
    removed_prefix = False
    tokens = flat.split()
    if form in ("organisation", "any") and flat:
        # Legal forms are found in the original script first (`ООО`, `beschränkter`), then in
        # the transliterated, punctuation-free form (`L.L.C.` -> `llc`). (`_legal_forms`, inlined.)
        folded = text.casefold()
        found_original = _extract_org_types(folded, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
        if found_original:
            candidate = normalise_text(_remove_org_types(folded, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, " "))
        elif folded != flat:
            candidate = flat
        else:
            # the second look-up would be on `flat`, the text just looked up (plain lower-case
            # words): it finds nothing either, and nothing changes
            candidate = ""
        if candidate:
            found_flat = _extract_org_types(candidate, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
            # (with no legal form found at all, `flat` and `legal` stay as they are)
            if found_flat:
                rest_flat = _remove_org_types(candidate, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, " ")
                stripped = _NON_ALNUM.sub(" ", rest_flat).strip()
            else:
                stripped = candidate  # already `normalise_text` output
            if found_original or found_flat:
                words = stripped.split()
                # keep the legal-form words when nothing but initials would be left (`T.E.G.
                # Limited`): `stripped` is `words` joined by single spaces, so some word is longer
                # than a letter exactly when it is longer than `2 * len(words) - 1`
                if words and len(stripped) >= 2 * len(words):
                    flat = stripped
                    tokens = words
                    legal = tuple(sorted({t for _, t in found_original} | {t for _, t in found_flat}))
    # (no prefix can go unless one starts with the first word: the common case skips the look-ups)
    prefixes, first_words = _PREFIXES[form]
    if len(tokens) > 1 and tokens[0] in first_words:
        without = _strip_prefixes(tokens, prefixes)
        removed_prefix = len(without) != len(tokens)
        tokens = without
    if form != "person":
        roman = form == "organisation"
        if _DIGIT.search(flat) or not (_ROMAN_TRIGGERS if roman else _NUMBER_TRIGGERS).isdisjoint(tokens):
            tokens = _numbers_as_digits(tokens, roman=roman)
    if _COMPOUND_WORD_END.search(flat):
        tokens = _split_compound(tokens)
    if "abd " in flat or " d" in flat:
        tokens = _arabic_compounds(tokens)
    del tokens[MAX_NAME_TOKENS:]
    return NormalisedName(
        original,
        tuple(tokens),
        legal,
        removed_prefix,
        transliterated,
        unstripped.replace(" ", ""),
    )


def name_readings(text: str, form: NameForm = "any") -> tuple[NormalisedName, ...]:
    """Every way `text` may be read: `normalise_name(text, form)` first; for `any`, when the words
    taken for a legal form may be a person's (no `organisation_legal_form`: `SA'D`, `KIM SE GON`,
    `ESTEVAO NA MENA`), the name read as a person's too; and for a person's name (or `any`) that
    can be a Korean name written in Han characters (`金正恩`, see
    `screening.readings.read_hanja_as_korean`), the name read as Korean (`kim jong un`), keeping
    the Han original. A look-up screens each reading and keeps each entry's best hit.

    Guarantees: never raises on any `str`; at least one reading, the first `normalise_name`'s."""
    name = normalise_name(text, form)
    readings = [name]
    if form == "any" and name.legal_forms and organisation_legal_form(text, transliterate=True) is None:
        as_person = normalise_name(text, "person")
        if as_person.tokens != name.tokens:
            readings.append(as_person)
    korean = read_hanja_as_korean(text) if form in ("person", "any") else None
    if korean is not None:
        read = normalise_name(korean, form)
        # (the Han original kept: the name is still compared as one read from syllables)
        readings.append(
            NormalisedName(text, read.tokens, read.legal_forms, read.removed_prefix, False, read.unstripped)
        )
    return tuple(readings)


def token_weight(token: str) -> float:
    """How much one token identifies a name: 1 for distinctive words, less for particles, generic
    words, numbers and patronymics.

    Guarantees: a value in (0, 1].
    """
    if token in PARTICLES:
        return PARTICLE_WEIGHT
    if token in GENERIC_WORDS or token.isdigit():
        return GENERIC_WEIGHT  # numbers are judged by their own rule (equal or not)
    if len(token) >= MIN_PATRONYMIC_LENGTH and token.endswith(PATRONYMIC_ENDINGS):
        return PATRONYMIC_WEIGHT
    return 1.0


# A syllable of a name romanised from Chinese (pinyin, Wade-Giles once apostrophes are gone) or
# Korean as the lists write it: one of these initials, or none, then one of these finals
# (`ROMANISED_INITIALS` + `ROMANISED_FINALS`: `zh`+`ang`, `hs`+`ieh`, `tz`+`u`). The set
# over-generates a little (`man`, `ben`, `wie`), which only matters in names wholly made of them.
# fmt: off
ROMANISED_INITIALS = frozenset({
    "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r",
    "z", "c", "s", "y", "w", "hs", "ts", "tz",
})
ROMANISED_FINALS = frozenset({
    "a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
    "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan",
    "un", "uang", "ue", "ieh", "ueh", "ih", "ung", "iung", "uei",
})
# fmt: on


# The consonant skeleton (`consonant_skeleton`): letters that romanisations swap for one another
# become one letter, and vowels go.
SKELETON_LETTERS: tuple[tuple[str, str], ...] = (
    ("c", "k"),
    ("q", "k"),
    ("g", "k"),
    ("z", "s"),
    ("p", "b"),
    ("w", "v"),
    ("x", "ks"),
)
SKELETON_VOWELS = "aeiouy"
SKELETON_MAP = str.maketrans(dict(SKELETON_LETTERS))

_VOWELS = re.compile(f"[{SKELETON_VOWELS}]+")
_REPEATS = re.compile(r"(.)\1+")


# Per-word results are asked for again and again (each query word, each listed word at build
# time); the memo is keyed by the word alone, so it never goes stale, and bounded (about 60k
# distinct listed words fit, a few MB).
TOKEN_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def consonant_skeleton(token: str) -> str:
    """The token's consonants with voiced/unvoiced look-alikes merged and repeats collapsed.

    Abjads (Arabic, Hebrew) write few vowels and romanisations disagree on them (`mhmd` ~
    `mohamed`, `gim` ~ `kim`), so transliterated names are also compared on this key.
    """
    return _REPEATS.sub(r"\1", _VOWELS.sub("", token.translate(SKELETON_MAP)))


_PERSON_PREFIXES = _prefix_table(person_name_prefixes_list() + org_name_prefixes_list())
_ORG_PREFIXES = _prefix_table(org_name_prefixes_list())
_PERSON_FIRST = _first_words(_PERSON_PREFIXES)
_ORG_FIRST = _first_words(_ORG_PREFIXES)
_OBJECT_PREFIXES = _prefix_table(obj_name_prefixes_list())
# Each form's leading words to strip and the first words of those (a cheap test before the lookup).
_PREFIXES: dict[str, tuple[frozenset[tuple[str, ...]], frozenset[str]]] = {
    "person": (_PERSON_PREFIXES, _PERSON_FIRST),
    "any": (_PERSON_PREFIXES, _PERSON_FIRST),
    "organisation": (_ORG_PREFIXES, _ORG_FIRST),
    "object": (_OBJECT_PREFIXES, _first_words(_OBJECT_PREFIXES)),
}


# `window_rewrites` flags: the word may be rewritten or dropped in any window holding it ...
REWRITTEN = 1
# ... or dropped when it is the window's first word (an honorific or article).
DROPPED_FIRST = 2
_TENS_DIGITS = frozenset(str(value) for value in _TENS.values())


def _legal_form_words(text: str) -> set[int]:
    """Indexes of the words of `text` (`normalise_text` output) inside any legal form that
    `_extract_org_types` could find in some run of its words.

    rigour keeps the leftmost-longest of the word-bounded occurrences, so every occurrence
    overlaps a kept one and starts inside it (else it would have been kept): the longest
    occurrence starting at each word of a kept one covers them all.
    """
    found = _extract_org_types(text, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
    if not found:
        return set()
    starts = [0]
    for at, char in enumerate(text):
        if char == " ":
            starts.append(at + 1)
    out: set[int] = set()

    def mark(first: int, matched: str) -> None:
        # `matched` spans whole words from word `first`
        out.update(range(first, first + matched.count(" ") + 1))

    cursor = 0
    for matched, _ in found:
        # each kept occurrence is the first word-bounded one after the previous
        first = next(
            (
                i
                for i, s in enumerate(starts)
                if s >= cursor
                and text.startswith(matched, s)
                and (s + len(matched) == len(text) or text[s + len(matched)] == " ")
            ),
            None,
        )
        if first is None:  # not where rigour's matching says it must be: every word may be
            return set(range(len(starts)))
        mark(first, matched)
        last = first + matched.count(" ")
        cursor = starts[last] + 1
        for inner in range(first + 1, last + 1):
            rest = text[starts[inner] :]
            longest = _extract_org_types(rest, _ORG_TYPE_FLAGS, _ORG_TYPE_CLEANUP, True)
            if longest:
                head = longest[0][0]
                if rest.startswith(head) and (len(head) == len(rest) or rest[len(head)] == " "):
                    mark(inner, head)
    return out


def window_rewrites(words: list[str]) -> list[int]:
    """Per word of a normalised text (`normalise_text(text).split()`), how `normalise_name(w,
    "any")` may treat it in a window `w` (a run of those words joined by spaces): 0, `REWRITTEN`
    (a legal form, a country abbreviation or pinyin company word, a number word or ordinal, a
    digit that may join the number before it, a word with a compound ending, the article of
    `abd al X` or the article and `din` of `X al din`) or `DROPPED_FIRST` (a leading honorific or
    article).

    Guarantees: a window holding no `REWRITTEN` word and not starting with a `DROPPED_FIRST` one
    normalises to exactly its words (no legal form, no prefix removed, not transliterated), so its
    prepared name needs no normalisation (the free-text scan relies on it).
    """
    text = " ".join(words)
    legal = _legal_form_words(text)
    compound = _COMPOUND_WORD_END.search(text) is not None  # (rare: else no word needs the test)
    arabic_compound = "abd " in text or " d" in text
    _, first_words = _PREFIXES["any"]
    flags: list[int] = []
    for at, word in enumerate(words):
        rewritten = (
            at in legal
            or word in _ORGANISATION_REWRITE_TRIGGERS
            or word in _NUMBER_WORDS
            or word in _TENS
            or (word[0].isdigit() and _ORDINAL_SUFFIX.match(word) is not None)
            or (
                len(word) == 1
                and word.isdigit()
                and at > 0
                and (words[at - 1] in _TENS_DIGITS or flags[-1] == REWRITTEN)
            )
            or (compound and _split_compound([word]) != [word])
            or (arabic_compound and _in_arabic_compound(words, at))
        )
        flags.append(REWRITTEN if rewritten else DROPPED_FIRST if word in first_words else 0)
    return flags
