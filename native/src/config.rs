//! The parameters from Python: one dict (`ScreeningParams.native_config()`), read by name into a
//! `Config`. Every key is required: a missing one is a `KeyError` naming it, a value of the
//! wrong type or shape a `ValueError` naming the key.

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rustc_hash::FxHashSet;
use std::collections::HashMap;

use crate::common::{RomanisationVariants, Scripts, SkeletonMap, Variants};

/// The value of `key`.
fn value<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?
        .ok_or_else(|| PyKeyError::new_err(format!("config is missing {key}")))
}

/// The error of a malformed value, naming its key.
fn malformed(key: &str, problem: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("config {key}: {problem}"))
}

/// The value of `key`, converted to `T`.
fn item<'py, T: FromPyObjectOwned<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    value(d, key)?
        .extract::<T>()
        .map_err(|e| malformed(key, Into::<PyErr>::into(e)))
}

/// The words of `key`: any collection of strings (list, tuple, set, frozenset), not one string.
fn words(d: &Bound<'_, PyDict>, key: &str) -> PyResult<FxHashSet<String>> {
    let collection = value(d, key)?;
    if collection.is_instance_of::<PyString>() {
        return Err(malformed(key, "a collection of words, not one string"));
    }
    let words = collection.try_iter().map_err(|e| malformed(key, e))?;
    words
        .map(|word| word.and_then(|w| w.extract::<String>()))
        .collect::<PyResult<_>>()
        .map_err(|e| malformed(key, e))
}

/// A value built by a constructor that checks it (whose message names the problem).
fn checked<T>(key: &str, made: Result<T, String>) -> PyResult<T> {
    made.map_err(|problem| malformed(key, problem))
}

/// The skeleton map of `key` (a dict of one character to its replacement).
fn skeleton_map(d: &Bound<'_, PyDict>, key: &str) -> PyResult<SkeletonMap> {
    checked(key, SkeletonMap::new(item::<HashMap<String, String>>(d, key)?))
}

/// The romanisation variants of `romanisation_dropped_letters` and `romanisation_swapped_letters`
/// (`key` names the field they make).
fn romanisation_variants(d: &Bound<'_, PyDict>, key: &str) -> PyResult<RomanisationVariants> {
    let dropped: Vec<String> = item(d, "romanisation_dropped_letters")?;
    let swapped: Vec<String> = item(d, "romanisation_swapped_letters")?;
    checked(key, RomanisationVariants::new(&dropped, &swapped))
}

