//! Types and text helpers shared by the scorer (`score.rs`) and retrieval (`retrieve.rs`).
//!
//! Everything here mirrors `screening/names.py` and `screening/match.py` exactly; the Python
//! side stays the reference and the differential tests (`tests/unit/test_native.py`) hold the
//! two to identical results.

use rustc_hash::FxHashSet;

/// `PartyKind` of `screening.match`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Person,
    Organisation,
    Any,
}

/// Every constant of `screening.match` / `screening.index` / `screening.names` the hot path
/// reads, passed from Python once, so the Python modules stay their single source.
#[derive(Clone, Debug)]
pub struct Config {
    // names.py
    pub generic_weight: f64,
    pub particles: FxHashSet<String>,
    pub generic_words: FxHashSet<String>,
    // match.py
    pub min_pair_similarity: f64,
    pub initial_similarity: f64,
    pub prefix_similarity: f64,
    pub min_prefix_length: usize,
    pub typo_floor: f64,
    pub max_typo_edits: usize,
    pub doubled_letter_similarity: f64,
    pub acronym_similarity: f64,
    pub abbreviation_similarity: f64,
    pub min_acronym_length: usize,
    pub max_acronym_length: usize,
    pub spelling_variant_similarity: f64,
    pub min_skeleton_length: usize,
    pub spelling_variant_min_length_ratio: f64,
    pub skeleton_discount: f64,
    pub short_side_weight: f64,
    pub conflict_factor: f64,
    pub patronymic_swap_factor: f64,
    pub single_token_factor: f64,
    pub number_conflict_factor: f64,
    pub generic_only_cap: f64,
    pub joined_similarity: f64,
    pub joined_min_similarity: f64,
    pub patronymic_suffixes: Vec<String>,
    pub patronymic_words: FxHashSet<String>, // `_PATRONYMIC`: bin, ibn, bint, ben
    // index.py
    pub min_fuzzy_length: usize,
    pub max_joined_postings: usize,
    pub hidden_typo_min_length: usize,
    pub max_hidden_typos: usize,
    pub candidate_budget: usize,
    pub tie_break: f64,
    pub min_key_number_length: usize,
    pub max_evidence_checks: usize,
    pub max_bound_checks: usize,
    pub score_rounding: f64,
}

/// Script of the first syllabic character of a name's original text (`names.script_of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Hangul,
    Han,
    Other,
}

/// A prepared name: `match.PreparedName` plus what its `NormalisedName` holds that the
/// comparison reads. Tokens are lower-case ASCII `[a-z0-9]+` (guaranteed by `normalise_name`),
/// so byte-wise string work equals Python's character-wise work on them.
#[derive(Clone, Debug)]
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
        let skeletons = tokens.iter().map(|t| consonant_skeleton(t)).collect();
        let collapsed = tokens.iter().map(|t| single_letters(t)).collect();
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
        let syllables = original.chars().filter(|&c| is_syllabic(c)).collect();
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
            syllables,
        }
    }
}

