//! Port of `screening/match.py`'s `_outcome` (and everything it calls).
//!
//! Every rule, iteration order and floating-point operation follows the Python reference, so
//! both give identical outcomes (`tests/unit/test_native.py`).
use crate::common::{
    consonant_skeleton, is_alpha, is_digits, levenshtein_similarity, levenshtein_similarity_chars,
    normalized, osa, script_of, skeleton_map_first, Config, Kind, Name,
};

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
        }
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

/// `match._Outcome`.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub score: f64,
    pub chosen: Vec<Pair>,
    pub cov_a: f64,
    pub cov_b: f64,
    pub left_a: Vec<usize>,
    pub left_b: Vec<usize>,
    pub joined_equal: bool,
    pub conflict: bool,
    pub single_token: bool,
    pub generic_only: bool,
    pub number_mismatch: bool,
    pub patronymic_swapped: bool,
    pub syllable_cap: f64,
}

/// A candidate pair of `_align`: every pair `_align` considers covers a run of consecutive
/// tokens on each side (one token, two joined tokens, the words of an acronym), so it is held as
/// two ranges and only the chosen ones become a `Pair`.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    a_start: usize,
    a_len: usize,
    b_start: usize,
    b_len: usize,
    sim: f64,
    how: How,
}

impl Candidate {
    fn to_pair(self) -> Pair {
        Pair {
            a: (self.a_start..self.a_start + self.a_len).collect(),
            b: (self.b_start..self.b_start + self.b_len).collect(),
            sim: self.sim,
            how: self.how,
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
    lenient: bool,
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
        lenient,
    )
}

/// `match._pair_similarity(a, b, person, lenient)` of two different words, given their
/// doubled-letter forms (`_single_letters`) and consonant skeletons.
#[allow(clippy::too_many_arguments)]
fn pair_similarity(
    cfg: &Config,
    a: &str,
    b: &str,
    collapsed_a: &str,
    collapsed_b: &str,
    ska: &str,
    skb: &str,
    person: bool,
    lenient: bool,
) -> (f64, How) {
    if is_digits(a) || is_digits(b) {
        return (0.0, How::None); // numbers are equal or different, never 'close'
    }
    let (short, long_) = if a.len() <= b.len() {
        (a.as_bytes(), b.as_bytes())
    } else {
        (b.as_bytes(), a.as_bytes())
    };
    if short.len() == 1 {
        // an initial stands for a person's name; in other names a letter is just a letter
        return if person && long_[0] == short[0] {
            (cfg.initial_similarity, How::Initial)
        } else {
            (0.0, How::None)
        };
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
        if lenient {
            // another script: romanisations disagree on vowels and voicing
            let sk = levenshtein_similarity(ska, skb, 0.0) * cfg.skeleton_discount;
            if sk > sim {
                sim = sk;
                how = How::Transliteration;
            }
        } else if ska == skb
            && sim < cfg.spelling_variant_similarity
            && ska.len() >= cfg.min_skeleton_length
            && skeleton_map_first(a) == skeleton_map_first(b)
            && short.len() as f64 >= cfg.spelling_variant_min_length_ratio * long_.len() as f64
        {
            // `husayn`/`hussein`, `qaddafi`/`gaddafi`: spelling variants of one sound
            sim = cfg.spelling_variant_similarity;
            how = How::SpellingVariant;
        }
    }
    (sim, how)
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
    lenient: bool,
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
            if y.len() + 2 >= joined.len() {
                sim = levenshtein_similarity(joined, y, cfg.joined_min_similarity);
            }
            if sim == 0.0 && lenient {
                let sk_y = &tb.skeletons[j];
                if sk_y.len() >= cfg.min_skeleton_length {
                    let sk = sk_joined.get_or_insert_with(|| consonant_skeleton(joined));
                    if *sk == *sk_y {
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
    ta: &Name,
    tb: &Name,
    free_a: &[usize],
    free_b: &[usize],
    is_free_b: &[bool],
    out: &mut Vec<Candidate>,
    swap: bool,
) {
    for &i in free_a {
        let word = ta.tokens[i].as_bytes();
        if !((cfg.min_acronym_length..=cfg.max_acronym_length).contains(&word.len())
            && is_alpha(&ta.tokens[i]))
        {
            continue;
        }
        for &start in free_b {
            if tb.tokens[start].as_bytes()[0] != word[0] {
                continue;
            }
            // `initials` is compared with `word` letter by letter as it grows; it equals `word`
            // exactly when every letter agreed and it reached the word's length.
            let mut n_initials = 0usize;
            let mut agree = true;
            let mut j = start;
            while j < is_free_b.len() && is_free_b[j] && n_initials < word.len() {
                let token = &tb.tokens[j];
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
fn align_into(cfg: &Config, qa: &Name, qb: &Name, person: bool, lenient: bool, s: &mut Scratch) {
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
            let (sim, how) = token_similarity(cfg, qa, i, qb, j, person, lenient);
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
        cfg, qa, qb, left_a, free_b, is_free_a, pairs, false, lenient, joined,
    );
    joined_pairs(
        cfg, qb, qa, free_b, left_a, is_free_b, pairs, true, lenient, joined,
    );
    acronym_pairs(cfg, qa, qb, left_a, free_b, is_free_b, pairs, false);
    acronym_pairs(cfg, qb, qa, free_b, left_a, is_free_a, pairs, true);
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

/// `match._pair_weight`: the larger side weight of one aligned pair.
fn pair_weight(qa: &Name, qb: &Name, pair: &Candidate) -> f64 {
    let wa = range_weight(&qa.weights, pair.a_start, pair.a_len);
    let wb = range_weight(&qb.weights, pair.b_start, pair.b_len);
    if wb > wa {
        wb
    } else {
        wa
    }
}

/// `match._own_name_index`: the word before the first `bin`/`ibn` (None after a particle).
fn own_name_index(cfg: &Config, tokens: &[String]) -> Option<usize> {
    for index in 1..tokens.len() {
        if cfg.patronymic_words.contains(tokens[index].as_str()) {
            return if cfg.particles.contains(tokens[index - 1].as_str()) {
                None
            } else {
                Some(index - 1)
            };
        }
    }
    None
}

/// `match._patronymic_swapped`: `Salman bin Muhammad` vs `Muhammad bin Salman`.
fn patronymic_swapped(cfg: &Config, qa: &Name, qb: &Name, chosen: &[Candidate]) -> bool {
    let (Some(own_a), Some(own_b)) = (own_name_index(cfg, &qa.tokens), own_name_index(cfg, &qb.tokens))
    else {
        return false;
    };
    for pair in chosen {
        if (pair.a_start..pair.a_start + pair.a_len).contains(&own_a) {
            return !(pair.b_start..pair.b_start + pair.b_len).contains(&own_b);
        }
    }
    false
}

/// `match._same_script_syllables_cap`: the squared character similarity of two names written in
/// the same syllabic script (1.0 when that does not apply).
pub fn same_script_syllables_cap(qa: &Name, qb: &Name) -> f64 {
    if !(qa.transliterated && qb.transliterated) {
        return 1.0;
    }
    let (sa, sb) = (&qa.syllables, &qb.syllables);
    if sa.is_empty() || sb.is_empty() || sa == sb || script_of(sa[0]) != script_of(sb[0]) {
        return 1.0;
    }
    let sim = levenshtein_similarity_chars(sa, sb);
    sim * sim
}

/// The facts of one comparison besides its pairs (`s.chosen`) and the left tokens.
struct Facts {
    score: f64,
    cov_a: f64,
    cov_b: f64,
    joined_equal: bool,
    conflict: bool,
    single_token: bool,
    generic_only: bool,
    number_mismatch: bool,
    patronymic_swapped: bool,
    syllable_cap: f64,
}

/// `match._outcome(qa, qb, kind)`, all but the left tokens (read from `s` afterwards).
fn evaluate(cfg: &Config, qa: &Name, qb: &Name, kind: Kind, s: &mut Scratch) -> Facts {
    if qa.tokens != qb.tokens && (qa.joined == qb.joined || qa.unstripped == qb.unstripped) {
        s.chosen.clear();
        return Facts {
            score: cfg.joined_similarity,
            cov_a: 0.0,
            cov_b: 0.0,
            joined_equal: true,
            conflict: false,
            single_token: false,
            generic_only: false,
            number_mismatch: false,
            patronymic_swapped: false,
            syllable_cap: 1.0,
        };
    }
    // Romanisation variance only exists across scripts: two Cyrillic names transliterate alike.
    let lenient = qa.transliterated != qb.transliterated;
    let person = kind == Kind::Person;
    align_into(cfg, qa, qb, person, lenient, s);
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
        used_a[pair.a_start..pair.a_start + pair.a_len]
            .iter_mut()
            .for_each(|u| *u = true);
        used_b[pair.b_start..pair.b_start + pair.b_len]
            .iter_mut()
            .for_each(|u| *u = true);
    }
    let cov_a = got_a / qa.total_weight;
    let cov_b = got_b / qb.total_weight;
    let mut score = if qa.total_weight <= qb.total_weight {
        cfg.short_side_weight * cov_a + (1.0 - cfg.short_side_weight) * cov_b
    } else {
        cfg.short_side_weight * cov_b + (1.0 - cfg.short_side_weight) * cov_a
    };
    // A distinctive word on each side without a partner: two different names.
    let conflict = (0..qa.tokens.len()).any(|i| !used_a[i] && wa[i] > cfg.generic_weight)
        && (0..qb.tokens.len()).any(|j| !used_b[j] && wb[j] > cfg.generic_weight);
    if conflict {
        score *= cfg.conflict_factor;
    }
    let short_distinct = qa.distinctive_weight.min(qb.distinctive_weight);
    let long_distinct = qa.distinctive_weight.max(qb.distinctive_weight);
    let single_token = short_distinct <= 1.0 && long_distinct >= 2.0;
    if single_token {
        score *= cfg.single_token_factor;
    }
    if !s.chosen.is_empty()
        && s.chosen
            .iter()
            .filter(|p| pair_weight(qa, qb, p) > cfg.generic_weight)
            .all(|p| matches!(p.how, How::Acronym | How::Initial))
    {
        distinct = false; // initials alone (`N.N.`, `MB`) identify nobody
    }
    let generic_only = !distinct && score > cfg.generic_only_cap && long_distinct > 0.0;
    if generic_only {
        score = cfg.generic_only_cap;
    }
    let number_mismatch = qa.numbers != qb.numbers;
    if number_mismatch {
        score *= cfg.number_conflict_factor;
    }
    let swapped = patronymic_swapped(cfg, qa, qb, &s.chosen);
    if swapped {
        score *= cfg.patronymic_swap_factor;
    }
    let mut syllable_cap = 1.0;
    let cap = same_script_syllables_cap(qa, qb);
    if cap < score {
        syllable_cap = cap;
        score = cap;
    }
    Facts {
        score,
        cov_a,
        cov_b,
        joined_equal: false,
        conflict,
        single_token,
        generic_only,
        number_mismatch,
        patronymic_swapped: swapped,
        syllable_cap,
    }
}

/// `match._outcome(qa, qb, kind)`: only its score, with the caller's buffers and token rules.
pub fn score_with(cfg: &Config, qa: &Name, qb: &Name, kind: Kind, s: &mut Scratch) -> f64 {
    evaluate(cfg, qa, qb, kind, s).score
}

/// `match._outcome(qa, qb, kind)`.
pub fn outcome(cfg: &Config, qa: &Name, qb: &Name, kind: Kind) -> Outcome {
    let mut s = Scratch::default();
    let facts = evaluate(cfg, qa, qb, kind, &mut s);
    if facts.joined_equal {
        return Outcome {
            score: facts.score,
            chosen: Vec::new(),
            cov_a: 0.0,
            cov_b: 0.0,
            left_a: Vec::new(),
            left_b: Vec::new(),
            joined_equal: true,
            conflict: false,
            single_token: false,
            generic_only: false,
            number_mismatch: false,
            patronymic_swapped: false,
            syllable_cap: 1.0,
        };
    }
    let left_a: Vec<usize> = (0..qa.tokens.len()).filter(|&i| !s.is_free_a[i]).collect();
    let left_b: Vec<usize> = (0..qb.tokens.len()).filter(|&j| !s.is_free_b[j]).collect();
    Outcome {
        score: facts.score,
        chosen: s.chosen.iter().map(|c| c.to_pair()).collect(),
        cov_a: facts.cov_a,
        cov_b: facts.cov_b,
        left_a,
        left_b,
        joined_equal: false,
        conflict: facts.conflict,
        single_token: facts.single_token,
        generic_only: facts.generic_only,
        number_mismatch: facts.number_mismatch,
        patronymic_swapped: facts.patronymic_swapped,
        syllable_cap: facts.syllable_cap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashSet;

    fn set(words: &[&str]) -> FxHashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// The constants of `screening.match` / `screening.names` (word lists shortened).
    fn config() -> Config {
        Config {
            generic_weight: 0.3,
            particles: set(&["al", "bin", "ibn", "of", "the", "van"]),
            generic_words: set(&["bank", "company", "international", "trading"]),
            min_pair_similarity: 0.65,
            initial_similarity: 0.8,
            prefix_similarity: 0.75,
            min_prefix_length: 3,
            typo_floor: 0.3,
            max_typo_edits: 2,
            doubled_letter_similarity: 0.95,
            acronym_similarity: 0.9,
            abbreviation_similarity: 0.85,
            min_acronym_length: 2,
            max_acronym_length: 6,
            spelling_variant_similarity: 0.85,
            min_skeleton_length: 3,
            spelling_variant_min_length_ratio: 0.75,
            skeleton_discount: 0.9,
            short_side_weight: 0.5,
            conflict_factor: 0.8,
            patronymic_swap_factor: 0.6,
            single_token_factor: 0.85,
            number_conflict_factor: 0.9,
            generic_only_cap: 0.5,
            joined_similarity: 0.97,
            joined_min_similarity: 0.8,
            patronymic_suffixes: [
                "ovich", "evich", "ovych", "evych", "ovna", "evna", "ichna", "ivna", "oglu", "ogly", "ovic",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            patronymic_words: set(&["ben", "bin", "bint", "ibn"]),
            min_fuzzy_length: 3,
            max_joined_postings: 30,
            hidden_typo_min_length: 7,
            max_hidden_typos: 1,
            candidate_budget: 80,
            tie_break: 0.001,
            min_key_number_length: 3,
            max_evidence_checks: 160,
            max_bound_checks: 32,
            score_rounding: 5e-05,
        }
    }

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

    fn compare(a: &str, b: &str, kind: Kind) -> Outcome {
        let cfg = config();
        outcome(&cfg, &name(&cfg, a), &name(&cfg, b), kind)
    }

    fn hows(out: &Outcome) -> Vec<(Vec<usize>, Vec<usize>, &'static str)> {
        out.chosen
            .iter()
            .map(|p| (p.a.clone(), p.b.clone(), p.how.as_str()))
            .collect()
    }

    #[test]
    fn identical_names_score_one() {
        let out = compare("vladimir putin", "vladimir putin", Kind::Person);
        assert_eq!(out.score, 1.0);
        assert_eq!(
            hows(&out),
            vec![(vec![0], vec![0], "exact"), (vec![1], vec![1], "exact")]
        );
        assert!(out.left_a.is_empty() && out.left_b.is_empty());
        assert!(!out.conflict && !out.joined_equal && !out.single_token);
    }

    #[test]
    fn reordered_names_pair_exactly() {
        let out = compare("putin vladimir", "vladimir putin", Kind::Person);
        assert_eq!(out.score, 1.0);
        assert_eq!(
            hows(&out),
            vec![(vec![0], vec![1], "exact"), (vec![1], vec![0], "exact")]
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
                                                   // same consonants: a spelling variant, not a typo
        let out = compare("hans schulze", "hans scholz", Kind::Person);
        assert_eq!(out.chosen[1].how, How::SpellingVariant);
    }

    #[test]
    fn joined_names_are_equal() {
        let out = compare("tsmr bank", "tsmrbank", Kind::Organisation);
        assert!(out.joined_equal);
        assert_eq!(out.score, 0.97);
        assert!(out.chosen.is_empty());
    }

    #[test]
    fn two_words_pair_with_one_joined_word() {
        let out = compare("abc defg", "abcdefx", Kind::Organisation);
        assert_eq!(hows(&out), vec![(vec![0, 1], vec![0], "joined")]);
        assert_eq!(out.chosen[0].sim, 1.0 - 1.0 / 7.0);
        // Python's `_outcome` (single token factor)
        assert_eq!(out.score, 0.7285714285714286);
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
        assert!(out.generic_only);
        assert_eq!(out.score, 0.5);
    }

    #[test]
    fn different_given_names_conflict() {
        let out = compare("frederik richter", "frank richter", Kind::Person);
        assert!(out.conflict);
        assert_eq!(out.left_a, vec![0]);
        assert_eq!(out.left_b, vec![0]);
        assert_eq!(out.score, (0.5 * 0.5 + 0.5 * 0.5) * 0.8);
    }

    #[test]
    fn patronymic_swap_is_penalised() {
        let out = compare("salman bin muhammad", "muhammad bin salman", Kind::Person);
        assert!(out.patronymic_swapped);
        assert_eq!(out.score, 0.6);
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
    }

    #[test]
    fn equal_pairs_keep_their_order_in_the_sort() {
        // two typos of the same credit: the first considered wins (Python's stable sort)
        let out = compare("abcdefgh", "abcdefgx abcdefgy", Kind::Any);
        assert_eq!(hows(&out), vec![(vec![0], vec![0], "typo")]);
    }
}
