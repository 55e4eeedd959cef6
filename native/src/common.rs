//! Types and text helpers shared by the scorer (`score.rs`, `rules.rs`) and retrieval
//! (`retrieve.rs`): the parameters (`Config`), a prepared name (`Name`), consonant skeletons,
//! scripts and the edit distances (the `rapidfuzz` crate, the same distances as rapidfuzz in
//! Python).

use rapidfuzz::distance::{levenshtein, osa};
use rustc_hash::FxHashMap;
#[cfg(test)]
use rustc_hash::FxHashSet;

pub use crate::config::Config;

/// `PartyKind` of `screening.match`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Person,
    Organisation,
    Any,
}

/// The letter rewrites of the consonant skeleton (`skeleton_map`): each ASCII character to its
/// replacement, `""` for a letter the skeleton drops (the vowels).
#[derive(Clone, Debug)]
pub struct SkeletonMap {
    by_byte: Vec<Option<Box<str>>>, // 128 entries, by ASCII code
}

impl SkeletonMap {
    /// The map of `(character, replacement)` pairs; every character and replacement is ASCII
    /// (tokens are `[a-z0-9]`), or the error names the offending entry.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Result<SkeletonMap, String> {
        let mut by_byte: Vec<Option<Box<str>>> = vec![None; 128];
        for (from, to) in pairs {
            let mut chars = from.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else {
                return Err(format!("key {from:?} must be one character"));
            };
            if !ch.is_ascii() || !to.is_ascii() {
                return Err(format!("{from:?} -> {to:?} must be ASCII"));
            }
            by_byte[ch as usize] = Some(to.into_boxed_str());
        }
        Ok(SkeletonMap { by_byte })
    }

    /// What `b` becomes (itself when the map does not name it).
    #[inline]
    fn replacement(&self, b: &u8) -> Option<&str> {
        self.by_byte.get(usize::from(*b)).and_then(|r| r.as_deref())
    }

    /// `names.consonant_skeleton`: every letter rewritten (vowels dropped), then runs of one
    /// character collapsed (`mohammed` -> `mhmd`).
    pub fn skeleton(&self, token: &str) -> String {
        let mut mapped = String::with_capacity(token.len() + 2);
        for b in token.as_bytes() {
            match self.replacement(b) {
                Some(to) => mapped.push_str(to),
                None => mapped.push(char::from(*b)),
            }
        }
        single_letters(&mapped)
    }

    /// The first letter of `token` as the spelling-variant rule compares it: rewritten
    /// (`q` -> `k`), a letter the skeleton drops (a vowel) standing for itself.
    pub fn first_letter<'a>(&'a self, token: &'a str) -> &'a str {
        match token.as_bytes().first() {
            None => "",
            Some(b) => match self.replacement(b) {
                Some(to) if !to.is_empty() => to,
                _ => &token[..1],
            },
        }
    }
}

impl SkeletonMap {
    /// The vowel key of `token`: its letters rewritten as in the skeleton, but each run of
    /// vowels one `a` instead of nothing (`rudik` -> `radak`, `rdc` -> `rdk`): where the vowels
    /// stand, which the consonant skeleton forgets.
    pub fn vowel_key(&self, token: &str) -> String {
        let mut mapped = String::with_capacity(token.len() + 2);
        for b in token.as_bytes() {
            match self.replacement(b) {
                Some("") => mapped.push('a'),
                Some(to) => mapped.push_str(to),
                None => mapped.push(char::from(*b)),
            }
        }
        single_letters(&mapped)
    }

    /// The first sound of `token` as the transliteration credit compares it: its first letter
    /// rewritten, or `""` for any vowel (romanisations disagree on vowels: `usama`/`osama`).
    pub fn first_sound<'a>(&'a self, token: &'a str) -> &'a str {
        match token.as_bytes().first() {
            None => "",
            Some(b) => match self.replacement(b) {
                Some(to) => to,
                None => &token[..1],
            },
        }
    }
}

/// Where in the longer skeleton a romanisation variant may stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Anywhere,
    NotLast,
    Last,
    Before(u8),
}

impl Place {
    /// The place of a rule's suffix: ``, `-`, `$` or `>x`.
    fn parse(suffix: &[u8]) -> Option<Place> {
        match suffix {
            [] => Some(Place::Anywhere),
            [b'-'] => Some(Place::NotLast),
            [b'$'] => Some(Place::Last),
            [b'>', next] => Some(Place::Before(*next)),
            _ => None,
        }
    }

