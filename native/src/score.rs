//! The comparison of two names: token pairs (`pair_similarity`), their one-to-one alignment,
//! each side's coverage, then the score after the rules of `rules.rs`, and the explanation of
//! the same (`explain`).
//!
//! Iteration orders and floating-point operations are those of the former Python
//! implementation (`match._outcome`), which the tests keep as an oracle.
use crate::common::{
    is_alpha, is_digits, levenshtein_bytes, levenshtein_similarity, normalized, osa, single_letters, Config,
    Kind, Name,
};
use crate::rules::{apply_rules, Aligned, Effect, NameFacts};

/// Which rule paired two tokens (`_Pair.how` in Python).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    None,
    Exact,
    Initial,
    DoubledLetter,
    Typo,
    ShortForm,
    Abbreviation,
    Transliteration,
    SpellingVariant,
    Joined,
    Acronym,
    SyllableVariant,
}

impl How {
    /// The Python spelling of the rule (`_Pair.how`).
    pub fn as_str(self) -> &'static str {
        match self {
            How::None => "",
            How::Exact => "exact",
            How::Initial => "initial",
            How::DoubledLetter => "doubled letter",
            How::Typo => "typo",
            How::ShortForm => "short form",
            How::Abbreviation => "abbreviation",
            How::Transliteration => "transliteration",
            How::SpellingVariant => "spelling variant",
            How::Joined => "joined",
            How::Acronym => "acronym",
            How::SyllableVariant => "syllable variant",
        }
    }
}

/// What the scripts of two names allow their words to pair by (`across`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Across {
    /// Both names in one script, or read whole the way the lists write them: spelling rules.
    SameScript,
    /// One name transliterated from an abjad (Arabic, Hebrew), which leaves vowels unwritten:
    /// words pair on their consonants (`mhmd` ~ `mohamed`).
    Abjad,
    /// One name transliterated from a script that writes its vowels (Cyrillic, Greek, Indic,
    /// Thai): words pair on their consonants where they also place their vowels alike.
    Alphabet,
    /// One name read from Han or Hangul, whose every word is a syllable: words pair only when
    /// equal or known spellings of one syllable (`syllable_variants`).
    Syllables,
}

impl Across {
    /// How the words of `qa` and `qb` may pair.
    pub fn of(qa: &Name, qb: &Name) -> Across {
        if qa.syllables.is_empty() != qb.syllables.is_empty() {
            Across::Syllables
        } else if qa.transliterated == qb.transliterated {
            Across::SameScript
        } else if qa.abjad || qb.abjad {
            Across::Abjad
        } else {
            Across::Alphabet
        }
    }

    /// Romanisations may disagree on vowels and voicing: words pair by their sound.
    pub fn by_sound(self) -> bool {
        matches!(self, Across::Abjad | Across::Alphabet)
    }
}

/// `match._Pair`.
#[derive(Clone, Debug)]
pub struct Pair {
    pub a: Vec<usize>,
    pub b: Vec<usize>,
    pub sim: f64,
    pub how: How,
}

/// A candidate pair of `_align`: every pair `_align` considers covers a run of consecutive
/// tokens on each side (one token, two joined tokens, the words of an acronym), so it is held as
/// two ranges and only the chosen ones become a `Pair`.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub a_start: usize,
    pub a_len: usize,
    pub b_start: usize,
    pub b_len: usize,
    pub sim: f64,
    pub how: How,
}

impl Candidate {
    fn to_pair(self) -> Pair {
        Pair {
            a: self.a_range().collect(),
            b: self.b_range().collect(),
            sim: self.sim,
            how: self.how,
        }
    }

    /// The tokens of the first name this pair covers.
    pub fn a_range(&self) -> std::ops::Range<usize> {
        self.a_start..self.a_start + self.a_len
    }

    /// The tokens of the second name this pair covers.
    pub fn b_range(&self) -> std::ops::Range<usize> {
        self.b_start..self.b_start + self.b_len
    }

    /// `match._pair_weight`: the larger side weight of the pair.
    pub fn larger_side_weight(&self, qa: &Name, qb: &Name) -> f64 {
        let wa = range_weight(&qa.weights, self.a_start, self.a_len);
        let wb = range_weight(&qb.weights, self.b_start, self.b_len);
        if wb > wa {
            wb
        } else {
            wa
        }
    }
}

/// `match._typo_credit`.
fn typo_credit(cfg: &Config, sim: f64) -> f64 {
    let credit = (sim - cfg.typo_floor) / (1.0 - cfg.typo_floor);
    // max(0.0, credit): the first argument unless the second is larger
    if credit > 0.0 {
        credit
    } else {
        0.0
    }
}

/// `match._is_subsequence`: the letters of `short` appear in `long_` in order.
fn is_subsequence(short: &[u8], long_: &[u8]) -> bool {
    let mut letters = long_.iter();
    short.iter().all(|c| letters.any(|x| x == c))
}

/// `match._token_similarity` of token `i` of `qa` and token `j` of `qb`.
fn token_similarity(
    cfg: &Config,
    qa: &Name,
    i: usize,
    qb: &Name,
    j: usize,
    person: bool,
    across: Across,
) -> (f64, How) {
    let (a, b) = (&qa.tokens[i], &qb.tokens[j]);
    if a == b {
        return (1.0, How::Exact);
    }
    pair_similarity(
        cfg,
        a,
        b,
        &qa.collapsed[i],
        &qb.collapsed[j],
        &qa.skeletons[i],
        &qb.skeletons[j],
        person,
        across,
    )
}