/// The syllabic scripts of `key` (a list of `(first code point, last code point, script)`).
fn scripts(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Scripts> {
    checked(key, Scripts::new(item(d, key)?))
}

/// The spelling groups of `key` (a list of groups, each a list of words).
fn variants(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Variants> {
    checked(key, Variants::new(item::<Vec<Vec<String>>>(d, key)?))
}

/// `Config` with one field per parameter and `config_from`, which reads each field from the
/// key of its name with the reader given beside it: a new parameter is one line here.
macro_rules! parameters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty = $read:ident,)*) => {
        /// Every parameter retrieval and scoring read, given by Python in one dict when the index
        /// is built (`ScreeningParams.native_config()`); none has a default of its own here.
        #[derive(Clone, Debug)]
        pub struct Config {
            $($(#[$doc])* pub $name: $ty,)*
        }

        /// The `Config` of a parameter dict: every key required.
        pub fn config_from(d: &Bound<'_, PyDict>) -> PyResult<Config> {
            Ok(Config {
                $($name: $read(d, stringify!($name))?,)*
            })
        }
    };
}

parameters! {
    // names
    /// Token weights at or below this are generic words and particles.
    generic_weight: f64 = item,
    particles: FxHashSet<String> = words,
    generic_words: FxHashSet<String> = words,
    /// The consonant skeleton's letter rewrites (vowels to "").
    skeleton_map: SkeletonMap = skeleton_map,
    /// The Han and Hangul code point ranges.
    syllabic_ranges: Scripts = scripts,
    /// The Arabic and Hebrew code point ranges (scripts that leave short vowels unwritten).
    abjad_ranges: Scripts = scripts,
    /// The spellings of one Han or Hangul name syllable, in groups.
    syllable_variants: Variants = variants,
    // token pairs
    min_pair_similarity: f64 = item,
    initial_similarity: f64 = item,
    prefix_similarity: f64 = item,
    min_prefix_length: usize = item,
    typo_floor: f64 = item,
    max_typo_edits: usize = item,
    doubled_letter_similarity: f64 = item,
    acronym_similarity: f64 = item,
    abbreviation_similarity: f64 = item,
    min_acronym_length: usize = item,
    max_acronym_length: usize = item,
    spelling_variant_similarity: f64 = item,
    min_skeleton_length: usize = item,
    spelling_variant_min_length_ratio: f64 = item,
    skeleton_discount: f64 = item,
    /// Equal skeletons across scripts earn `skeleton_discount` from this many consonants ...
    transliteration_min_skeleton_length: usize = item,
    /// ... and skeletons this long, one romanisation variant apart, this much.
    transliteration_near_min_skeleton_length: usize = item,
    transliteration_near_similarity: f64 = item,
    /// The consonants two romanisations of one name are known to differ by.
    romanisation_variants: RomanisationVariants = romanisation_variants,
    /// The final vowels an abjad writes (a word ending in one does not pair with one ending in a
    /// consonant).
    abjad_written_final_vowels: String = item,
    /// The skeleton that keeps voicing, for scripts that write their vowels.
    voiced_skeleton_map: SkeletonMap = skeleton_map,
    /// From a script that writes its vowels, the vowel keys must be at least this similar.
    transliteration_min_vowel_similarity: f64 = item,
    /// A Han/Hangul syllable and another spelling of it in `syllable_variants`.
    syllable_variant_similarity: f64 = item,
    joined_similarity: f64 = item,
    joined_min_similarity: f64 = item,
    /// Two joined words may be this many letters longer than the word they pair with.
    joined_max_extra_letters: usize = item,
    patronymic_suffixes: Vec<String> = item,
    // the score and its rules
    short_side_weight: f64 = item,
    conflict_factor: f64 = item,
    patronymic_swap_factor: f64 = item,
    patronymic_words: FxHashSet<String> = words,
    /// `abu`, `umm`: a kunya is one name with the word beside it.
    kunya_words: FxHashSet<String> = words,
    kunya_apart_factor: f64 = item,
    single_token_factor: f64 = item,
    /// A name of one distinctive word, not a person's, paired by sound alone.
    single_word_by_sound_factor: f64 = item,
    /// ... on a skeleton of at most this many consonants.
    single_word_by_sound_max_consonants: usize = item,
    /// Two names in romanised syllables pairing two different syllables.
    syllable_misread_factor: f64 = item,
    /// A romanised syllable: one of these initials (or none) and one of these finals ...
    romanised_initials: FxHashSet<String> = words,
    romanised_finals: FxHashSet<String> = words,
    /// ... an initial of at most this many letters, a syllable of at most this many.
    romanised_initial_max_letters: usize = item,
    romanised_syllable_max_letters: usize = item,
    /// A word of at most this many romanised syllables may be a name part.
    romanised_word_max_syllables: usize = item,
    /// A person's one distinctive word paired by sound alone, another word unpaired.
    lone_word_by_sound_factor: f64 = item,
    /// A company's one longer word paired by sound alone with a word spelt unalike ...
    unalike_word_by_sound_factor: f64 = item,
    /// ... an OSA similarity under this.
    unalike_word_max_similarity: f64 = item,
    /// A company's one distinctive word paired across scripts only as a typo.
    company_word_by_typo_factor: f64 = item,
    /// A name with at most this distinctive weight has a single distinctive token ...
    single_token_max_weight: f64 = item,
    /// ... against a name with at least this much.
    several_tokens_min_weight: f64 = item,
    /// A distinctive word left unpaired when one name is read from Han or Hangul.
    syllable_unpaired_factor: f64 = item,
    number_conflict_factor: f64 = item,
    generic_only_cap: f64 = item,
    // retrieval
    min_fuzzy_length: usize = item,
    /// Query words shorter than this are not looked up.
    min_query_word_length: usize = item,
    /// Skeletons shorter than this are not looked up.
    min_retrieval_skeleton_length: usize = item,
    max_joined_postings: usize = item,
    hidden_typo_min_length: usize = item,
    max_hidden_typos: usize = item,
    candidate_budget: usize = item,
    tie_break: f64 = item,
    min_key_number_length: usize = item,
    max_evidence_checks: usize = item,
    max_bound_checks: usize = item,
    score_rounding: f64 = item,
    /// Scores are rounded to this many decimals.
    score_decimals: u32 = item,
    // free text
    max_scan_tokens: usize = item,
    max_scan_candidates: usize = item,
    max_scan_anchors: usize = item,
    scan_max_postings: usize = item,
    scan_min_single_token_length: usize = item,
    scan_min_anchor_length: usize = item,
    scan_min_fuzzy_anchor_length: usize = item,
}