    fn holds(self, last: bool, next: Option<u8>) -> bool {
        match self {
            Place::Anywhere => true,
            Place::NotLast => !last,
            Place::Last => last,
            Place::Before(x) => next == Some(x),
        }
    }
}

/// The single consonants by which two romanisations of one name are known to differ
/// (`romanisation_dropped_letters`, `romanisation_swapped_letters`).
#[derive(Clone, Debug)]
pub struct RomanisationVariants {
    dropped: Vec<(u8, Place)>,
    swapped: Vec<(u8, u8, Place)>,
}

impl RomanisationVariants {
    /// From the rules as written in the parameters (`h`, `l-`, `t$`, `k>h`; `ds`, `ht$`), or the
    /// error names the rule it cannot read.
    pub fn new(dropped: &[String], swapped: &[String]) -> Result<RomanisationVariants, String> {
        let bad = |rule: &String| format!("cannot read romanisation variant {rule:?}");
        let dropped = dropped
            .iter()
            .map(|r| match r.as_bytes() {
                [letter, suffix @ ..] => Place::parse(suffix).map(|p| (*letter, p)).ok_or_else(|| bad(r)),
                [] => Err(bad(r)),
            })
            .collect::<Result<_, _>>()?;
        let swapped = swapped
            .iter()
            .map(|r| match r.as_bytes() {
                [x, y, suffix @ ..] => Place::parse(suffix).map(|p| (*x, *y, p)).ok_or_else(|| bad(r)),
                _ => Err(bad(r)),
            })
            .collect::<Result<_, _>>()?;
        Ok(RomanisationVariants { dropped, swapped })
    }

    /// The two skeletons differ by exactly one consonant, and that one is a known variant: a
    /// letter of `dropped` added or dropped in its place, or a pair of `swapped` in its place.
    pub fn one_apart(&self, x: &[u8], y: &[u8]) -> bool {
        if x.len() == y.len() {
            let mut differ = (0..x.len()).filter(|&i| x[i] != y[i]);
            let (Some(i), None) = (differ.next(), differ.next()) else {
                return false;
            };
            let last = i + 1 == x.len();
            return self.swapped.iter().any(|&(p, q, place)| {
                ((p, q) == (x[i], y[i]) || (q, p) == (x[i], y[i])) && place.holds(last, None)
            });
        }
        let (short, long_) = if x.len() < y.len() { (x, y) } else { (y, x) };
        if long_.len() != short.len() + 1 {
            return false;
        }
        let i = (0..short.len())
            .find(|&i| short[i] != long_[i])
            .unwrap_or(short.len());
        if short[i..] != long_[i + 1..] {
            return false;
        }
        let (last, next) = (i + 1 == long_.len(), long_.get(i + 1).copied());
        self.dropped
            .iter()
            .any(|&(letter, place)| letter == long_[i] && place.holds(last, next))
    }
}

/// The syllabic scripts (`syllabic_ranges`): Han and Hangul, where each character is a syllable
/// and often a whole name part.
#[derive(Clone, Debug)]
pub struct Scripts {
    /// `(first, last, script)`: code point ranges and the index of their script's name.
    ranges: Vec<(u32, u32, usize)>,
}

impl Scripts {
    /// From `(first code point, last code point, script name)` triples; ranges of one script
    /// share its name.
    pub fn new(ranges: Vec<(u32, u32, String)>) -> Result<Scripts, String> {
        let mut names: Vec<String> = Vec::new();
        let mut out = Vec::with_capacity(ranges.len());
        for (first, last, name) in ranges {
            if first > last {
                return Err(format!("range {first:#x}..{last:#x} of {name} is empty"));
            }
            let script = match names.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            };
            out.push((first, last, script));
        }
        Ok(Scripts { ranges: out })
    }

    /// `names.script_of` for a syllabic character: its script (None for any other character).
    #[inline]
    pub fn script_of(&self, c: char) -> Option<usize> {
        let code = c as u32;
        self.ranges
            .iter()
            .find(|&&(first, last, _)| first <= code && code <= last)
            .map(|&(_, _, script)| script)
    }

    /// `names.is_syllabic`.
    #[inline]
    pub fn is_syllabic(&self, c: char) -> bool {
        self.script_of(c).is_some()
    }

    /// The syllabic characters of `text`, in order (`match._syllables`).
    pub fn syllables(&self, text: &str) -> Vec<char> {
        text.chars().filter(|&c| self.is_syllabic(c)).collect()
    }
}