/// `match._pair_similarity(a, b, person, across)` of two different words, given their
/// doubled-letter forms (`_single_letters`) and consonant skeletons.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pair_similarity(
    cfg: &Config,
    a: &str,
    b: &str,
    collapsed_a: &str,
    collapsed_b: &str,
    ska: &str,
    skb: &str,
    person: bool,
    across: Across,
) -> (f64, How) {
    if is_digits(a) || is_digits(b) {
        return (0.0, How::None); // numbers are equal or different, never 'close'
    }
    let (short, long_) = if a.len() <= b.len() {
        (a.as_bytes(), b.as_bytes())
    } else {
        (b.as_bytes(), a.as_bytes())
    };
    if across == Across::Syllables && cfg.syllable_variants.same(a, b) {
        return (cfg.syllable_variant_similarity, How::SyllableVariant); // `ri` ~ `lee`
    }
    if short.len() == 1 {
        // an initial stands for a person's name; in other names a letter is just a letter
        return if person && long_[0] == short[0] {
            (cfg.initial_similarity, How::Initial)
        } else {
            (0.0, How::None)
        };
    }
    if across == Across::Syllables {
        // a syllable that looks like another is another (`yang`/`wang`): known spellings only
        return (0.0, How::None);
    }
    if collapsed_a == collapsed_b {
        return (cfg.doubled_letter_similarity, How::DoubledLetter);
    }
    let edits = osa(a.as_bytes(), b.as_bytes()); // a swap of two letters is one edit
    let raw = normalized(edits, a.len(), b.len()); // = OSA.normalized_similarity(a, b)
    let mut sim = if raw >= cfg.min_pair_similarity {
        typo_credit(cfg, raw)
    } else {
        0.0
    };
    if sim != 0.0 && edits > cfg.max_typo_edits {
        sim = 0.0;
    }
    let mut how = if sim > 0.0 { How::Typo } else { How::None };
    if person
        && short.len() >= cfg.min_prefix_length
        && long_.starts_with(short)
        && sim < cfg.prefix_similarity
        && !cfg
            .patronymic_suffixes
            .iter()
            .any(|s| long_.ends_with(s.as_bytes()))
    {
        sim = cfg.prefix_similarity;
        how = How::ShortForm;
    }
    if !person
        && sim < cfg.abbreviation_similarity
        && cfg.min_prefix_length <= short.len()
        && short.len() <= cfg.max_acronym_length
        && cfg.max_acronym_length < long_.len()
        && short[0] == long_[0]
        && short[short.len() - 1] == long_[long_.len() - 1]
        && cfg.generic_words.contains(if a.len() <= b.len() { b } else { a })
        && is_subsequence(short, long_)
    {
        sim = cfg.abbreviation_similarity; // `intl` ~ `international`
        how = How::Abbreviation;
    }
    if sim < cfg.skeleton_discount && !ska.is_empty() && !skb.is_empty() {
        if across.by_sound() {
            // another script: romanisations disagree on vowels and voicing
            let sk = transliteration_credit(cfg, a, b, ska, skb, across == Across::Alphabet);
            if sk > sim {
                sim = sk;
                how = How::Transliteration;
            }
        } else if ska == skb
            && sim < cfg.spelling_variant_similarity
            && ska.len() >= cfg.min_skeleton_length
            && cfg.skeleton_map.first_letter(a) == cfg.skeleton_map.first_letter(b)
            && short.len() as f64 >= cfg.spelling_variant_min_length_ratio * long_.len() as f64
        {
            // `husayn`/`hussein`, `qaddafi`/`gaddafi`: spelling variants of one sound
            sim = cfg.spelling_variant_similarity;
            how = How::SpellingVariant;
        }
    }
    (sim, how)
}

/// The credit of two words from different scripts that sound alike: the same consonant skeleton
/// of at least `transliteration_min_skeleton_length` consonants and the same first sound earns
/// `skeleton_discount` (`mhmd` ~ `mohamed`); skeletons of at least
/// `transliteration_near_min_skeleton_length` consonants one romanisation variant apart
/// (`romanisation_variants`: `mktb` ~ `makhtab`, `fdl` ~ `fazl`) earn
/// `transliteration_near_similarity`; anything else earns nothing here (a partial credit for
/// skeletons that merely resemble each other paired `hiroshi` with `takashi`, `mhna` with
/// `marian`: most of the cross-script false alerts). From a script that writes its vowels
/// (`vowels_written`), the words must also place their vowels alike (`vowels_placed_alike`:
/// `rudik` is not `RDC`) and their skeletons keep voicing (`voiced_skeleton_map`: `pragati` is
/// not `BARAKAT`).
fn transliteration_credit(cfg: &Config, a: &str, b: &str, ska: &str, skb: &str, vowels_written: bool) -> f64 {
    if cfg.skeleton_map.first_sound(a) != cfg.skeleton_map.first_sound(b) {
        return 0.0;
    }
    if vowels_written && !vowels_placed_alike(cfg, a, b) {
        return 0.0;
    }
    if !vowels_written && !final_vowels_fit(cfg, a, b) {
        return 0.0;
    }
    let voiced;
    let (ska, skb) = if vowels_written {
        voiced = (
            cfg.voiced_skeleton_map.skeleton(a),
            cfg.voiced_skeleton_map.skeleton(b),
        );
        (voiced.0.as_str(), voiced.1.as_str())
    } else {
        (ska, skb)
    };
    if ska == skb {
        let fits = vowels_written || written_vowels_fit(cfg, a, b);
        return if ska.len() >= cfg.transliteration_min_skeleton_length && fits {
            cfg.skeleton_discount
        } else {
            0.0
        };
    }
    let near = cfg.transliteration_near_min_skeleton_length;
    if ska.len() >= near
        && skb.len() >= near
        && cfg
            .romanisation_variants
            .one_apart(ska.as_bytes(), skb.as_bytes())
    {
        return cfg.transliteration_near_similarity;
    }
    0.0
}

/// The words have their vowels in the same places: their vowel keys (`SkeletonMap::vowel_key`)
/// are at least `transliteration_min_vowel_similarity` alike, or, for words of at least
/// `transliteration_near_min_skeleton_length` consonants, they hold as many runs of vowels
/// (`serej` ~ `sergei`; `rudik` is not `rdc`, nor `priya` `pour`).
fn vowels_placed_alike(cfg: &Config, a: &str, b: &str) -> bool {
    let (ka, kb) = (cfg.skeleton_map.vowel_key(a), cfg.skeleton_map.vowel_key(b));
    let runs = |key: &str| key.bytes().filter(|&c| c == b'a').count();
    let consonants = |key: &str| key.len() - runs(key);
    let long_enough = consonants(&ka).min(consonants(&kb)) >= cfg.transliteration_near_min_skeleton_length;
    (long_enough && runs(&ka) == runs(&kb))
        || normalized(
            levenshtein_bytes(ka.as_bytes(), kb.as_bytes()),
            ka.len(),
            kb.len(),
        ) >= cfg.transliteration_min_vowel_similarity
}

