//! The rules that lower a comparison's score, each named after the condition it detects.
//!
//! A rule is a small function returning its `Effect` (a factor, or a cap) when its condition
//! holds; `RULES` lists them in the order they apply. The score folds that list
//! (`apply_rules`), the explanation prints the effects that fired (`NativeIndex.explain`), and
//! the bounds of the score apply exactly the rules of the names alone (`name_factors`), so the
//! three can never disagree.
//!
//! A new rule: write its function (its condition, its parameter from `Config`, its note) and
//! add one line to `RULES`.

use crate::common::{Config, Kind, Name};
use crate::score::{Across, Candidate, How};

/// How an effect changes the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectKind {
    /// The score is multiplied by the value.
    Factor,
    /// The score is lowered to the value (a cap above the score changes nothing and does not
    /// fire).
    Cap,
}

/// What a rule does to the score, and how the explanation says it.
#[derive(Clone, Copy, Debug)]
pub struct Effect {
    /// The feature name in the explanation (`conflict`, `single_token`, ...).
    pub rule: &'static str,
    pub kind: EffectKind,
    pub value: f64,
    /// The note, before its details and its value (`numbers differ`).
    pub note: &'static str,
    /// The note's details from the comparison (`: frederik / frank`), if any.
    pub detail: Option<fn(&Aligned<'_>) -> String>,
}

impl Effect {
    fn factor(rule: &'static str, value: f64, note: &'static str) -> Effect {
        Effect {
            rule,
            kind: EffectKind::Factor,
            value,
            note,
            detail: None,
        }
    }

    fn cap(rule: &'static str, value: f64, note: &'static str) -> Effect {
        Effect {
            rule,
            kind: EffectKind::Cap,
            value,
            note,
            detail: None,
        }
    }