/// The spellings of one name syllable (`syllable_variants`): each word with the groups it
/// stands in (a word may stand in several: `jun` ~ `joon`, and `jun` ~ `chun`).
#[derive(Clone, Debug)]
pub struct Variants {
    groups: FxHashMap<String, Vec<u32>>,
}

impl Variants {
    /// From groups of spellings; every group has two words or more, each a token.
    pub fn new(groups: Vec<Vec<String>>) -> Result<Variants, String> {
        let mut by_word: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (id, group) in groups.into_iter().enumerate() {
            if group.len() < 2 {
                return Err(format!("group {group:?} must have two spellings or more"));
            }
            for word in group {
                if !is_token(&word) {
                    return Err(format!("{word:?} is not a lower-case ASCII word"));
                }
                by_word.entry(word).or_default().push(id as u32);
            }
        }
        Ok(Variants { groups: by_word })
    }

    /// True when `a` and `b` are spellings of one syllable (they share a group).
    pub fn same(&self, a: &str, b: &str) -> bool {
        match (self.groups.get(a), self.groups.get(b)) {
            (Some(ga), Some(gb)) => ga.iter().any(|g| gb.contains(g)),
            _ => false,
        }
    }
}

/// A prepared name: `match.PreparedName` plus what its `NormalisedName` holds that the
/// comparison reads. Tokens are lower-case ASCII `[a-z0-9]+` (checked when a name comes from
/// Python), so byte-wise string work equals Python's character-wise work on them.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub tokens: Vec<String>,
    pub weights: Vec<f64>,
    pub skeletons: Vec<String>,  // consonant_skeleton of each token
    pub collapsed: Vec<String>,  // single_letters of each token
    pub joined: String,          // "".join(tokens)
    pub unstripped: String,      // NormalisedName.unstripped
    pub total_weight: f64,       // sum(weights), summed left to right as Python's sum()
    pub distinctive_weight: f64, // sum of weights > generic_weight, left to right
    pub numbers: Vec<String>,    // the digit-only tokens, sorted and deduplicated (a set)
    pub transliterated: bool,
    pub syllables: Vec<char>, // `match._syllables(original)`: the Han/Hangul characters in order
    pub abjad: bool,          // the original holds Arabic or Hebrew letters
}

impl Name {
    /// Build from the normalised name's parts and the token weights Python gave them
    /// (`names.token_weight` stays Python's alone), as `match.prepare_normalised` does.
    pub fn new(
        cfg: &Config,
        tokens: Vec<String>,
        weights: Vec<f64>,
        transliterated: bool,
        unstripped: String,
        original: &str,
    ) -> Name {
        let skeletons = tokens.iter().map(|t| cfg.skeleton_map.skeleton(t)).collect();
        let collapsed = tokens.iter().map(|t| single_letters(t)).collect();
        let forms = (tokens, weights, skeletons, collapsed);
        Name::assemble(cfg, forms, transliterated, unstripped, original)
    }

    /// `Name::new` of words that are already normalised tokens, taken as they are (not
    /// transliterated, written as the words joined by spaces), given each word's skeleton and
    /// collapsed form: the same name without deriving those again (the windows of a text share
    /// its words).
    pub fn of_words(
        cfg: &Config,
        tokens: &[String],
        weights: &[f64],
        skeletons: &[String],
        collapsed: &[String],
    ) -> Name {
        let forms = (
            tokens.to_vec(),
            weights.to_vec(),
            skeletons.to_vec(),
            collapsed.to_vec(),
        );
        let joined = tokens.concat();
        // (the spaces between the words are neither syllables nor abjad letters)
        Name::assemble(cfg, forms, false, joined.clone(), &joined)
    }