/// From an abjad, a word ending in a final vowel it writes (`abjad_written_final_vowels`, the
/// `i` of ي/ی) does not stand for a word ending in a consonant (`akbr` is not `akbari`).
fn final_vowels_fit(cfg: &Config, a: &str, b: &str) -> bool {
    let ending = |word: &str| {
        let last = &word[word.len() - 1..];
        if cfg.abjad_written_final_vowels.contains(last) {
            Some(true)
        } else if cfg.skeleton_map.first_sound(last).is_empty() {
            None // another vowel: unwritten or written alike
        } else {
            Some(false)
        }
    };
    !matches!(
        (ending(a), ending(b)),
        (Some(true), Some(false)) | (Some(false), Some(true))
    )
}

/// From an abjad, the vowels a transliteration writes (the long ones) stand where the other
/// spelling has vowels too: one vowel key is a subsequence of the other (`mhmd` ~ `mahamad`;
/// `rdaya` is not `rad`, Rezaei is not Raed).
fn written_vowels_fit(cfg: &Config, a: &str, b: &str) -> bool {
    let (ka, kb) = (cfg.skeleton_map.vowel_key(a), cfg.skeleton_map.vowel_key(b));
    let (short, long_) = if ka.len() <= kb.len() {
        (&ka, &kb)
    } else {
        (&kb, &ka)
    };
    is_subsequence(short.as_bytes(), long_.as_bytes())
}

/// `match._joined_pairs`: two adjacent free words of `ta` written as one word of `tb`. With
/// `swap`, `ta` is the second name of the comparison and the pairs are stored the other way round.
#[allow(clippy::too_many_arguments)]
fn joined_pairs(
    cfg: &Config,
    ta: &Name,
    tb: &Name,
    free_a: &[usize],
    free_b: &[usize],
    is_free_a: &[bool],
    out: &mut Vec<Candidate>,
    swap: bool,
    across: Across,
    joined: &mut String,
) {
    for &i in free_a {
        if i + 1 >= is_free_a.len() || !is_free_a[i + 1] {
            continue;
        }
        joined.clear();
        joined.push_str(&ta.tokens[i]);
        joined.push_str(&ta.tokens[i + 1]);
        let mut sk_joined: Option<String> = None;
        for &j in free_b {
            let y = &tb.tokens[j];
            let mut sim = 0.0;
            if across == Across::Syllables {
                // two syllables written as one word, spelt alike (`jin ping` ~ `jinping`)
                if *joined == *y {
                    sim = 1.0;
                }
            } else if y.len() + cfg.joined_max_extra_letters >= joined.len() {
                sim = levenshtein_similarity(joined, y, cfg.joined_min_similarity);
            }
            if sim == 0.0 && across.by_sound() {
                let sk_y = &tb.skeletons[j];
                if sk_y.len() >= cfg.min_skeleton_length {
                    let sk = sk_joined.get_or_insert_with(|| cfg.skeleton_map.skeleton(joined));
                    if *sk == *sk_y && (across == Across::Abjad || vowels_placed_alike(cfg, joined, y)) {
                        sim = cfg.skeleton_discount;
                    }
                }
            }
            if sim != 0.0 {
                out.push(if swap {
                    Candidate {
                        a_start: j,
                        a_len: 1,
                        b_start: i,
                        b_len: 2,
                        sim,
                        how: How::Joined,
                    }
                } else {
                    Candidate {
                        a_start: i,
                        a_len: 2,
                        b_start: j,
                        b_len: 1,
                        sim,
                        how: How::Joined,
                    }
                });
            }
        }
    }
}

/// `match._acronym_pairs`: a word of `ta` spelling the initials of consecutive free words of `tb`
/// (particles may be skipped). With `swap`, `ta` is the second name and pairs are stored reversed.
#[allow(clippy::too_many_arguments)]
fn acronym_pairs(
    cfg: &Config,
    ta: &[String],
    tb: &[String],
    free_a: &[usize],
    free_b: &[usize],
    is_free_b: &[bool],
    out: &mut Vec<Candidate>,
    swap: bool,
) {
    for &i in free_a {
        let word = ta[i].as_bytes();
        if !((cfg.min_acronym_length..=cfg.max_acronym_length).contains(&word.len()) && is_alpha(&ta[i])) {
            continue;
        }
        for &start in free_b {
            if tb[start].as_bytes()[0] != word[0] {
                continue;
            }
            // `initials` is compared with `word` letter by letter as it grows; it equals `word`
            // exactly when every letter agreed and it reached the word's length.
            let mut n_initials = 0usize;
            let mut agree = true;
            let mut j = start;
            while j < is_free_b.len() && is_free_b[j] && n_initials < word.len() {
                let token = &tb[j];
                if n_initials == 0 || !cfg.particles.contains(token.as_str()) {
                    if token.as_bytes()[0] != word[n_initials] {
                        agree = false;
                    }
                    n_initials += 1;
                }
                j += 1;
            }
            let span = j - start;
            if agree && n_initials == word.len() && span >= 2 {
                out.push(if swap {
                    Candidate {
                        a_start: start,
                        a_len: span,
                        b_start: i,
                        b_len: 1,
                        sim: cfg.acronym_similarity,
                        how: How::Acronym,
                    }
                } else {
                    Candidate {
                        a_start: i,
                        a_len: 1,
                        b_start: start,
                        b_len: span,
                        sim: cfg.acronym_similarity,
                        how: How::Acronym,
                    }
                });
            }
        }
    }
}

/// Reusable buffers of one comparison (kept by the caller across the comparisons of one
/// look-up, so scoring a candidate allocates nothing).
#[derive(Default)]
pub struct Scratch {
    chosen: Vec<Candidate>,
    free_b: Vec<usize>,
    left_a: Vec<usize>,
    pairs: Vec<Candidate>,
    is_free_a: Vec<bool>,
    is_free_b: Vec<bool>,
    joined: String,
}

