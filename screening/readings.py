"""How names written in Chinese, Japanese, Korean and Thai characters are read in Latin letters.

ICU's transliterators (what `screening.names.normalise_text` uses for every other script) read
every Han character as Mandarin and write Hangul in a letter-by-letter Revised Romanisation
(`김정은` -> `gim jeong eun`), while sanctions lists write a Japanese name the Japanese way
(`山田太郎` is YAMADA Taro, not Shan Tian Tai Lang), a Korean name the way North Korea's
official romanisation and McCune-Reischauer do (KIM Jong Un) and a Chinese company's legal form
in English (`有限公司` is CO., LTD.). `read_cjk` applies those readings before ICU sees the text;
what it does not know stays for ICU.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from normality import ascii_text as icu_ascii

__all__ = [
    "SYLLABLE_VARIANTS",
    "is_japanese",
    "join_thai_words",
    "read_cjk",
    "read_hangul",
    "read_hanja_as_korean",
    "read_japanese",
    "translate_pinyin_business_words",
]

# Kana (hiragana, katakana, their extensions and half-width forms): only Japanese writes them.
_KANA_RANGES = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HANGUL_RANGES = "\uac00-\ud7a3"
_KANA = re.compile(f"[{_KANA_RANGES}]")
_HAN = re.compile(f"[{_HAN_RANGES}]")
_HANGUL = re.compile(f"[{_HANGUL_RANGES}]")
_CJK = re.compile(f"[{_KANA_RANGES}{_HAN_RANGES}{_HANGUL_RANGES}]")

# Company words in Han characters, in English as listed names write them (`CO., LTD.`,
# `TRADING`, `INDUSTRIAL`): ICU would spell them in pinyin syllables (`you xian gong si`) that
# then pair with the syllables of unrelated listed names. Longest first: `股份有限公司` before
# `有限公司` before `公司`. Traditional and simplified forms both; Japanese legal forms
# (`株式会社`, `有限会社`, `合同会社`) too, which also mark the name as Japanese (`is_japanese`).
_HAN_BUSINESS_WORDS: tuple[tuple[str, str], ...] = (
    ("股份有限公司", "co ltd"),
    ("有限责任公司", "co ltd"),
    ("有限責任公司", "co ltd"),
    ("有限公司", "co ltd"),
    ("株式会社", "co ltd"),
    ("有限会社", "ltd"),
    ("合同会社", "llc"),
    ("合資会社", "co"),
    ("合名会社", "co"),
    ("进出口", "import export"),
    ("進出口", "import export"),
    ("公司", "company"),
    ("集团", "group"),
    ("集團", "group"),
    ("实业", "industry"),
    ("實業", "industry"),
    ("工业", "industry"),
    ("工業", "industry"),
    ("贸易", "trade"),
    ("貿易", "trade"),
    ("商贸", "trade"),
    ("商貿", "trade"),
    ("科技", "technology"),
    ("国际", "international"),
    ("国際", "international"),
    ("國際", "international"),
    ("银行", "bank"),
    ("銀行", "bank"),
    ("控股", "holdings"),
    ("投资", "investment"),
    ("投資", "investment"),
)
# Japanese legal forms: a Han-only name holding one of them is a Japanese company (`会社` alone
# is not enough: Korean company names in hanja use it too, `朝鲜联合机械贸易会社`).
_JAPANESE_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社")
# Korean legal forms (`(주)`, `주식회사` = Co., Ltd.; `유한회사` = Ltd.).
_HANGUL_BUSINESS_WORDS: tuple[tuple[str, str], ...] = (
    ("유한책임회사", "llc"),
    ("주식회사", "co ltd"),
    ("유한회사", "ltd"),
    ("(주)", "co ltd"),
    ("㈜", "co ltd"),
)
# The same company words as listed names spell them in pinyin (`DALIAN ZHENGHUA MAOYI YOUXIAN
# GONGSI`): translated only in a name that holds `gongsi`, the one word that says it is Chinese.
_PINYIN_BUSINESS_WORDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("gufen", "youxian", "gongsi"): ("co", "ltd"),
    ("youxian", "zeren", "gongsi"): ("co", "ltd"),
    ("youxian", "gongsi"): ("co", "ltd"),
    ("jinchukou",): ("import", "export"),
    ("gongsi",): ("company",),
    ("jituan",): ("group",),
    ("shiye",): ("industry",),
    ("gongye",): ("industry",),
    ("maoyi",): ("trade",),
    ("shangmao",): ("trade",),
    ("keji",): ("technology",),
    ("guoji",): ("international",),
    ("yinhang",): ("bank",),
    ("konggu",): ("holdings",),
    ("touzi",): ("investment",),
}
_LONGEST_PINYIN = max(map(len, _PINYIN_BUSINESS_WORDS))

# Spellings of one name syllable in the romanisations lists and payments use, one group a line:
# a syllable read from Han or Hangul pairs with a listed word across scripts only when they are
# equal or in one group here (`pak` ~ `PARK`, `ri` ~ `LEE`, `zhang` ~ `CHANG`), never because they
# merely look alike (`yang`/`wang`, `zhi`/`zhao`, `sang`/`song` are different syllables: the
# look-alike credit carried most Han and Hangul false alerts in `bench.false_alerts`). Korean:
# the McCune-Reischauer reading of `read_hangul` (the DPRK's and the lists' spelling) with the
# Revised Romanisation and the usual passport spellings of surnames and name syllables. Chinese:
# pinyin (ICU's reading of Han) with Wade-Giles and the usual Taiwanese spellings. A spelling may
# stand in several groups (`jun`: `joon`, and Wade-Giles `chun`).
SYLLABLE_VARIANTS: tuple[str, ...] = (
    # Korean surnames
    "kim gim",
    "pak park bak",
    "ri lee yi rhee i",
    "choe choi chwe",
    "chong jong jeong chung",
    "kang gang",
    "cho jo",
    "chang jang",
    "yun yoon",
    "rim lim im",
    "sin shin",
    "o oh",
    "so seo suh",
    "kwon gwon",
    "ko go koh",
    "mun moon",
    "ryang yang",
    "son sohn",
    "pae bae",
    "paek baek paik",
    "ho heo hur",
    "ryu yu yoo you",
    "ro no roh",
    "sim shim",
    "chon jeon jun chun",
    "kwak gwak",
    "ku gu koo",
    "u woo",
    "chu ju joo",
    "ra na",
    "chin jin",
    "om eom um",
    "won weon",
    "chae chai",
    "hyon hyun hyeon",
    "ham hahm",
    "pyon byun byeon",
    "ryom yom yeom",
    "ryo yo yeo",
    "chu choo",
    "to do doh",
    "yon yeon yun",
    # Korean given-name syllables
    "un eun",
    "song sung seong",
    "chi ji",
    "yong young yeong",
    "chol chul cheol",
    "hui hee",
    "jun joon",
    "sok seok suk",
    "myong myung myeong",
    "tong dong",
    "kwang gwang",
    "kyong kyung gyeong",
    "kuk guk gook",
    "son sun seon",
    "chun choon",
    "hyok hyuk hyeok",
    "pyong pyung byung byeong",
    "thae tae",
    "il ihl",
    "su soo",
    "jin chin",
    "kyu gyu",
    "ki gi",
    "tu du doo",
    "pong bong",
    "kil gil",
    "tok deok duk",
    "kun geun keun",
    "sik shik",
    "hun hoon",
    # pinyin and Wade-Giles
    "zhang chang",
    "zhou chou chow",
    "zhao chao",
    "xu hsu",
    "xie hsieh",
    "qiu chiu",
    "zheng cheng",
    "jiang chiang",
    "zhu chu",
    "guo kuo",
    "cai tsai",
    "cao tsao",
    "xiao hsiao",
    "jian chien",
    "zhi chih",
    "shi shih",
    "xi hsi",
    "qi chi",
    "ji chi",
    "ren jen",
    "rong jung",
    "deng teng",
    "du tu",
    "dong tung",
    "ding ting",
    "gao kao",
    "gu ku",
    "guan kuan",
    "gong kung",
    "bai pai",
    "bao pao",
    "zeng tseng",
    "zou tsou",
    "cui tsui",
    "li lee",
    "huang hwang",
    "xin hsin",
    "xing hsing",
    "xiong hsiung",
    "xue hsueh",
    "quan chuan",
    "qian chien",
    "qing ching",
    "jun chun",
    "jia chia",
    "jie chieh",
    "kong kung",
    "dai tai",
    "zi tzu tsu",
    "si ssu szu",
    "zhong chung",
    "zhen chen",
    "zhuo cho",
    "zhan chan",
    "jing ching",
    "ju chu",
    "jue chueh",
    "bin pin",
    "bo po",
    "de te",
    "da ta",
    "ge ko",
    "ke ko",
    "ze tse",
    "zhe che",
    "qiang chiang",
    "xiang hsiang",
    "xian hsien",
    "xiu hsiu",
    "xuan hsuan",
    "ran jan",
    "rui jui",
)

# Chinese two-character family names: a four-character Han person name starting with one is
# Chinese (`欧阳娜娜`), any other is read as Japanese (family name of two characters and given
# name of two: `山田太郎`, `田中花子`), as Chinese names are two or three characters long.
_COMPOUND_SURNAMES = (
    "欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 宇文 司徒 "
    "夏侯 轩辕 軒轅 令狐 端木 独孤 獨孤 南宫 南宮 西门 西門 百里 呼延 澹台 澹臺 公冶 宗政 濮阳 濮陽 "
    "太史 申屠 闻人 聞人 赫连 赫連 钟离 鍾離 第五 万俟 萬俟 拓跋 左丘 谷梁 穀梁 段干 仲孙 仲孫"
)
_CHINESE_COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES.split())
JAPANESE_PERSON_NAME_LENGTH = 4
# ... and a part of a Japanese name written apart is at most this long (`中国银行 上海分行`, a
# Chinese bank and its branch, is no `family given`).
MAX_NAME_PART_LENGTH = 3

# Hangul syllable parts (Unicode composes a syllable from 19 initials, 21 vowels, 28 finals) in
# McCune-Reischauer without its diacritics and apostrophes, which is also how the DPRK's
# official romanisation and the sanctions lists write Korean names (`KIM Jong Un`, `PAK`,
# `CHOE`, `RI`). Each syllable is read on its own, as the lists write name syllables apart.
_INITIAL_LETTERS = "k kk n t tt r m p pp s ss - j jj ch k t p h"
_VOWEL_LETTERS = "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i"
_FINAL_LETTERS = "k k k n n n t l k m l l l p l m p p t t ng t t k t p t"
_INITIALS = _INITIAL_LETTERS.split()
_VOWELS = _VOWEL_LETTERS.split()
_FINALS = ["", *_FINAL_LETTERS.split()]
_HANGUL_BASE = 0xAC00


def read_hangul_syllable(char: str) -> str:
    """One Hangul syllable in Latin letters (`김` -> `kim`, `최` -> `choe`, `정` -> `jong`)."""
    code = ord(char) - _HANGUL_BASE
    initial, rest = divmod(code, 21 * 28)
    vowel, final = divmod(rest, 28)
    return _INITIALS[initial].strip("-") + _VOWELS[vowel] + _FINALS[final]


def read_hangul(text: str) -> str:
    """`text` with Korean legal forms in English and every Hangul syllable read apart
    (`주식회사 가람미래` -> ` co ltd  ka ram mi rae `); other characters unchanged."""
    for native, latin in _HANGUL_BUSINESS_WORDS:
        if native in text:
            text = text.replace(native, f" {latin} ")
    return _HANGUL.sub(lambda m: f" {read_hangul_syllable(m.group(0))} ", text)


# Korean names are also written in Han characters (hanja): `金正恩` is KIM Jong Un, which ICU
# reads as Mandarin `jin zheng en`. Which language a Han name is read in cannot be told from the
# characters (a Chinese `金志强` is Jin Zhiqiang), so a name that can be Korean is screened both
# ways (`screening.names.name_readings`). A small table, not a library: PyPI's `hanja` (0.15.1)
# pins PyYAML 6.0.1 against ours and pulls pydantic, typer and coveralls, and reads `金` as the
# word `geum` (gold) rather than the family name `gim`; `hanjadict` ships no data. The readings
# are Hangul, as North Korea writes them (no initial-sound rule: `李` is `리`, RI, which
# `SYLLABLE_VARIANTS` pairs with LEE), so `read_hangul` then spells them as the lists do.
# Family names: the first character of a Korean name (traditional forms, as hanja are written).
_KOREAN_FAMILY_NAMES = dict(
    zip(
        "金李朴崔鄭姜趙尹張林韓申吳徐權黃安宋洪全柳高文梁孫裵白許劉南沈盧河丁成車具禹朱任羅辛閔陳池嚴元蔡"
        "千方康玄咸卞廉楊邊呂秋魯都蘇石宣薛馬吉周延表明奇潘王琴玉陸印孟諸卓秦魚殷片龍余太奉桂",
        "김리박최정강조윤장림한신오서권황안송홍전류고문량손배백허류남심로하정성차구우주임라신민진지엄원채"
        "천방강현함변렴양변려추로도소석선설마길주연표명기반왕금옥륙인맹제탁진어은편룡여태봉계",
        strict=True,
    )
)
# ... and the characters of given names, common in Korean names (with the family names' own
# readings where a character is both: `成` 성, `明` 명).
_KOREAN_GIVEN_NAME_CHARACTERS = dict(
    zip(
        "正恩日成哲男浩永英勇龍海光國秀淑順賢敏民俊植鎬鎭鉉炫玄泰在載宰圭奎東洙弘烈赫革虎雄春仁一根石"
        "錫碩善先宣旭昊鎔容泳榮映熙喜姬希元源媛昌彰景京慶敬相尙祥吉基起奇大德道斗萬明武文範柄炳秉福富山"
        "三聖世壽守淳承勝時信實心安良洋陽彦然玉完宇雨友佑雲偉有裕潤允銀義益寅子長才貞廷庭鍾宗周柱重中"
        "智志知振辰眞珍天喆淸忠致泰澤平弼夏學漢翰憲顯亨炯衡好和花華煥興輝勳孝會",
        "정은일성철남호영영용룡해광국수숙순현민민준식호진현현현태재재재규규동수홍렬혁혁호웅춘인일근석"
        "석석선선선욱호용용영영영희희희희원원원창창경경경경상상상길기기기대덕도두만명무문범병병병복부산"
        "삼성세수수순승승시신실심안량양양언연옥완우우우우운위유유윤윤은의익인자장재정정정종종주주중중"
        "지지지진진진진천철청충치태택평필하학한한헌현형형형호화화화환흥휘훈효회",
        strict=True,
    )
)
# A Korean name in hanja: a one-character family name and a given name of one or two.
_KOREAN_NAME_LENGTHS = (2, 3)


def read_hanja_as_korean(text: str) -> str | None:
    """`text` in Hangul when it can be a Korean name written in hanja: two or three Han
    characters (spaces aside), a Korean family name's first, each with a known Korean reading
    (`金正恩` -> `김정은`); else None."""
    chars = text.replace(" ", "")
    if len(chars) not in _KOREAN_NAME_LENGTHS or chars[0] not in _KOREAN_FAMILY_NAMES:
        return None
    given = [_KOREAN_GIVEN_NAME_CHARACTERS.get(c) for c in chars[1:]]
    if any(reading is None for reading in given):
        return None
    return _KOREAN_FAMILY_NAMES[chars[0]] + "".join(r for r in given if r is not None)


def is_japanese(text: str, person: bool) -> bool:
    """True when a name with Han characters is Japanese: it holds kana or a Japanese legal form
    (`株式会社`); or it is written `family given` in Han characters alone, a family name of two or
    three characters and a given name of one to three (`佐藤 健`: Chinese writes no space in a
    name); or, for a person (`person`), it is four Han characters not starting with a Chinese
    two-character family name (`山田太郎`)."""
    if _KANA.search(text):
        return True
    if not _HAN.search(text):
        return False
    if any(form in text for form in _JAPANESE_FORMS):
        return True
    words = text.split()
    if len(words) == 2 and all(_HAN.fullmatch(c) for w in words for c in w):
        return (
            2 <= len(words[0]) <= MAX_NAME_PART_LENGTH
            and len(words[1]) <= MAX_NAME_PART_LENGTH
            and words[0] not in _CHINESE_COMPOUND_SURNAMES
        )
    return (
        person
        and len(words) == 1
        and len(text) == JAPANESE_PERSON_NAME_LENGTH
        and all(_HAN.fullmatch(c) for c in text)
        and text[:2] not in _CHINESE_COMPOUND_SURNAMES
    )


@functools.cache
def _kakasi() -> Any:
    # pykakasi loads its dictionaries (about 2 s) on first use: only when a Japanese name comes.
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


# Hepburn long vowels as passports and lists write them: Satō/Satou -> Sato, Yūki -> Yuki.
_LONG_VOWELS = (("ou", "o"), ("uu", "u"), ("oo", "o"))


def read_japanese(text: str) -> str:
    """`text` read as Japanese (kanji by their Japanese readings, kana as sounds) in Hepburn
    with long vowels single, each word the dictionary knows apart (`山田太郎` -> `yamada taro`);
    characters pykakasi cannot read stay as they are."""
    parts = []
    text = _read_han_business_words(text)
    for item in _kakasi().convert(text):
        reading = item["hepburn"]
        if not reading.strip() or not reading.isascii():
            parts.append(item["orig"])
            continue
        for long_vowel, short in _LONG_VOWELS:
            reading = reading.replace(long_vowel, short)
        parts.append(f" {reading} ")
    return "".join(parts)


def _read_han_business_words(text: str) -> str:
    for native, latin in _HAN_BUSINESS_WORDS:
        if native in text:
            text = text.replace(native, f" {latin} ")
    return text


def read_cjk(text: str, person: bool = False) -> str:
    """`text` with the CJK readings applied: a Japanese name (`is_japanese`) read as Japanese,
    Han company words in English, Hangul syllables in McCune-Reischauer; the rest unchanged.

    Guarantees: never raises; text without CJK characters comes back unchanged; every reading
    stands apart from its neighbours with spaces, so ICU sees only what no rule here read.
    """
    if not _CJK.search(text):
        return text
    if is_japanese(text, person):
        text = read_japanese(text)
    elif _HAN.search(text):
        text = _read_han_business_words(text)
    if _HANGUL.search(text):
        text = read_hangul(text)
    return text


def translate_pinyin_business_words(tokens: list[str]) -> list[str]:
    """Company words spelt in pinyin in English (`maoyi youxian gongsi` -> `trade co ltd`), in a
    name that holds `gongsi`; any other name comes back as it is."""
    if "gongsi" not in tokens:
        return tokens
    out: list[str] = []
    at = 0
    while at < len(tokens):
        for size in range(min(_LONGEST_PINYIN, len(tokens) - at), 0, -1):
            english = _PINYIN_BUSINESS_WORDS.get(tuple(tokens[at : at + size]))
            if english is not None:
                out.extend(english)
                at += size
                break
        else:
            out.append(tokens[at])
            at += 1
    return out


# Thai writes no spaces between the syllables of a word, and ICU's Thai transliterator puts one
# between each (`นาคะนคร` -> `na kha nkhr`): those syllables (`na`, `ri`, `sok`) then pair with the
# short syllables of unrelated Korean and Chinese listed names.
_THAI_WORD = re.compile("[\u0e00-\u0e7f]+")


def join_thai_words(text: str) -> str:
    """`text` with each Thai word read by ICU as one Latin word (`ซุกรี ดุริยพันธุ์` -> `sukri
    duriyphanthu`), the rest unchanged.

    Guarantees: never raises; text without a Thai character comes back unchanged; a Thai word
    becomes one ASCII word (ICU's reading without its spaces).
    """
    if not _THAI_WORD.search(text):
        return text
    # (normality remembers each word it has read)
    return _THAI_WORD.sub(lambda word: icu_ascii(word.group()).replace(" ", ""), text)