/// `str.isdigit()` for the ASCII tokens of a normalised name (False for "").
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `str.isalpha()` for ASCII tokens (False for "").
pub fn is_alpha(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `names.is_syllabic`: a Hangul syllable or a Han character.
pub fn is_syllabic(c: char) -> bool {
    let code = c as u32;
    (0xAC00..=0xD7A3).contains(&code)
        || (0x4E00..=0x9FFF).contains(&code)
        || (0x3400..=0x4DBF).contains(&code)
}

/// `names.script_of`.
pub fn script_of(c: char) -> Script {
    let code = c as u32;
    if (0xAC00..=0xD7A3).contains(&code) {
        Script::Hangul
    } else if (0x4E00..=0x9FFF).contains(&code) || (0x3400..=0x4DBF).contains(&code) {
        Script::Han
    } else {
        Script::Other
    }
}

/// `names.consonant_skeleton`: map c,q,g->k z->s p->b w->v x->ks, drop vowels (aeiouy), then
/// collapse runs of one character.
pub fn consonant_skeleton(token: &str) -> String {
    let mut mapped = String::with_capacity(token.len() + 2);
    for ch in token.chars() {
        match ch {
            'c' | 'q' | 'g' => mapped.push('k'),
            'z' => mapped.push('s'),
            'p' => mapped.push('b'),
            'w' => mapped.push('v'),
            'x' => mapped.push_str("ks"),
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' => {}
            other => mapped.push(other),
        }
    }
    single_letters(&mapped)
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

/// The translation of one character by `names.SKELETON_MAP` (first letter checks).
pub fn skeleton_map_first(token: &str) -> String {
    match token.chars().next() {
        Some('c') | Some('q') | Some('g') => "k".to_string(),
        Some('z') => "s".to_string(),
        Some('p') => "b".to_string(),
        Some('w') => "v".to_string(),
        Some('x') => "ks".to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Levenshtein distance (unit weights) of two sequences.
pub fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let cost = usize::from(x != y);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The pattern bit masks of the bit-parallel distances: bit `i` of `table[c]` is set when
/// `pattern[i] == c`. Only for ASCII patterns of 1 to 64 bytes.
struct PatternMasks {
    table: [u64; 128],
}

impl PatternMasks {
    #[inline]
    fn new(pattern: &[u8]) -> PatternMasks {
        let mut table = [0u64; 128];
        for (i, &c) in pattern.iter().enumerate() {
            table[usize::from(c & 0x7f)] |= 1u64 << i;
        }
        PatternMasks { table }
    }

    #[inline]
    fn get(&self, c: u8) -> u64 {
        self.table[usize::from(c & 0x7f)]
    }
}

/// Whether the bit-parallel distances apply: both sides ASCII, the pattern (`a`) 1 to 64 bytes.
#[inline]
fn bit_parallel(a: &[u8], b: &[u8]) -> bool {
    !a.is_empty() && a.len() <= 64 && a.is_ascii() && b.is_ascii()
}

/// Levenshtein distance of two byte strings: Hyyrö's bit-parallel algorithm (as rapidfuzz) for
/// ASCII words of up to 64 bytes, the dynamic programme otherwise (the same distance).
pub fn levenshtein_bytes(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if a.is_empty() {
        return b.len();
    }
    if !bit_parallel(a, b) {
        return levenshtein(a, b);
    }
    let pm = PatternMasks::new(a);
    let mut vp = !0u64;
    let mut vn = 0u64;
    let mut dist = a.len();
    let mask = 1u64 << (a.len() - 1);
    for &c in b {
        let x = pm.get(c);
        let d0 = (((x & vp).wrapping_add(vp)) ^ vp) | x | vn;
        let mut hp = vn | !(d0 | vp);
        let mut hn = d0 & vp;
        dist += usize::from(hp & mask != 0);
        dist -= usize::from(hn & mask != 0);
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
    }
    dist
}

/// Optimal string alignment distance by the dynamic programme (the reference of [`osa`]).
pub fn osa_matrix(a: &[u8], b: &[u8]) -> usize {
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return m;
    }
    if m == 0 {
        return n;
    }
    let width = m + 1;
    let mut d = vec![0usize; (n + 1) * width];
    for i in 0..=n {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[n * width + m]
}

/// Optimal string alignment distance (a swap of two adjacent letters is one edit), as
/// `rapidfuzz.distance.OSA.distance`: Hyyrö's bit-parallel algorithm (2003, as rapidfuzz) for
/// ASCII words of up to 64 bytes, the dynamic programme otherwise (the same distance).
pub fn osa(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if a.is_empty() {
        return b.len();
    }
    if !bit_parallel(a, b) {
        return osa_matrix(a, b);
    }
    let pm = PatternMasks::new(a);
    let mut vp = !0u64;
    let mut vn = 0u64;
    let mut d0 = 0u64;
    let mut pm_old = 0u64;
    let mut dist = a.len();
    let mask = 1u64 << (a.len() - 1);
    for &c in b {
        let pm_j = pm.get(c);
        let tr = (((!d0) & pm_j) << 1) & pm_old;
        d0 = (((pm_j & vp).wrapping_add(vp)) ^ vp) | pm_j | vn | tr;
        let mut hp = vn | !(d0 | vp);
        let mut hn = d0 & vp;
        dist += usize::from(hp & mask != 0);
        dist -= usize::from(hn & mask != 0);
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_old = pm_j;
    }
    dist
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
    normalized(levenshtein(a, b), a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift) for the randomised comparisons.
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
    fn bit_parallel_distances_equal_the_dynamic_programme() {
        for (alphabet, max_len) in [(&b"ab"[..], 12), (&b"abc"[..], 70), (&b"abcdefghij0123"[..], 80)] {
            let ws = words(0x9e37_79b9_7f4a_7c15 ^ max_len as u64, 400, alphabet, max_len);
            for pair in ws.chunks(2) {
                let (a, b) = (&pair[0], &pair[1]);
                assert_eq!(osa(a, b), osa_matrix(a, b), "{a:?} {b:?}");
                assert_eq!(osa(b, a), osa_matrix(a, b), "{a:?} {b:?}");
                assert_eq!(levenshtein_bytes(a, b), levenshtein(a, b), "{a:?} {b:?}");
                assert_eq!(levenshtein_bytes(b, a), levenshtein(a, b), "{a:?} {b:?}");
            }
            for a in &ws[..60] {
                for b in &ws[..60] {
                    assert_eq!(osa(a, b), osa_matrix(a, b), "{a:?} {b:?}");
                    assert_eq!(levenshtein_bytes(a, b), levenshtein(a, b), "{a:?} {b:?}");
                }
            }
        }
        // swaps, non-ASCII and long words
        assert_eq!(osa(b"abcd", b"acbd"), 1);
        assert_eq!(osa(b"ca", b"abc"), 3); // OSA, not Damerau: no edit of a swapped pair
        assert_eq!(
            osa("\u{e9}t\u{e9}".as_bytes(), b"ete"),
            osa_matrix("\u{e9}t\u{e9}".as_bytes(), b"ete")
        );
        let long_a = vec![b'a'; 100];
        let mut long_b = long_a.clone();
        long_b[50] = b'b';
        assert_eq!(osa(&long_a, &long_b), 1);
        assert_eq!(levenshtein_bytes(&long_a, &long_b), 1);
    }
}