    fn with_detail(self, detail: fn(&Aligned<'_>) -> String) -> Effect {
        Effect {
            detail: Some(detail),
            ..self
        }
    }

    /// The score after this effect, or None when it changes nothing (a cap at or above it).
    #[inline]
    pub fn apply(&self, score: f64) -> Option<f64> {
        match self.kind {
            EffectKind::Factor => Some(score * self.value),
            EffectKind::Cap => (self.value < score).then_some(self.value),
        }
    }

    /// The value the explanation shows: a factor's change (`factor - 1`), or the cap.
    pub fn shown_value(&self) -> f64 {
        match self.kind {
            EffectKind::Factor => self.value - 1.0,
            EffectKind::Cap => self.value,
        }
    }

    /// The note of the explanation: `numbers differ x0.90`, `only generic words match, capped
    /// at 0.50`.
    pub fn note_text(&self, aligned: &Aligned<'_>) -> String {
        let detail = self.detail.map(|f| f(aligned)).unwrap_or_default();
        match self.kind {
            EffectKind::Factor => format!("{}{detail} x{:.2}", self.note, self.value),
            EffectKind::Cap => format!("{}{detail}, capped at {:.2}", self.note, self.value),
        }
    }
}

/// What the rules of the names alone read: known to every bound of the score, before any
/// alignment.
#[derive(Clone, Copy, Debug)]
pub struct NameFacts {
    /// The summed weight of each name's distinctive tokens.
    pub distinctive_a: f64,
    pub distinctive_b: f64,
    /// Whether both names hold the same numbers (as sets).
    pub numbers_equal: bool,
}

impl NameFacts {
    pub fn of(qa: &Name, qb: &Name) -> NameFacts {
        NameFacts {
            distinctive_a: qa.distinctive_weight,
            distinctive_b: qb.distinctive_weight,
            numbers_equal: qa.numbers == qb.numbers,
        }
    }
}

/// What the rules of a whole comparison read: both names, the chosen pairs and the tokens they
/// took.
pub struct Aligned<'a> {
    pub qa: &'a Name,
    pub qb: &'a Name,
    pub chosen: &'a [Candidate],
    pub used_a: &'a [bool],
    pub used_b: &'a [bool],
    /// Some chosen pair holds a distinctive token (on either side).
    pub distinct: bool,
    /// What the names are compared as.
    pub kind: Kind,
}

/// One rule: a function of the names alone (which the bounds apply too) or of the comparison.
#[derive(Clone, Copy)]
pub enum Rule {
    OnNames(fn(&Config, &NameFacts) -> Option<Effect>),
    OnComparison(fn(&Config, &Aligned<'_>) -> Option<Effect>),
}

/// Every rule, in the order they apply to the score.
pub const RULES: &[Rule] = &[
    Rule::OnComparison(unmatched_on_both_sides),
    Rule::OnComparison(syllable_unpaired),
    Rule::OnNames(single_distinctive_token),
    Rule::OnComparison(single_word_by_sound),
    Rule::OnComparison(syllable_misread),
    Rule::OnComparison(lone_word_by_sound),
    Rule::OnComparison(unalike_word_by_sound),
    Rule::OnComparison(company_word_by_typo),
    Rule::OnComparison(generic_words_only),
    Rule::OnNames(numbers_differ),
    Rule::OnComparison(patronymic_swapped),
    Rule::OnComparison(kunya_apart),
    Rule::OnComparison(syllables_differ),
];

/// `score` after every rule of `RULES` in order; `fired` sees each effect that changed it.
#[inline]
pub fn apply_rules(
    cfg: &Config,
    names: &NameFacts,
    aligned: &Aligned<'_>,
    mut score: f64,
    mut fired: impl FnMut(&Effect),
) -> f64 {
    for rule in RULES {
        let effect = match rule {
            Rule::OnNames(detect) => detect(cfg, names),
            Rule::OnComparison(detect) => detect(cfg, aligned),
        };
        if let Some(effect) = effect {
            if let Some(lowered) = effect.apply(score) {
                score = lowered;
                fired(&effect);
            }
        }
    }
    score
}

/// `score` after the rules of the names alone, in `RULES`' order (what every bound of the score
/// applies exactly: the other rules only ever lower it).
pub fn name_factors(cfg: &Config, names: &NameFacts, mut score: f64) -> f64 {
    for rule in RULES {
        if let Rule::OnNames(detect) = rule {
            if let Some(lowered) = detect(cfg, names).and_then(|effect| effect.apply(score)) {
                score = lowered;
            }
        }
    }
    score
}

/// A distinctive word on each side without a partner: two different names (`Frederik Richter`
/// vs `Frank Richter`); or a generic word left on one side against a distinctive one on the
/// other: two kinds of body (`Central Bank` vs `Central Election Commission`).
fn unmatched_on_both_sides(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    let (word_a, word_b) = (lone_word(cfg, c.qa, c.used_a), lone_word(cfg, c.qb, c.used_b));
    let differ = (word_a && (word_b || lone_generic_word(cfg, c.qb, c.used_b)))
        || (word_b && lone_generic_word(cfg, c.qa, c.used_a));
    differ.then(|| conflict(cfg).with_detail(|c| format!(": {}", unpaired_words(c))))
}

/// One name read from Han or Hangul (each word a syllable, often a whole name part) and a
/// distinctive word of either name left unpaired: `张建华` is not `ZHANG Jian`, `李宇` not `LI Cheng
/// Yu`.
fn syllable_unpaired(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if c.qa.syllables.is_empty() == c.qb.syllables.is_empty() {
        return None;
    }
    (lone_word(cfg, c.qa, c.used_a) || lone_word(cfg, c.qb, c.used_b)).then(|| {
        Effect::factor(
            "syllable_unpaired",
            cfg.syllable_unpaired_factor,
            "a syllable of the name unpaired",
        )
        .with_detail(|c| {
            let sides = [unpaired(c.qa, c.used_a), unpaired(c.qb, c.used_b)];
            let words: Vec<&str> = sides
                .iter()
                .map(String::as_str)
                .filter(|w| !w.is_empty())
                .collect();
            format!(": {}", words.join(" / "))
        })
    })
}

/// `name` has a distinctive word that no pair took.
fn lone_word(cfg: &Config, name: &Name, used: &[bool]) -> bool {
    (0..name.tokens.len()).any(|i| !used[i] && name.weights[i] > cfg.generic_weight)
}

/// `name` has a generic word (`bank`, `trading`) that no pair took.
fn lone_generic_word(cfg: &Config, name: &Name, used: &[bool]) -> bool {
    (0..name.tokens.len()).any(|i| !used[i] && cfg.generic_words.contains(name.tokens[i].as_str()))
}

/// The words of `name` that no pair took, joined by spaces.
fn unpaired(name: &Name, used: &[bool]) -> String {
    let words: Vec<&str> = (0..name.tokens.len())
        .filter(|&i| !used[i])
        .map(|i| name.tokens[i].as_str())
        .collect();
    words.join(" ")
}

/// The unpaired words of both names, `left / right` (either may be empty).
fn unpaired_words(c: &Aligned<'_>) -> String {
    format!("{} / {}", unpaired(c.qa, c.used_a), unpaired(c.qb, c.used_b))
}

/// Pair `p` holds a distinctive word on its larger side (not only generic words).
fn holds_distinctive(cfg: &Config, c: &Aligned<'_>, p: &Candidate) -> bool {
    p.larger_side_weight(c.qa, c.qb) > cfg.generic_weight
}

/// The consonants of pair `p`'s shorter skeleton.
fn pair_consonants(c: &Aligned<'_>, p: &Candidate) -> usize {
    c.qa.skeletons[p.a_start]
        .len()
        .min(c.qb.skeletons[p.b_start].len())
}

/// The chosen pairs `keep` accepts, as `word<sep>word`, comma-separated (an explanation's detail).
fn paired_words(c: &Aligned<'_>, keep: impl Fn(&Candidate) -> bool, sep: &str) -> String {
    let words: Vec<String> = c
        .chosen
        .iter()
        .filter(|p| keep(p))
        .map(|p| format!("{}{sep}{}", c.qa.tokens[p.a_start], c.qb.tokens[p.b_start]))
        .collect();
    words.join(", ")
}

/// The effect of `unmatched_on_both_sides` (without its details): what a bound applies when it
/// knows a distinctive token on each side stays unpaired.
fn conflict(cfg: &Config) -> Effect {
    Effect::factor("conflict", cfg.conflict_factor, "unmatched on both sides")
}

/// The score the rules fold from two coverages when nothing else of the alignment is known: the
/// coverage mix, `unmatched_on_both_sides` when `unpaired_on_both_sides` holds (a distinctive
/// token on each side that can pair with nothing), then the rules of the names alone. Never below
/// the score of an alignment with at most those coverages (every other rule only lowers it).
pub fn bound_score(
    cfg: &Config,
    totals: (f64, f64),
    coverages: (f64, f64),
    unpaired_on_both_sides: bool,
    names: &NameFacts,
) -> f64 {
    let mut score = crate::score::combined_coverage(cfg, totals.0, totals.1, coverages.0, coverages.1);
    if unpaired_on_both_sides {
        score = conflict(cfg).apply(score).unwrap_or(score);
    }
    name_factors(cfg, names, score)
}

/// One name has a single distinctive token, the other several: `WALIJAN` alone says little
/// about `WALIJAN ABDUL GHAFOOR HAQQANI`.
fn single_distinctive_token(cfg: &Config, n: &NameFacts) -> Option<Effect> {
    let short = n.distinctive_a.min(n.distinctive_b);
    let long = n.distinctive_a.max(n.distinctive_b);
    (short <= cfg.single_token_max_weight && long >= cfg.several_tokens_min_weight).then(|| {
        Effect::factor(
            "single_token",
            cfg.single_token_factor,
            "only one distinctive token",
        )
    })
}

/// A name of one distinctive word, not a person's, that pairs only by sound across scripts, on
/// a skeleton of at most `single_word_by_sound_max_consonants` consonants (`मिस्त्री Ltd` ~
/// `MISTRA`, `حمامي` ~ `HOMA`): a word of so few consonants sounds like many others, and a
/// company's name is a word of its own in each script rather than a romanisation, so the sound
/// alone is weak evidence. Longer skeletons stay evidence (`بانک پارسیان` is `PARSIAN BANK`), and
/// so does a sound pair beside any other pair.
fn single_word_by_sound(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if c.kind == Kind::Person {
        return None;
    }
    let short = c.qa.distinctive_weight.min(c.qb.distinctive_weight);
    let distinctive = c.chosen.iter().any(|p| holds_distinctive(cfg, c, p));
    let few_consonants = |p: &Candidate| {
        p.how == How::Transliteration && pair_consonants(c, p) <= cfg.single_word_by_sound_max_consonants
    };
    // (any other pair, even of a generic word, corroborates: `پست بانک` is `POST BANK`)
    let by_sound = distinctive && c.chosen.iter().all(few_consonants);
    (short <= cfg.single_token_max_weight && by_sound).then(|| {
        Effect::factor(
            "single_word_by_sound",
            cfg.single_word_by_sound_factor,
            "one short word paired by sound alone",
        )
    })
}

/// Two names written in romanised syllables (pinyin, Wade-Giles, the lists' Korean: every word
/// a syllable or syllables joined, `Lei Chang`, `HSIEH Mei-ling`, `CHEN Mingfu`) with a
/// distinctive pair of two different syllables taken as a typo or spelling variant (`lei`/`wei`,
/// `zhong`/`zhang`), or of a syllable taken as the short form of a word of several (`min` ~
/// `mingfu`): in these names each syllable is a whole name part, and one letter or one syllable
/// more makes another name, as `syllable_unpaired` says of names written in Han or Hangul. Known
/// spellings of one syllable (`syllable_variants`: `chang`/`jang`) are not another syllable.
fn syllable_misread(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if Across::of(c.qa, c.qb) != Across::SameScript
        || !c.qa.syllables.is_empty()
        || !c.qb.syllables.is_empty()
    {
        return None;
    }
    let misread = c.chosen.iter().any(|p| another_syllable(cfg, c, p));
    let romanised = |name: &Name| name.tokens.iter().all(|t| joined_syllables(cfg, t));
    (misread && romanised(c.qa) && romanised(c.qb)).then(|| {
        Effect::factor(
            "syllable_misread",
            cfg.syllable_misread_factor,
            "another syllable of a romanised name",
        )
        .with_detail(|c| {
            let misread = |p: &Candidate| matches!(p.how, How::Typo | How::SpellingVariant | How::ShortForm);
            format!(": {}", paired_words(c, misread, "/"))
        })
    })
}

/// The one chosen pair that holds a distinctive word; None for none or several.
fn only_distinctive_pair<'a>(cfg: &Config, c: &'a Aligned<'_>) -> Option<&'a Candidate> {
    let mut distinctive = c.chosen.iter().filter(|p| holds_distinctive(cfg, c, p));
    match (distinctive.next(), distinctive.next()) {
        (Some(pair), None) => Some(pair),
        _ => None,
    }
}

/// `only_distinctive_pair` when one name has a single distinctive word.
fn single_distinctive_pair<'a>(cfg: &Config, c: &'a Aligned<'_>) -> Option<&'a Candidate> {
    if c.qa.distinctive_weight.min(c.qb.distinctive_weight) > cfg.single_token_max_weight {
        return None;
    }
    only_distinctive_pair(cfg, c)
}

/// `single_distinctive_pair` when that pair is by sound across scripts (a transliteration).
fn single_sound_pair<'a>(cfg: &Config, c: &'a Aligned<'_>) -> Option<&'a Candidate> {
    single_distinctive_pair(cfg, c).filter(|pair| pair.how == How::Transliteration)
}

/// A person's name across scripts that rests on one pair of distinctive words, paired by sound
/// (a transliteration) or as words joined, while a word of either name stays unpaired
/// (`আরিয়ান উদ্দিন` ~ `La Arana`, `احسان ضابطی` ~ `AH SAN`): one sound of a longer name says
/// little. A single name alone keeps its score (`משה` ~ `Moshe`).
fn lone_word_by_sound(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if c.kind != Kind::Person || !Across::of(c.qa, c.qb).by_sound() {
        return None;
    }
    let pair = only_distinctive_pair(cfg, c)?;
    let by_sound = matches!(pair.how, How::Transliteration | How::Joined);
    let unpaired = c.used_a.iter().chain(c.used_b.iter()).any(|&used| !used);
    (by_sound && unpaired).then(|| {
        Effect::factor(
            "lone_word_by_sound",
            cfg.lone_word_by_sound_factor,
            "one word paired by sound, the rest unpaired",
        )
        .with_detail(|c| format!(": {}", unpaired_words(c)))
    })
}

/// A company's one distinctive word, longer than `single_word_by_sound` reads, paired by sound
/// alone with a word spelt unalike (`मिस्त्री Ltd` ~ `MAESTRO`, `Савельева` ~ `SWALLOW`): a
/// company's name is a word of its own, spelt much the same in every script (`پارسیان` ~
/// `PARSIAN` keeps its score).
fn unalike_word_by_sound(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if c.kind == Kind::Person || c.chosen.iter().any(|p| p.how != How::Transliteration) {
        return None;
    }
    let pair = single_sound_pair(cfg, c)?;
    let (a, b) = (&c.qa.tokens[pair.a_start], &c.qb.tokens[pair.b_start]);
    let consonants = pair_consonants(c, pair);
    let similarity = crate::common::osa_similarity(a, b);
    let unalike = similarity < cfg.unalike_word_max_similarity;
    (consonants > cfg.single_word_by_sound_max_consonants && unalike).then(|| {
        Effect::factor(
            "unalike_word_by_sound",
            cfg.unalike_word_by_sound_factor,
            "one company word paired by sound, spelt unalike",
        )
        .with_detail(|c| format!(": {}", paired_words(c, |_| true, " / ")))
    })
}

/// `p` pairs a syllable with another syllable (a typo or spelling variant, not a known spelling
/// of it) or with a word of several syllables it begins (a short form), on a distinctive word.
fn another_syllable(cfg: &Config, c: &Aligned<'_>, p: &Candidate) -> bool {
    if !holds_distinctive(cfg, c, p) {
        return false;
    }
    let (a, b) = (c.qa.tokens[p.a_start].as_str(), c.qb.tokens[p.b_start].as_str());
    match p.how {
        How::Typo | How::SpellingVariant => {
            is_syllable(cfg, a) && is_syllable(cfg, b) && !cfg.syllable_variants.same(a, b)
        }
        How::ShortForm => {
            let (short, long_) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            is_syllable(cfg, short) && joined_syllables(cfg, long_)
        }
        _ => false,
    }
}

/// `word` is one romanised syllable: one of `romanised_initials` (or none) and one of
/// `romanised_finals`.
fn is_syllable(cfg: &Config, word: &str) -> bool {
    let longest = cfg
        .romanised_initial_max_letters
        .min(word.len().saturating_sub(1));
    (0..=longest).any(|at| {
        let (initial, fin) = word.split_at(at);
        (at == 0 || cfg.romanised_initials.contains(initial)) && cfg.romanised_finals.contains(fin)
    })
}

/// `word` is one romanised syllable or at most `romanised_word_max_syllables` written as one
/// word (`mingfu`, `xiaobing`: a Chinese given name has two; `benjamin` would need three).
fn joined_syllables(cfg: &Config, word: &str) -> bool {
    let n = word.len();
    // the fewest syllables that spell `word[..end]`, for each end
    let mut fewest = vec![usize::MAX; n + 1];
    fewest[0] = 0;
    for start in 0..n {
        if fewest[start] >= cfg.romanised_word_max_syllables {
            continue;
        }
        for end in start + 1..=n.min(start + cfg.romanised_syllable_max_letters) {
            if fewest[start] + 1 < fewest[end] && is_syllable(cfg, &word[start..end]) {
                fewest[end] = fewest[start] + 1;
            }
        }
    }
    fewest[n] <= cfg.romanised_word_max_syllables
}

/// A company's one distinctive word paired across scripts only as a typo (`महरा Inc` ~
/// `MANARA`, `Ткач Ltd` ~ `KACH`): a transliteration makes no typos, so a letter apart is
/// another word.
fn company_word_by_typo(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if c.kind == Kind::Person || !Across::of(c.qa, c.qb).by_sound() {
        return None;
    }
    let pair = single_distinctive_pair(cfg, c)?;
    (pair.how == How::Typo).then(|| {
        Effect::factor(
            "company_word_by_typo",
            cfg.company_word_by_typo_factor,
            "one company word a typo apart across scripts",
        )
        .with_detail(|c| format!(": {}", paired_words(c, |p| p.how == How::Typo, " / ")))
    })
}

/// The pairs hold generic words only (or initials alone, `N.N.`, `MB`, which identify nobody)
/// while a name has distinctive words: generic words never make a hit on their own.
fn generic_words_only(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    let initials_only = !c.chosen.is_empty()
        && c.chosen
            .iter()
            .filter(|p| holds_distinctive(cfg, c, p))
            .all(|p| matches!(p.how, How::Acronym | How::Initial));
    let distinct = c.distinct && !initials_only;
    let distinctive_words = c.qa.distinctive_weight.max(c.qb.distinctive_weight) > 0.0;
    (!distinct && distinctive_words)
        .then(|| Effect::cap("generic_only", cfg.generic_only_cap, "only generic words match"))
}

/// Numbers identify (`Fund 23` vs `Fund 24`).
fn numbers_differ(cfg: &Config, n: &NameFacts) -> Option<Effect> {
    (!n.numbers_equal)
        .then(|| Effect::factor("number_mismatch", cfg.number_conflict_factor, "numbers differ"))
}

/// `Salman bin Muhammad` vs `Muhammad bin Salman`: the son is not the father (the own name
/// pairs with a word after the other's own name; a name dropped before it, `MOHAMAD BIN UDIN`
/// for `MOHAMAD RAFI BIN UDIN`, swaps nothing).
fn patronymic_swapped(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    let own_a = own_name_index(cfg, &c.qa.tokens)?;
    let own_b = own_name_index(cfg, &c.qb.tokens)?;
    let pair = c.chosen.iter().find(|p| p.a_range().contains(&own_a))?;
    (pair.b_start > own_b).then(|| {
        Effect::factor(
            "patronymic_swapped",
            cfg.patronymic_swap_factor,
            "own name and father's name swapped (X bin Y)",
        )
    })
}

/// The word before the first `bin`/`ibn` (the person's own name in `X bin Y`); None after a
/// particle.
fn own_name_index(cfg: &Config, tokens: &[String]) -> Option<usize> {
    let index = (1..tokens.len()).find(|&i| cfg.patronymic_words.contains(tokens[i].as_str()))?;
    (!cfg.particles.contains(tokens[index - 1].as_str())).then_some(index - 1)
}

/// `مريم أبو غليون` (Maryam Abu Ghalyoun) vs `ABU-MARYAM`: the kunya words (`abu`, `umm`) pair,
/// but a kunya is one name with the word beside it, and those words do not pair: another person.
/// Asked of names in two scripts only (a name written in one script keeps its own word order).
fn kunya_apart(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    if Across::of(c.qa, c.qb) == Across::SameScript {
        return None;
    }
    let pair = c.chosen.iter().find(|p| {
        p.a_len == 1
            && p.b_len == 1
            && c.qa.tokens[p.a_start] == c.qb.tokens[p.b_start]
            && cfg.kunya_words.contains(c.qa.tokens[p.a_start].as_str())
    })?;
    let beside_a = kunya_partner(c.qa.tokens.len(), pair.a_start)?;
    let beside_b = kunya_partner(c.qb.tokens.len(), pair.b_start)?;
    let together = c
        .chosen
        .iter()
        .any(|p| p.a_range().contains(&beside_a) && p.b_range().contains(&beside_b));
    (!together).then(|| {
        Effect::factor(
            "kunya_apart",
            cfg.kunya_apart_factor,
            "kunya (abu/umm) beside another name",
        )
    })
}

/// The word a kunya word at `index` names: the next one, or the one before it when it is last
/// (`'ASRA, Abu`); None for a kunya word alone.
fn kunya_partner(len: usize, index: usize) -> Option<usize> {
    if index + 1 < len {
        Some(index + 1)
    } else {
        index.checked_sub(1)
    }
}

/// Two names written in the same syllabic script (Han, Hangul) with different characters: each
/// character is a syllable and often a whole name part (`习近朋` vs `习近平`), so the score is
/// capped at the squared character similarity.
fn syllables_differ(cfg: &Config, c: &Aligned<'_>) -> Option<Effect> {
    let cap = syllables_cap(cfg, &c.qa.syllables, &c.qb.syllables)?;
    Some(Effect::cap(
        "syllables_differ",
        cap,
        "characters differ in the original script",
    ))
}

/// The cap of `syllables_differ` for two names given by the syllables of their original text;
/// None when the rule does not apply (a name without syllables, the same syllables, or two
/// scripts). Read from the originals, not from how the names were romanised: a Korean name read
/// the way the lists spell it is still written in Hangul.
pub fn syllables_cap(cfg: &Config, sa: &[char], sb: &[char]) -> Option<f64> {
    if sa.is_empty() || sb.is_empty() || sa == sb {
        return None;
    }
    if cfg.syllabic_ranges.script_of(sa[0]) != cfg.syllabic_ranges.script_of(sb[0]) {
        return None;
    }
    let sim = crate::common::levenshtein_similarity_chars(sa, sb);
    Some(sim * sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanised_syllables_are_read_by_initial_and_final() {
        let cfg = Config::for_tests();
        for word in ["zhang", "lei", "hsieh", "tzu", "a", "ying", "jung"] {
            assert!(is_syllable(&cfg, word), "{word}");
        }
        for word in ["kim", "john", "alex", "xiaobing"] {
            assert!(!is_syllable(&cfg, word), "{word}");
        }
        // a Chinese given name has two syllables; three make a name of another kind
        assert!(joined_syllables(&cfg, "xiaobing"));
        assert!(joined_syllables(&cfg, "mingfu"));
        assert!(!joined_syllables(&cfg, "benjamin"));
        assert!(!joined_syllables(&cfg, "netanyahu"));
    }
}