/// `match._align` into `s.chosen`: one-to-one token alignment, equal tokens first, then the best
/// fuzzy pairs.
fn align_into(cfg: &Config, qa: &Name, qb: &Name, person: bool, across: Across, s: &mut Scratch) {
    let (na, nb) = (qa.tokens.len(), qb.tokens.len());
    s.chosen.clear();
    s.free_b.clear();
    s.free_b.extend(0..nb);
    s.left_a.clear();
    for i in 0..na {
        match s.free_b.iter().position(|&j| qa.tokens[i] == qb.tokens[j]) {
            Some(k) => {
                s.chosen.push(Candidate {
                    a_start: i,
                    a_len: 1,
                    b_start: s.free_b[k],
                    b_len: 1,
                    sim: 1.0,
                    how: How::Exact,
                });
                s.free_b.remove(k);
            }
            None => s.left_a.push(i),
        }
    }
    if s.left_a.is_empty() || s.free_b.is_empty() {
        return;
    }
    let Scratch {
        chosen,
        free_b,
        left_a,
        pairs,
        is_free_a,
        is_free_b,
        joined,
    } = s;
    pairs.clear();
    for &i in left_a.iter() {
        for &j in free_b.iter() {
            let (sim, how) = token_similarity(cfg, qa, i, qb, j, person, across);
            if sim > 0.0 {
                pairs.push(Candidate {
                    a_start: i,
                    a_len: 1,
                    b_start: j,
                    b_len: 1,
                    sim,
                    how,
                });
            }
        }
    }
    is_free_a.clear();
    is_free_a.resize(na, false);
    for &i in left_a.iter() {
        is_free_a[i] = true;
    }
    is_free_b.clear();
    is_free_b.resize(nb, false);
    for &j in free_b.iter() {
        is_free_b[j] = true;
    }
    // Joined tokens: two adjacent tokens on one side written as one word on the other.
    joined_pairs(
        cfg, qa, qb, left_a, free_b, is_free_a, pairs, false, across, joined,
    );
    joined_pairs(
        cfg, qb, qa, free_b, left_a, is_free_b, pairs, true, across, joined,
    );
    acronym_pairs(
        cfg, &qa.tokens, &qb.tokens, left_a, free_b, is_free_b, pairs, false,
    );
    acronym_pairs(
        cfg, &qb.tokens, &qa.tokens, free_b, left_a, is_free_a, pairs, true,
    );
    if pairs.is_empty() {
        return;
    }
    // Best pairs first; among equals, the pair covering more tokens first (a stable sort, as
    // Python's `sort(reverse=True)`, keeps equal pairs in their order).
    if pairs.len() > 1 {
        pairs.sort_by(|x, y| {
            (y.sim, y.a_len + y.b_len)
                .partial_cmp(&(x.sim, x.a_len + x.b_len))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    // reuse the free masks as "used" masks: a token not free is already taken
    let used_a = is_free_a;
    used_a.iter_mut().for_each(|u| *u = false);
    let used_b = is_free_b;
    used_b.iter_mut().for_each(|u| *u = false);
    for p in pairs.iter() {
        let a_range = p.a_start..p.a_start + p.a_len;
        let b_range = p.b_start..p.b_start + p.b_len;
        if used_a[a_range.clone()].iter().any(|&u| u) || used_b[b_range.clone()].iter().any(|&u| u) {
            continue;
        }
        used_a[a_range].iter_mut().for_each(|u| *u = true);
        used_b[b_range].iter_mut().for_each(|u| *u = true);
        chosen.push(*p);
    }
}

/// `sum(weights[start..start + len])`, left to right.
fn range_weight(weights: &[f64], start: usize, len: usize) -> f64 {
    let mut total = 0.0;
    for &w in &weights[start..start + len] {
        total += w;
    }
    total
}

/// What the explanation reads of a comparison besides its pairs (`Scratch.chosen`).
#[derive(Clone, Copy, Debug)]
struct Evaluation {
    score: f64,
    cov_a: f64,
    cov_b: f64,
    joined_equal: bool,
}

/// Score `qa` against `qb` compared as `kind`: the chosen pairs are left in `s.chosen` and the
/// tokens they took in `s.is_free_a` / `s.is_free_b` (read as "used"); `fired` sees every rule
/// effect that changed the score, with the comparison it read.
fn evaluate(
    cfg: &Config,
    qa: &Name,
    qb: &Name,
    kind: Kind,
    s: &mut Scratch,
    mut fired: impl FnMut(&Effect, &Aligned<'_>),
) -> Evaluation {
    if qa.tokens != qb.tokens && (qa.joined == qb.joined || qa.unstripped == qb.unstripped) {
        s.chosen.clear();
        return Evaluation {
            score: cfg.joined_similarity,
            cov_a: 0.0,
            cov_b: 0.0,
            joined_equal: true,
        };
    }
    // Romanisation variance only exists across scripts: two Cyrillic names transliterate alike.
    let across = Across::of(qa, qb);
    let person = kind == Kind::Person;
    align_into(cfg, qa, qb, person, across, s);
    let (wa, wb) = (&qa.weights, &qb.weights);
    let mut got_a = 0.0;
    let mut got_b = 0.0;
    let mut distinct = false;
    // the free masks of `align` are no longer needed: they become the used masks here
    let used_a = &mut s.is_free_a;
    used_a.clear();
    used_a.resize(qa.tokens.len(), false);
    let used_b = &mut s.is_free_b;
    used_b.clear();
    used_b.resize(qb.tokens.len(), false);
    for pair in &s.chosen {
        let pa = range_weight(wa, pair.a_start, pair.a_len);
        let pb = range_weight(wb, pair.b_start, pair.b_len);
        got_a += pair.sim * pa;
        got_b += pair.sim * pb;
        if pa > cfg.generic_weight || pb > cfg.generic_weight {
            distinct = true;
        }
        used_a[pair.a_range()].iter_mut().for_each(|u| *u = true);
        used_b[pair.b_range()].iter_mut().for_each(|u| *u = true);
    }
    let cov_a = got_a / qa.total_weight;
    let cov_b = got_b / qb.total_weight;
    let score = combined_coverage(cfg, qa.total_weight, qb.total_weight, cov_a, cov_b);
    let aligned = Aligned {
        qa,
        qb,
        chosen: &s.chosen,
        used_a: &s.is_free_a,
        used_b: &s.is_free_b,
        distinct,
        kind,
    };
    let score = apply_rules(cfg, &NameFacts::of(qa, qb), &aligned, score, |effect| {
        fired(effect, &aligned)
    });
    Evaluation {
        score,
        cov_a,
        cov_b,
        joined_equal: false,
    }
}

/// A comparison's score before any rule: the shorter name's coverage weighs
/// `short_side_weight`, the longer one's the rest (the score and every bound of it).
pub fn combined_coverage(cfg: &Config, total_a: f64, total_b: f64, cov_a: f64, cov_b: f64) -> f64 {
    if total_a <= total_b {
        cfg.short_side_weight * cov_a + (1.0 - cfg.short_side_weight) * cov_b
    } else {
        cfg.short_side_weight * cov_b + (1.0 - cfg.short_side_weight) * cov_a
    }
}

/// The score of `qa` against `qb` compared as `kind` (unrounded), with the caller's buffers.
pub fn score_with(cfg: &Config, qa: &Name, qb: &Name, kind: Kind, s: &mut Scratch) -> f64 {
    evaluate(cfg, qa, qb, kind, s, |_, _| {}).score
}

/// One line of an explanation: `(feature name, value, note)` (the note may be empty).
pub type Evidence = (String, f64, String);

/// A comparison with its explanation: the unrounded score, the chosen pairs and the evidence,
/// in this order: both coverages (the note gives the token overlap and up to three rare words),
/// one line per kind of fuzzy pair (by name), `reordered`, then each rule that fired, in
/// `RULES` order. Names equal once spaces are removed give `joined_tokens` alone.
pub struct Explained {
    pub score: f64,
    pub chosen: Vec<Pair>,
    pub evidence: Vec<Evidence>,
}

/// `qa` against `qb` compared as `kind`, explained.
pub fn explain(cfg: &Config, qa: &Name, qb: &Name, kind: Kind) -> Explained {
    let mut s = Scratch::default();
    let mut rules: Vec<Evidence> = Vec::new();
    let out = evaluate(cfg, qa, qb, kind, &mut s, |effect, aligned| {
        rules.push((
            effect.rule.to_string(),
            effect.shown_value(),
            effect.note_text(aligned),
        ));
    });
    if out.joined_equal {
        let note = "same letters once spaces are removed (joined/split words)";
        return Explained {
            score: out.score,
            chosen: Vec::new(),
            evidence: vec![("joined_tokens".to_string(), 1.0, note.to_string())],
        };
    }
    let used_b = &s.is_free_b;
    let distinctive =
        |name: &Name, mut range: std::ops::Range<usize>| range.any(|i| name.weights[i] > cfg.generic_weight);
    let rare: Vec<String> = s
        .chosen
        .iter()
        .filter(|p| distinctive(qa, p.a_range()) || distinctive(qb, p.b_range()))
        .take(3)
        .map(|p| qb.tokens[p.b_range()].join(" "))
        .collect();
    let matched_b = used_b.iter().filter(|&&u| u).count();
    let mut overlap = format!("token overlap {matched_b}/{}", qb.tokens.len());
    if !rare.is_empty() {
        overlap.push_str(&format!(" (rare: {})", rare.join(", ")));
    }
    let mut evidence: Vec<Evidence> = vec![
        ("coverage_query".to_string(), out.cov_a, String::new()),
        ("coverage_listed".to_string(), out.cov_b, overlap),
    ];
    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
    for pair in s.chosen.iter().filter(|p| p.how != How::Exact) {
        match kinds.iter_mut().find(|(how, _)| *how == pair.how.as_str()) {
            Some((_, count)) => *count += 1,
            None => kinds.push((pair.how.as_str(), 1)),
        }
    }
    kinds.sort_unstable();
    for (how, count) in kinds {
        evidence.push((how.replace(' ', "_"), count as f64, format!("{how} x{count}")));
    }
    if reordered(&s.chosen) {
        evidence.push(("reordered".to_string(), 1.0, "reordered".to_string()));
    }
    evidence.extend(rules);
    Explained {
        score: out.score,
        chosen: s.chosen.iter().map(|c| c.to_pair()).collect(),
        evidence,
    }
}

/// The pairs, in the order of the first name, do not keep the order of the second name.
fn reordered(chosen: &[Candidate]) -> bool {
    let mut order: Vec<&Candidate> = chosen.iter().collect();
    order.sort_by_key(|p| p.a_start); // stable, as Python's sorted
    order.windows(2).any(|w| w[0].b_start > w[1].b_start)
}

/// `match._acronym_pairs(ta, tb, every token, every token, swap=False)`: each word `i` of `ta`
/// spelling the initials of a run of words of `tb`, with that run.
pub fn acronym_spans(cfg: &Config, ta: &[String], tb: &[String]) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    let free_a: Vec<usize> = (0..ta.len()).collect();
    let free_b: Vec<usize> = (0..tb.len()).collect();
    acronym_pairs(
        cfg,
        ta,
        tb,
        &free_a,
        &free_b,
        &vec![true; tb.len()],
        &mut out,
        false,
    );
    out.into_iter()
        .map(|p| (p.a_start, p.b_range().collect()))
        .collect()
}

/// `match._pair_similarity(a, b, person, across)`: the similarity credit of two different
/// words and the rule that gave it.
pub fn word_similarity(cfg: &Config, a: &str, b: &str, person: bool, across: Across) -> (f64, How) {
    pair_similarity(
        cfg,
        a,
        b,
        &single_letters(a),
        &single_letters(b),
        &cfg.skeleton_map.skeleton(a),
        &cfg.skeleton_map.skeleton(b),
        person,
        across,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(cfg: &Config, text: &str) -> Name {
        let tokens: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        // `names.token_weight` (computed in Python in production)
        let weights = tokens
            .iter()
            .map(|t| {
                if cfg.particles.contains(t) {
                    0.2
                } else if cfg.generic_words.contains(t) || is_digits(t) {
                    cfg.generic_weight
                } else {
                    1.0
                }
            })
            .collect();
        Name::new(cfg, tokens, weights, false, text.replace(' ', ""), text)
    }

    fn compare(a: &str, b: &str, kind: Kind) -> Explained {
        let cfg = Config::for_tests();
        let out = explain(&cfg, &name(&cfg, a), &name(&cfg, b), kind);
        // the score is the hot path's too
        let score = score_with(
            &cfg,
            &name(&cfg, a),
            &name(&cfg, b),
            kind,
            &mut Scratch::default(),
        );
        assert_eq!(out.score, score);
        out
    }

    fn hows(out: &Explained) -> Vec<(Vec<usize>, Vec<usize>, &'static str)> {
        out.chosen
            .iter()
            .map(|p| (p.a.clone(), p.b.clone(), p.how.as_str()))
            .collect()
    }

    /// The evidence's feature names.
    fn features(out: &Explained) -> Vec<&str> {
        out.evidence.iter().map(|(name, _, _)| name.as_str()).collect()
    }

    /// The evidence line of `feature`.
    fn line<'a>(out: &'a Explained, feature: &str) -> &'a Evidence {
        out.evidence
            .iter()
            .find(|(name, _, _)| name == feature)
            .unwrap_or_else(|| panic!("no {feature} in {:?}", out.evidence))
    }

    #[test]
    fn identical_names_score_one() {
        let out = compare("vladimir putin", "vladimir putin", Kind::Person);
        assert_eq!(out.score, 1.0);
        assert_eq!(
            hows(&out),
            vec![(vec![0], vec![0], "exact"), (vec![1], vec![1], "exact")]
        );
        assert_eq!(features(&out), ["coverage_query", "coverage_listed"]);
        let note = &line(&out, "coverage_listed").2;
        assert_eq!(note, "token overlap 2/2 (rare: vladimir, putin)");
        assert_eq!(line(&out, "coverage_query").2, "");
    }

    #[test]
    fn reordered_names_pair_exactly() {
        let out = compare("putin vladimir", "vladimir putin", Kind::Person);
        assert_eq!(out.score, 1.0);
        assert_eq!(
            hows(&out),
            vec![(vec![0], vec![1], "exact"), (vec![1], vec![0], "exact")]
        );
        assert_eq!(
            line(&out, "reordered"),
            &("reordered".to_string(), 1.0, "reordered".to_string())
        );
    }

    #[test]
    fn typo_is_credited_on_the_ramp() {
        // `richter` ~ `rickter`: 1 edit in 7 -> 6/7, credit (6/7 - 0.3) / 0.7
        let out = compare("hans richter", "hans rickter", Kind::Person);
        let credit = (6.0 / 7.0 - 0.3) / (1.0 - 0.3);
        assert_eq!(hows(&out)[1], (vec![1], vec![1], "typo"));
        assert_eq!(out.chosen[1].sim, credit);
        assert_eq!(out.score, 0.8979591836734695); // Python's `_outcome`
        assert_eq!(
            line(&out, "typo"),
            &("typo".to_string(), 1.0, "typo x1".to_string())
        );
        // same consonants: a spelling variant, not a typo
        let out = compare("hans schulze", "hans scholz", Kind::Person);
        assert_eq!(out.chosen[1].how, How::SpellingVariant);
        assert_eq!(line(&out, "spelling_variant").2, "spelling variant x1");
    }

    #[test]
    fn joined_names_are_equal() {
        let out = compare("tsmr bank", "tsmrbank", Kind::Organisation);
        assert_eq!(out.score, 0.97);
        assert!(out.chosen.is_empty());
        assert_eq!(
            out.evidence,
            [(
                "joined_tokens".to_string(),
                1.0,
                "same letters once spaces are removed (joined/split words)".to_string()
            )]
        );
    }

    #[test]
    fn two_words_pair_with_one_joined_word() {
        let out = compare("abc defg", "abcdefx", Kind::Organisation);
        assert_eq!(hows(&out), vec![(vec![0, 1], vec![0], "joined")]);
        assert_eq!(out.chosen[0].sim, 1.0 - 1.0 / 7.0);
        // Python's `_outcome` (single token factor)
        assert_eq!(out.score, 0.7285714285714286);
        assert_eq!(line(&out, "single_token").2, "only one distinctive token x0.85");
        assert!((line(&out, "single_token").1 - (0.85 - 1.0)).abs() < 1e-12);
        // 1 edit in 5 is a similarity of exactly 0.8, which rapidfuzz's single precision cutoff
        // (0.8f32 > 0.8) rejects
        let out = compare("ab cde", "abcdx", Kind::Organisation);
        assert!(out.chosen.is_empty());
        assert_eq!(out.score, 0.0);
    }

    #[test]
    fn acronym_spells_initials_skipping_particles() {
        let out = compare("bank of the united states", "bank us", Kind::Organisation);
        assert_eq!(
            hows(&out),
            vec![(vec![0], vec![0], "exact"), (vec![3, 4], vec![1], "acronym")]
        );
        let out = compare("pla", "peoples liberation army", Kind::Organisation);
        assert_eq!(hows(&out), vec![(vec![0], vec![0, 1, 2], "acronym")]);
        // initials alone identify nobody
        assert_eq!(out.score, 0.5);
        let generic = line(&out, "generic_only");
        assert_eq!(generic.1, 0.5);
        assert_eq!(generic.2, "only generic words match, capped at 0.50");
        let cfg = Config::for_tests();
        let words = |text: &str| text.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            acronym_spans(&cfg, &words("bank us"), &words("bank of the united states")),
            [(1, vec![3, 4])]
        );
        assert!(acronym_spans(&cfg, &words("un"), &words("united")).is_empty());
        // one word spells nothing
    }

    #[test]
    fn different_given_names_conflict() {
        let out = compare("frederik richter", "frank richter", Kind::Person);
        assert_eq!(out.score, (0.5 * 0.5 + 0.5 * 0.5) * 0.8);
        let conflict = line(&out, "conflict");
        assert_eq!(conflict.2, "unmatched on both sides: frederik / frank x0.80");
        assert!((conflict.1 - (0.8 - 1.0)).abs() < 1e-12);
        assert_eq!(
            line(&out, "coverage_listed").2,
            "token overlap 1/2 (rare: richter)"
        );
    }

    #[test]
    fn patronymic_swap_is_penalised() {
        let out = compare("salman bin muhammad", "muhammad bin salman", Kind::Person);
        assert_eq!(out.score, 0.6);
        assert_eq!(
            line(&out, "patronymic_swapped").2,
            "own name and father's name swapped (X bin Y) x0.60"
        );
    }

    #[test]
    fn rules_fire_in_their_order() {
        // conflict, single token and numbers at once: the evidence lists them as `RULES` does
        let out = compare("zorro 23 bank", "acme holding 24 bank", Kind::Organisation);
        let rules: Vec<&str> = features(&out)
            .into_iter()
            .filter(|f| ["conflict", "single_token", "number_mismatch"].contains(f))
            .collect();
        assert_eq!(rules, ["conflict", "single_token", "number_mismatch"]);
        assert_eq!(line(&out, "number_mismatch").2, "numbers differ x0.90");
    }

    #[test]
    fn name_factors_are_the_rules_of_the_names_alone() {
        let cfg = Config::for_tests();
        let names = |a: f64, b: f64, same: bool| NameFacts {
            distinctive_a: a,
            distinctive_b: b,
            numbers_equal: same,
        };
        assert_eq!(
            crate::rules::name_factors(&cfg, &names(1.0, 2.0, true), 1.0),
            0.85
        );
        assert_eq!(
            crate::rules::name_factors(&cfg, &names(2.0, 2.0, false), 1.0),
            0.9
        );
        assert_eq!(
            crate::rules::name_factors(&cfg, &names(1.0, 3.0, false), 0.5),
            0.5 * 0.85 * 0.9
        );
        assert_eq!(crate::rules::name_factors(&cfg, &names(2.0, 2.0, true), 0.7), 0.7);
    }

    #[test]
    fn same_script_syllables_cap_the_score() {
        let cfg = Config::for_tests();
        let han = |text: &str, tokens: &str| {
            let mut n = name(&cfg, tokens);
            n = Name::new(&cfg, n.tokens, n.weights, true, n.unstripped, text);
            n
        };
        let (a, b) = (han("習近平", "xi jin ping"), han("習近朋", "xi jin peng"));
        let out = explain(&cfg, &a, &b, Kind::Person);
        let sim = 1.0 - 1.0 / 3.0; // one character of three differs
        let cap = sim * sim;
        assert_eq!(out.score, cap);
        let line = line(&out, "syllables_differ");
        assert_eq!(
            (line.1, line.2.as_str()),
            (cap, "characters differ in the original script, capped at 0.44")
        );
    }

    /// A name prepared from `original` (its script decides how its words pair), with `tokens`.
    fn written(cfg: &Config, original: &str, tokens: &str, transliterated: bool) -> Name {
        let n = name(cfg, tokens);
        Name::new(cfg, n.tokens, n.weights, transliterated, n.unstripped, original)
    }

    #[test]
    fn han_syllables_pair_only_as_known_spellings_and_each_counts() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let zhao_lei = written(&cfg, "赵磊", "zhao lei", true);
        assert_eq!(Across::of(&zhao_lei, &latin("wei zhao")), Across::Syllables);
        // `lei` / `wei` look alike (a typo elsewhere) but are two syllables
        let out = explain(&cfg, &zhao_lei, &latin("wei zhao"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![1], "exact")]);
        let line = line(&out, "syllable_unpaired");
        assert_eq!(line.2, "a syllable of the name unpaired: lei / wei x0.80");
        assert_eq!(out.score, 0.5 * 0.8 * 0.8); // coverage, conflict, syllable unpaired
                                                // a known spelling of the syllable (`syllable_variants`) pairs
        let park = written(&cfg, "박", "pak", false);
        let out = explain(&cfg, &park, &latin("park"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "syllable variant")]);
        assert_eq!(out.score, 0.9);
        // two syllables written as one word, with the same letters
        let xi = written(&cfg, "习近平", "xi jin ping", true);
        let out = explain(&cfg, &xi, &latin("jinping xi"), Kind::Person);
        assert_eq!(out.score, 1.0);
        assert_eq!(hows(&out)[1], (vec![1, 2], vec![0], "joined"));
        assert!(explain(&cfg, &xi, &latin("jinpeng xi"), Kind::Person).score < 0.5);
    }

    #[test]
    fn a_sound_pair_from_a_script_with_vowels_places_its_vowels_alike() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        // Cyrillic writes vowels: `rudik` has two where `rdc` has none
        let rudik = written(&cfg, "Рудик", "rudik", true);
        assert_eq!(Across::of(&rudik, &latin("rdc")), Across::Alphabet);
        assert_eq!(explain(&cfg, &rudik, &latin("rdc"), Kind::Person).score, 0.0);
        let dmitrij = written(&cfg, "Дмитрий", "dmitrij", true);
        let out = explain(&cfg, &dmitrij, &latin("dmitry"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "transliteration")]);
        // an abjad writes only long vowels, where the other spelling has vowels too
        let mohammad = written(&cfg, "محمد", "mhmd", true);
        assert_eq!(Across::of(&mohammad, &latin("mohamad")), Across::Abjad);
        assert_eq!(
            explain(&cfg, &mohammad, &latin("mohamad"), Kind::Person).score,
            0.9
        );
        let rezaei = written(&cfg, "رضایی", "rdayi", true);
        assert_eq!(explain(&cfg, &rezaei, &latin("raed"), Kind::Person).score, 0.0);
    }

    #[test]
    fn skeletons_one_consonant_apart_pair_only_by_a_romanisation_variant() {
        let cfg = Config::for_tests();
        let apart = |x: &str, y: &str| cfg.romanisation_variants.one_apart(x.as_bytes(), y.as_bytes());
        assert!(apart("mktb", "mkhtb")); // the h of a digraph (`makhtab`)
        assert!(apart("hmst", "hms")); // a final ta marbuta (`hmzt` ~ `hamza`)
        assert!(!apart("hmsta", "hmsa")); // ... only last
        assert!(apart("lsbr", "sbr")); // an assimilated article (`alsbar` ~ `essabar`)
        assert!(!apart("sbrl", "sbr")); // ... not last
        assert!(apart("khmd", "hmd")); // `k` before `h` (`akhmed` ~ `ahmed`)
        assert!(!apart("hmdk", "hmd"));
        assert!(apart("fdl", "fsl")); // d/z of ض (`fdl` ~ `fazl`)
        assert!(!apart("mhn", "mrn")); // `mhna` is not `marian`
        assert!(!apart("hst", "hsn")); // `hust` is not `hosni`
        assert!(!apart("mktb", "mktb")); // equal is not one apart
        assert!(!apart("mktb", "mkhtbh")); // two apart

        // a variant reads in the engine: `mhna` no longer pairs with `marian`
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let mhna = written(&cfg, "مهنا", "mhna", true);
        assert_eq!(explain(&cfg, &mhna, &latin("marian"), Kind::Person).score, 0.0);
        let mktb = written(&cfg, "مكتب", "mktb", true);
        assert_eq!(explain(&cfg, &mktb, &latin("makhtab"), Kind::Person).score, 0.8);
    }

    #[test]
    fn a_script_that_writes_its_vowels_keeps_voicing() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let pragati = written(&cfg, "প্রগতি", "pragati", true);
        assert_eq!(Across::of(&pragati, &latin("barakat")), Across::Alphabet);
        assert_eq!(
            explain(&cfg, &pragati, &latin("barakat"), Kind::Person).score,
            0.0
        );
        // (a typo's small credit is all that is left)
        let zafeiri = written(&cfg, "Ζαφείρη", "zafeiri", true);
        let out = explain(&cfg, &zafeiri, &latin("saferi"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "typo")]);
        assert!(out.score < 0.7);
        // a final й is a romanisation variant
        let dmitrij = written(&cfg, "Дмитрий", "dmitrij", true);
        assert_eq!(explain(&cfg, &dmitrij, &latin("dmitry"), Kind::Person).score, 0.8);
    }

    #[test]
    fn an_abjads_written_final_i_pairs_only_with_a_final_i() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let akbar = written(&cfg, "اکبر", "akbr", true);
        // (a typo's small credit is all that is left)
        let out = explain(&cfg, &akbar, &latin("akbari"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "typo")]);
        assert!(out.score < 0.7);
        assert_eq!(explain(&cfg, &akbar, &latin("akbar"), Kind::Person).score, 0.9);
        let nuri = written(&cfg, "نوری", "nuri", true);
        assert!(explain(&cfg, &nuri, &latin("noor"), Kind::Person).score < 0.7);
    }

    #[test]
    fn a_kunya_is_one_name_with_the_word_beside_it() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let maryam = written(&cfg, "مريم أبو غليون", "mrim abu ghliun", true);
        let out = explain(&cfg, &maryam, &latin("abu maryam"), Kind::Person);
        assert_eq!(
            line(&out, "kunya_apart").2,
            "kunya (abu/umm) beside another name x0.60"
        );
        let abu_maryam = written(&cfg, "أبو مريم", "abu mrim", true);
        let out = explain(&cfg, &abu_maryam, &latin("abu maryam"), Kind::Person);
        assert!(features(&out).iter().all(|f| *f != "kunya_apart"));
        // a Latin name keeps its own order: no kunya rule within one script
        let out = compare("ghaith ali abu", "abu ghaith ali", Kind::Person);
        assert!(features(&out).iter().all(|f| *f != "kunya_apart"));
    }

    #[test]
    fn a_single_word_across_scripts_needs_more_than_a_sound() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        // a person's one word by sound, another word unpaired
        let ariyan = written(&cfg, "আরিয়ান দাস", "ariyan dasgupta", true);
        let out = explain(&cfg, &ariyan, &latin("arana"), Kind::Person);
        assert!(line(&out, "lone_word_by_sound")
            .2
            .starts_with("one word paired by sound, the rest unpaired: dasgupta /"));
        // ... or as words joined (`احسان` ~ `AH SAN`)
        let ahsan = written(&cfg, "احسان ضابطی", "ahsan dabti", true);
        let out = explain(&cfg, &ahsan, &latin("ah san"), Kind::Person);
        assert_eq!(hows(&out), vec![(vec![0], vec![0, 1], "joined")]);
        assert!(out.score < 0.7 && features(&out).contains(&"lone_word_by_sound"));
        // a company's longer word by sound, spelt unalike; spelt alike it keeps its score
        let mistri = written(&cfg, "मिस्त्री", "mistri", true);
        let out = explain(&cfg, &mistri, &latin("maestro"), Kind::Organisation);
        assert_eq!(
            line(&out, "unalike_word_by_sound").2,
            "one company word paired by sound, spelt unalike: mistri / maestro x0.75"
        );
        let aeroskan = written(&cfg, "Аэроскан", "aeroskan", true);
        assert_eq!(
            explain(&cfg, &aeroskan, &latin("aeroscan"), Kind::Organisation).score,
            0.9
        );
        // a company's one word a typo apart across scripts
        let tkach = written(&cfg, "Ткач", "tkach", true);
        let out = explain(&cfg, &tkach, &latin("kach"), Kind::Organisation);
        assert_eq!(
            line(&out, "company_word_by_typo").2,
            "one company word a typo apart across scripts: tkach / kach x0.75"
        );
    }

    #[test]
    fn a_companys_one_word_paired_by_sound_alone_is_weak() {
        let cfg = Config::for_tests();
        let latin = |tokens: &str| written(&cfg, tokens, tokens, false);
        let hamami = written(&cfg, "حمامي", "hmami", true);
        let out = explain(&cfg, &hamami, &latin("homa"), Kind::Organisation);
        assert_eq!(out.score, 0.9 * 0.75);
        assert_eq!(
            line(&out, "single_word_by_sound").2,
            "one short word paired by sound alone x0.75"
        );
        // another pair corroborates (`post bank`), a longer skeleton is evidence of its own
        let post = written(&cfg, "پست بانک", "bst bank", true);
        assert!(
            features(&explain(&cfg, &post, &latin("post bank"), Kind::Organisation))
                .iter()
                .all(|f| *f != "single_word_by_sound")
        );
        let parsian = written(&cfg, "پارسیان", "parsyan", true);
        assert_eq!(
            explain(&cfg, &parsian, &latin("parsian"), Kind::Organisation).score,
            0.9
        );
        // a person's single name keeps its score (`משה` ~ `Moshe`)
        let moshe = written(&cfg, "משה", "msh", true);
        assert_eq!(explain(&cfg, &moshe, &latin("moshe"), Kind::Person).score, 0.9);
    }

    #[test]
    fn a_generic_word_left_against_a_distinctive_one_is_another_body() {
        let out = compare(
            "central bank of iran",
            "central election of iran",
            Kind::Organisation,
        );
        assert_eq!(
            line(&out, "conflict").2,
            "unmatched on both sides: bank / election x0.80"
        );
        // a generic word left alone (nothing distinctive on the other side) conflicts with nothing
        let out = compare("acme trading", "acme", Kind::Organisation);
        assert!(features(&out).iter().all(|f| *f != "conflict"));
    }

    #[test]
    fn initial_and_short_form_for_people_only() {
        let out = compare("j smith", "john smith", Kind::Person);
        assert_eq!(
            hows(&out),
            vec![(vec![1], vec![1], "exact"), (vec![0], vec![0], "initial")]
        );
        let out = compare("alex smith", "alexander smith", Kind::Person);
        assert_eq!(out.chosen[1].how, How::ShortForm);
        let out = compare("oleksandr smith", "oleksandrovych smith", Kind::Person);
        assert!(out.chosen.iter().all(|p| p.how != How::ShortForm));
        let out = compare("j smith", "john smith", Kind::Organisation);
        assert_eq!(out.chosen.len(), 1);
        let cfg = Config::for_tests();
        assert_eq!(
            word_similarity(&cfg, "j", "john", true, Across::SameScript),
            (0.8, How::Initial)
        );
        assert_eq!(
            word_similarity(&cfg, "intl", "international", false, Across::SameScript),
            (0.85, How::Abbreviation)
        );
        assert_eq!(
            word_similarity(&cfg, "mhmd", "mohamed", false, Across::Abjad).1,
            How::Transliteration
        );
    }

    #[test]
    fn equal_pairs_keep_their_order_in_the_sort() {
        // two typos of the same credit: the first considered wins (Python's stable sort)
        let out = compare("abcdefgh", "abcdefgx abcdefgy", Kind::Any);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "typo")]);
    }
}
