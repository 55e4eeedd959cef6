//! The parameters from Python: one dict (`ScreeningParams.native_config()`), read by name into a
//! `Config`. Every key is required: a missing one is a `KeyError` naming it, a value of the
//! wrong type or shape a `ValueError` naming the key.

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rustc_hash::FxHashSet;
use std::collections::HashMap;

use crate::common::{Config, Scripts, SkeletonMap};

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

/// The `Config` of a parameter dict (keys: the field names of `Config`).
pub fn config_from(d: &Bound<'_, PyDict>) -> PyResult<Config> {
    let skeleton_map: HashMap<String, String> = item(d, "skeleton_map")?;
    Ok(Config {
        generic_weight: item(d, "generic_weight")?,
        particles: words(d, "particles")?,
        generic_words: words(d, "generic_words")?,
        skeleton_map: checked("skeleton_map", SkeletonMap::new(skeleton_map))?,
        scripts: checked("syllabic_ranges", Scripts::new(item(d, "syllabic_ranges")?))?,
        min_pair_similarity: item(d, "min_pair_similarity")?,
        initial_similarity: item(d, "initial_similarity")?,
        prefix_similarity: item(d, "prefix_similarity")?,
        min_prefix_length: item(d, "min_prefix_length")?,
        typo_floor: item(d, "typo_floor")?,
        max_typo_edits: item(d, "max_typo_edits")?,
        doubled_letter_similarity: item(d, "doubled_letter_similarity")?,
        acronym_similarity: item(d, "acronym_similarity")?,
        abbreviation_similarity: item(d, "abbreviation_similarity")?,
        min_acronym_length: item(d, "min_acronym_length")?,
        max_acronym_length: item(d, "max_acronym_length")?,
        spelling_variant_similarity: item(d, "spelling_variant_similarity")?,
        min_skeleton_length: item(d, "min_skeleton_length")?,
        spelling_variant_min_length_ratio: item(d, "spelling_variant_min_length_ratio")?,
        skeleton_discount: item(d, "skeleton_discount")?,
        joined_similarity: item(d, "joined_similarity")?,
        joined_min_similarity: item(d, "joined_min_similarity")?,
        joined_max_extra_letters: item(d, "joined_max_extra_letters")?,
        patronymic_suffixes: item::<Vec<String>>(d, "patronymic_suffixes")?,
        short_side_weight: item(d, "short_side_weight")?,
        conflict_factor: item(d, "conflict_factor")?,
        patronymic_swap_factor: item(d, "patronymic_swap_factor")?,
        patronymic_words: words(d, "patronymic_words")?,
        single_token_factor: item(d, "single_token_factor")?,
        single_token_max_weight: item(d, "single_token_max_weight")?,
        several_tokens_min_weight: item(d, "several_tokens_min_weight")?,
        number_conflict_factor: item(d, "number_conflict_factor")?,
        generic_only_cap: item(d, "generic_only_cap")?,
        min_fuzzy_length: item(d, "min_fuzzy_length")?,
        min_query_word_length: item(d, "min_query_word_length")?,
        min_retrieval_skeleton_length: item(d, "min_retrieval_skeleton_length")?,
        max_joined_postings: item(d, "max_joined_postings")?,
        hidden_typo_min_length: item(d, "hidden_typo_min_length")?,
        max_hidden_typos: item(d, "max_hidden_typos")?,
        candidate_budget: item(d, "candidate_budget")?,
        tie_break: item(d, "tie_break")?,
        min_key_number_length: item(d, "min_key_number_length")?,
        max_evidence_checks: item(d, "max_evidence_checks")?,
        max_bound_checks: item(d, "max_bound_checks")?,
        score_rounding: item(d, "score_rounding")?,
    })
}