    /// The name of its tokens with their weights, skeletons and collapsed forms.
    fn assemble(
        cfg: &Config,
        (tokens, weights, skeletons, collapsed): (Vec<String>, Vec<f64>, Vec<String>, Vec<String>),
        transliterated: bool,
        unstripped: String,
        original: &str,
    ) -> Name {
        let joined = tokens.concat();
        let mut total_weight = 0.0;
        let mut distinctive_weight = 0.0;
        for &w in &weights {
            total_weight += w;
            if w > cfg.generic_weight {
                distinctive_weight += w;
            }
        }
        let mut numbers: Vec<String> = tokens.iter().filter(|t| is_digits(t)).cloned().collect();
        numbers.sort();
        numbers.dedup();
        Name {
            tokens,
            weights,
            skeletons,
            collapsed,
            joined,
            unstripped,
            total_weight,
            distinctive_weight,
            numbers,
            transliterated,
            syllables: cfg.syllabic_ranges.syllables(original),
            abjad: original.chars().any(|c| cfg.abjad_ranges.script_of(c).is_some()),
        }
    }
}

/// True for a token of a normalised name: non-empty lower-case ASCII letters and digits.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// `str.isdigit()` for the ASCII tokens of a normalised name (False for "").
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `str.isalpha()` for ASCII tokens (False for "").
pub fn is_alpha(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `match._single_letters`: runs of one character collapsed to one (`jongg` -> `jong`).
pub fn single_letters(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut last: Option<char> = None;
    for ch in token.chars() {
        if last != Some(ch) {
            out.push(ch);
        }
        last = Some(ch);
    }
    out
}

/// Levenshtein distance (unit weights) of two byte strings (`rapidfuzz.distance.Levenshtein`).
pub fn levenshtein_bytes(a: &[u8], b: &[u8]) -> usize {
    levenshtein::distance(a.iter().copied(), b.iter().copied())
}

/// Optimal string alignment distance (a swap of two adjacent letters is one edit), as
/// `rapidfuzz.distance.OSA.distance`.
pub fn osa(a: &[u8], b: &[u8]) -> usize {
    osa::distance(a.iter().copied(), b.iter().copied())
}

/// rapidfuzz's normalized similarity from a distance: 1 - dist / max(len) (1.0 for two empty).
pub fn normalized(dist: usize, len_a: usize, len_b: usize) -> f64 {
    let maximum = len_a.max(len_b);
    if maximum == 0 {
        return 1.0;
    }
    1.0 - dist as f64 / maximum as f64
}

/// `rapidfuzz.distance.OSA.normalized_similarity(a, b)`.
pub fn osa_similarity(a: &str, b: &str) -> f64 {
    normalized(osa(a.as_bytes(), b.as_bytes()), a.len(), b.len())
}

/// `rapidfuzz.distance.Levenshtein.normalized_similarity(a, b, score_cutoff=cutoff)`: the
/// similarity, or 0.0 when it is below `cutoff`.
///
/// rapidfuzz (3.14) compares the similarity with the cutoff rounded to single precision
/// (measured: `normalized_similarity("aaaaa", "aaaab", score_cutoff=0.8)` is 0.0 although the
/// similarity is 0.8, because `0.8f32 > 0.8f64`; a cutoff of 0.75 is exact in both), so this
/// does the same.
pub fn levenshtein_similarity(a: &str, b: &str, cutoff: f64) -> f64 {
    let sim = normalized(levenshtein_bytes(a.as_bytes(), b.as_bytes()), a.len(), b.len());
    if sim >= f64::from(cutoff as f32) {
        sim
    } else {
        0.0
    }
}

/// `Levenshtein.normalized_similarity` of two character sequences (syllables).
pub fn levenshtein_similarity_chars(a: &[char], b: &[char]) -> f64 {
    normalized(
        levenshtein::distance(a.iter().copied(), b.iter().copied()),
        a.len(),
        b.len(),
    )
}

#[cfg(test)]
impl Config {
    /// The parameters of `screening.match` / `screening.names` / `screening.index` (word lists
    /// shortened), for the unit tests of every module.
    pub fn for_tests() -> Config {
        let set = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<FxHashSet<_>>();
        let rewrites = [
            ("c", "k"),
            ("q", "k"),
            ("g", "k"),
            ("z", "s"),
            ("p", "b"),
            ("w", "v"),
            ("x", "ks"),
            ("a", ""),
            ("e", ""),
            ("i", ""),
            ("o", ""),
            ("u", ""),
            ("y", ""),
        ];
        Config {
            generic_weight: 0.3,
            particles: set(&["al", "bin", "ibn", "of", "the", "van"]),
            generic_words: set(&["bank", "company", "international", "trading"]),
            skeleton_map: SkeletonMap::new(rewrites.iter().map(|(a, b)| (a.to_string(), b.to_string())))
                .expect("valid map"),
            syllabic_ranges: Scripts::new(vec![
                (0xAC00, 0xD7A3, "hangul".to_string()),
                (0x4E00, 0x9FFF, "han".to_string()),
                (0x3400, 0x4DBF, "han".to_string()),
            ])
            .expect("valid ranges"),
            abjad_ranges: Scripts::new(vec![
                (0x0590, 0x05FF, "hebrew".to_string()),
                (0x0600, 0x06FF, "arabic".to_string()),
            ])
            .expect("valid ranges"),
            syllable_variants: Variants::new(vec![
                vec!["pak".to_string(), "park".to_string()],
                vec!["ri".to_string(), "lee".to_string()],
            ])
            .expect("valid groups"),
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
            transliteration_min_skeleton_length: 2,
            transliteration_near_min_skeleton_length: 3,
            transliteration_near_similarity: 0.8,
            romanisation_variants: RomanisationVariants::new(
                &["h", "v", "l-", "j", "t$", "s$", "k>h", "t>s"].map(str::to_string),
                &["ds", "ks", "jk", "gj", "ht$", "mn$"].map(str::to_string),
            )
            .expect("valid variants"),
            abjad_written_final_vowels: "i".to_string(),
            voiced_skeleton_map: SkeletonMap::new(
                [("c", "k"), ("q", "k"), ("w", "v"), ("x", "ks")]
                    .iter()
                    .chain(rewrites.iter().filter(|(_, to)| to.is_empty()))
                    .map(|(a, b)| (a.to_string(), b.to_string())),
            )
            .expect("valid map"),
            transliteration_min_vowel_similarity: 0.75,
            syllable_variant_similarity: 0.9,
            joined_similarity: 0.97,
            joined_min_similarity: 0.8,
            joined_max_extra_letters: 2,
            patronymic_suffixes: [
                "ovich", "evich", "ovych", "evych", "ovna", "evna", "ichna", "ivna", "oglu", "ogly", "ovic",
                "son", "sen",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            short_side_weight: 0.5,
            conflict_factor: 0.8,
            patronymic_swap_factor: 0.6,
            kunya_words: set(&["abu", "umm"]),
            kunya_apart_factor: 0.6,
            patronymic_words: set(&["ben", "bin", "bint", "ibn"]),
            single_token_factor: 0.85,
            single_word_by_sound_factor: 0.75,
            single_word_by_sound_max_consonants: 3,
            syllable_misread_factor: 0.7,
            romanised_initials: set(&[
                "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r",
                "z", "c", "s", "y", "w", "hs", "ts", "tz",
            ]),
            romanised_finals: set(&[
                "a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
                "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan",
                "un", "uang", "ue", "ieh", "ueh", "ih", "ung", "iung", "uei",
            ]),
            romanised_initial_max_letters: 2,
            romanised_syllable_max_letters: 6,
            romanised_word_max_syllables: 2,
            lone_word_by_sound_factor: 0.75,
            unalike_word_by_sound_factor: 0.75,
            unalike_word_max_similarity: 0.75,
            company_word_by_typo_factor: 0.75,
            single_token_max_weight: 1.0,
            several_tokens_min_weight: 2.0,
            syllable_unpaired_factor: 0.8,
            number_conflict_factor: 0.9,
            generic_only_cap: 0.5,
            min_fuzzy_length: 3,
            min_query_word_length: 2,
            min_retrieval_skeleton_length: 2,
            max_joined_postings: 30,
            hidden_typo_min_length: 7,
            max_hidden_typos: 1,
            candidate_budget: 80,
            tie_break: 0.001,
            min_key_number_length: 3,
            max_evidence_checks: 160,
            max_bound_checks: 32,
            score_rounding: 5e-05,
            score_decimals: 4,
            max_scan_tokens: 8,
            max_scan_candidates: 24,
            max_scan_anchors: 4,
            scan_max_postings: 40,
            scan_min_single_token_length: 5,
            scan_min_anchor_length: 3,
            scan_min_fuzzy_anchor_length: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_of_words_is_the_name_new_makes_of_them() {
        let cfg = Config::for_tests();
        let texts = [
            "kim jong un",
            "bank of 2 xx",
            "mohammed al qaddafi",
            "aa 10 10 bb",
            "x",
        ];
        for text in texts {
            let tokens: Vec<String> = text.split(' ').map(String::from).collect();
            let weights: Vec<f64> = tokens
                .iter()
                .map(|t| if t.len() > 2 { 1.0 } else { 0.2 })
                .collect();
            let skeletons: Vec<String> = tokens.iter().map(|t| cfg.skeleton_map.skeleton(t)).collect();
            let collapsed: Vec<String> = tokens.iter().map(|t| single_letters(t)).collect();
            let made = Name::new(
                &cfg,
                tokens.clone(),
                weights.clone(),
                false,
                tokens.concat(),
                text,
            );
            assert_eq!(
                Name::of_words(&cfg, &tokens, &weights, &skeletons, &collapsed),
                made
            );
        }
    }

    /// Levenshtein and OSA distances by the dynamic programme: the definitions the crate's
    /// distances are held to.
    fn distance_by_matrix(a: &[u8], b: &[u8], swaps: bool) -> usize {
        let (n, m) = (a.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[n][m]
    }

    /// A small deterministic generator (xorshift) of words.
    fn words(seed: u64, count: usize, alphabet: &[u8], max_len: usize) -> Vec<Vec<u8>> {
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..count)
            .map(|_| {
                let len = (next() % (max_len as u64 + 1)) as usize;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn distances_are_the_definitions() {
        for (alphabet, max_len) in [(&b"ab"[..], 12), (&b"abc"[..], 70), (&b"abcdefghij0123"[..], 80)] {
            let ws = words(0x9e37_79b9_7f4a_7c15 ^ max_len as u64, 120, alphabet, max_len);
            for a in &ws[..40] {
                for b in &ws[..40] {
                    assert_eq!(osa(a, b), distance_by_matrix(a, b, true), "{a:?} {b:?}");
                    assert_eq!(
                        levenshtein_bytes(a, b),
                        distance_by_matrix(a, b, false),
                        "{a:?} {b:?}"
                    );
                }
            }
        }
        assert_eq!(osa(b"abcd", b"acbd"), 1);
        assert_eq!(osa(b"ca", b"abc"), 3); // OSA, not Damerau: no edit of a swapped pair
        let han: Vec<char> = "習近平".chars().collect();
        let other: Vec<char> = "習近朋".chars().collect();
        assert_eq!(levenshtein_similarity_chars(&han, &other), 1.0 - 1.0 / 3.0);
    }

    #[test]
    fn skeletons_rewrite_drop_vowels_and_collapse() {
        let cfg = Config::for_tests();
        let map = &cfg.skeleton_map;
        assert_eq!(map.skeleton("mohammed"), "mhmd");
        assert_eq!(map.skeleton("qaddafi"), map.skeleton("gaddafi"));
        assert_eq!(map.skeleton("alexei"), "lks");
        assert_eq!(map.skeleton("aeiou"), "");
        // the spelling-variant rule's first letter: rewritten, a vowel stands for itself
        assert_eq!(map.first_letter("qaddafi"), "k");
        assert_eq!(map.first_letter("ahmed"), "a");
        assert_eq!(map.first_letter("xu"), "ks");
        assert_eq!(map.first_letter(""), "");
        assert!(SkeletonMap::new([("ab".to_string(), "k".to_string())]).is_err());
    }

    #[test]
    fn scripts_tell_han_from_hangul() {
        let cfg = Config::for_tests();
        let s = &cfg.syllabic_ranges;
        assert_eq!(
            s.syllables("김정은 Kim 習近平"),
            "김정은習近平".chars().collect::<Vec<_>>()
        );
        assert_eq!(s.script_of('김'), Some(0));
        assert_eq!(s.script_of('習'), s.script_of('\u{3400}'));
        assert_ne!(s.script_of('習'), s.script_of('김'));
        assert_eq!(s.script_of('K'), None);
        assert!(Scripts::new(vec![(2, 1, "x".to_string())]).is_err());
    }
}
