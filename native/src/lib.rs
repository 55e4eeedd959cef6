//! `screening._native`: the screening hot path in Rust (candidate retrieval and name scoring).
//!
//! A port of `screening/index.py` (`_candidates`) and `screening/match.py` (`_outcome`): the
//! Python modules stay the reference, hold every constant (passed in at construction) and build
//! the explanations; this module only finds candidates and computes the facts of each comparison,
//! with the GIL released. `tests/unit/test_native.py` holds both to identical results.

pub mod common;
pub mod retrieve;
pub mod score;

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rustc_hash::FxHashSet;

use common::{Config, Kind, Name};
use retrieve::Retrieval;
use score::Outcome;

type PairOut = (Vec<usize>, Vec<usize>, f64, &'static str);
/// `(score, chosen, (cov_a, cov_b), (left_a, left_b), (joined_equal, conflict, single_token,
/// generic_only, number_mismatch, patronymic_swapped), syllable_cap)`.
type OutcomeOut = (
    f64,
    Vec<PairOut>,
    (f64, f64),
    (Vec<usize>, Vec<usize>),
    (bool, bool, bool, bool, bool, bool),
    f64,
);

fn outcome_out(out: Outcome) -> OutcomeOut {
    (
        out.score,
        out.chosen
            .into_iter()
            .map(|p| (p.a, p.b, p.sim, p.how.as_str()))
            .collect(),
        (out.cov_a, out.cov_b),
        (out.left_a, out.left_b),
        (
            out.joined_equal,
            out.conflict,
            out.single_token,
            out.generic_only,
            out.number_mismatch,
            out.patronymic_swapped,
        ),
        out.syllable_cap,
    )
}

fn item<'py, T: FromPyObjectOwned<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    match d.get_item(key)? {
        Some(value) => value
            .extract::<T>()
            .map_err(|e| PyValueError::new_err(format!("config {key}: {}", Into::<PyErr>::into(e)))),
        None => Err(PyKeyError::new_err(format!("config is missing {key}"))),
    }
}

fn config_from(d: &Bound<'_, PyDict>) -> PyResult<Config> {
    Ok(Config {
        generic_weight: item(d, "GENERIC_WEIGHT")?,
        particles: item::<Vec<String>>(d, "PARTICLES")?
            .into_iter()
            .collect::<FxHashSet<_>>(),
        generic_words: item::<Vec<String>>(d, "GENERIC_WORDS")?
            .into_iter()
            .collect::<FxHashSet<_>>(),
        min_pair_similarity: item(d, "MIN_PAIR_SIMILARITY")?,
        initial_similarity: item(d, "INITIAL_SIMILARITY")?,
        prefix_similarity: item(d, "PREFIX_SIMILARITY")?,
        min_prefix_length: item(d, "MIN_PREFIX_LENGTH")?,
        typo_floor: item(d, "TYPO_FLOOR")?,
        max_typo_edits: item(d, "MAX_TYPO_EDITS")?,
        doubled_letter_similarity: item(d, "DOUBLED_LETTER_SIMILARITY")?,
        acronym_similarity: item(d, "ACRONYM_SIMILARITY")?,
        abbreviation_similarity: item(d, "ABBREVIATION_SIMILARITY")?,
        min_acronym_length: item(d, "MIN_ACRONYM_LENGTH")?,
        max_acronym_length: item(d, "MAX_ACRONYM_LENGTH")?,
        spelling_variant_similarity: item(d, "SPELLING_VARIANT_SIMILARITY")?,
        min_skeleton_length: item(d, "MIN_SKELETON_LENGTH")?,
        spelling_variant_min_length_ratio: item(d, "SPELLING_VARIANT_MIN_LENGTH_RATIO")?,
        skeleton_discount: item(d, "SKELETON_DISCOUNT")?,
        short_side_weight: item(d, "SHORT_SIDE_WEIGHT")?,
        conflict_factor: item(d, "CONFLICT_FACTOR")?,
        patronymic_swap_factor: item(d, "PATRONYMIC_SWAP_FACTOR")?,
        single_token_factor: item(d, "SINGLE_TOKEN_FACTOR")?,
        number_conflict_factor: item(d, "NUMBER_CONFLICT_FACTOR")?,
        generic_only_cap: item(d, "GENERIC_ONLY_CAP")?,
        joined_similarity: item(d, "JOINED_SIMILARITY")?,
        joined_min_similarity: item(d, "JOINED_MIN_SIMILARITY")?,
        patronymic_suffixes: item(d, "PATRONYMIC_SUFFIXES")?,
        patronymic_words: item::<Vec<String>>(d, "PATRONYMIC")?
            .into_iter()
            .collect::<FxHashSet<_>>(),
        min_fuzzy_length: item(d, "MIN_FUZZY_LENGTH")?,
        max_joined_postings: item(d, "MAX_JOINED_POSTINGS")?,
        hidden_typo_min_length: item(d, "HIDDEN_TYPO_MIN_LENGTH")?,
        max_hidden_typos: item(d, "MAX_HIDDEN_TYPOS")?,
        candidate_budget: item(d, "CANDIDATE_BUDGET")?,
        tie_break: item(d, "TIE_BREAK")?,
        min_key_number_length: item(d, "MIN_KEY_NUMBER_LENGTH")?,
        max_evidence_checks: item(d, "MAX_EVIDENCE_CHECKS")?,
        max_bound_checks: item(d, "MAX_BOUND_CHECKS")?,
        score_rounding: item(d, "SCORE_ROUNDING")?,
    })
}

fn kind_from(kind: &str) -> PyResult<Kind> {
    match kind {
        "person" => Ok(Kind::Person),
        "organisation" => Ok(Kind::Organisation),
        "any" => Ok(Kind::Any),
        other => Err(PyValueError::new_err(format!(
            "kind must be person, organisation or any, not {other:?}"
        ))),
    }
}

/// The parts of one normalised name: `(tokens, weights, transliterated, unstripped, original)`.
type NameParts = (Vec<String>, Vec<f64>, bool, String, String);

fn name_from(cfg: &Config, parts: NameParts) -> PyResult<Name> {
    let (tokens, weights, transliterated, unstripped, original) = parts;
    if tokens
        .iter()
        .any(|t| t.is_empty() || !t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    {
        return Err(PyValueError::new_err(
            "tokens must be non-empty [a-z0-9] words (normalise_name output)",
        ));
    }
    if weights.len() != tokens.len() || weights.iter().any(|w| !(*w > 0.0 && *w <= 1.0)) {
        return Err(PyValueError::new_err(
            "weights must be one value in (0, 1] per token",
        ));
    }
    Ok(Name::new(
        cfg,
        tokens,
        weights,
        transliterated,
        unstripped,
        &original,
    ))
}

/// One query name, prepared once for every comparison of one look-up.
#[pyclass(frozen, module = "screening._native")]
pub struct NativeName {
    name: Name,
}

/// The listed names of one `ListIndex` with their retrieval tables. Immutable once built, so
/// several threads may query it at once.
#[pyclass(frozen, module = "screening._native")]
pub struct NativeIndex {
    cfg: Config,
    names: Vec<Name>,
    /// Per listed name, for a query of each kind (person, organisation, any): the kind it is
    /// compared as, or None when that query kind skips it (decided in Python, `index._kind_allows`).
    kinds: Vec<[Option<Kind>; 3]>,
    retrieval: Retrieval,
}

#[pymethods]
impl NativeIndex {
    /// Build from the constants (`config`) and every listed name's normalised parts, in
    /// position order. `kinds`: per listed name, the kind it is compared as by a person, an
    /// organisation and an `any` query (`"person"`, `"organisation"`, `"any"`, or None to skip).
    #[new]
    fn new(
        py: Python<'_>,
        config: &Bound<'_, PyDict>,
        names: Vec<NameParts>,
        kinds: Vec<[Option<String>; 3]>,
    ) -> PyResult<Self> {
        let cfg = config_from(config)?;
        let names = names
            .into_iter()
            .map(|p| name_from(&cfg, p))
            .collect::<PyResult<Vec<_>>>()?;
        if kinds.len() != names.len() {
            return Err(PyValueError::new_err("kinds must hold one entry per name"));
        }
        let kinds = kinds
            .into_iter()
            .map(|slots| {
                let mut out = [None; 3];
                for (slot, kind) in out.iter_mut().zip(slots) {
                    *slot = kind.as_deref().map(kind_from).transpose()?;
                }
                Ok(out)
            })
            .collect::<PyResult<Vec<_>>>()?;
        let retrieval = py.detach(|| Retrieval::build(&cfg, &names));
        Ok(NativeIndex {
            cfg,
            names,
            kinds,
            retrieval,
        })
    }

    /// One look-up: `candidates(query, threshold, limit)` for the query of `kind`, each compared
    /// as its `kinds` slot says, keeping `(position, score)` of those scoring at least `threshold -
    /// SCORE_ROUNDING` (the caller rounds and applies the threshold), in candidate order; and the
    /// prepared query (for `facts`).
    #[allow(clippy::too_many_arguments)]
    fn lookup(
        &self,
        py: Python<'_>,
        tokens: Vec<String>,
        weights: Vec<f64>,
        transliterated: bool,
        unstripped: String,
        original: String,
        kind: &str,
        threshold: f64,
        limit: usize,
    ) -> PyResult<(NativeName, Vec<(usize, f64)>)> {
        let slot = match kind_from(kind)? {
            Kind::Person => 0,
            Kind::Organisation => 1,
            Kind::Any => 2,
        };
        let name = name_from(&self.cfg, (tokens, weights, transliterated, unstripped, original))?;
        let minimum = threshold - self.cfg.score_rounding;
        let found = py.detach(|| {
            let mut scratch = score::Scratch::default();
            self.retrieval
                .candidates(&self.cfg, &self.names, &name, threshold, limit)
                .into_iter()
                .filter_map(|pos| {
                    let compare_as = self.kinds[pos][slot]?;
                    let score =
                        score::score_with(&self.cfg, &name, &self.names[pos], compare_as, &mut scratch);
                    (score >= minimum).then_some((pos, score))
                })
                .collect()
        });
        Ok((NativeName { name }, found))
    }

    /// Every fact of `match._outcome(query, listed[pos], kind)` (to explain a hit).
    fn facts(&self, query: &NativeName, pos: usize, kind: &str) -> PyResult<OutcomeOut> {
        let listed = self
            .names
            .get(pos)
            .ok_or_else(|| PyValueError::new_err(format!("position {pos} is out of range")))?;
        Ok(outcome_out(score::outcome(
            &self.cfg,
            &query.name,
            listed,
            kind_from(kind)?,
        )))
    }

    /// Prepare a query name (`tokens, weights, transliterated, unstripped, original`).
    fn query(
        &self,
        tokens: Vec<String>,
        weights: Vec<f64>,
        transliterated: bool,
        unstripped: String,
        original: String,
    ) -> PyResult<NativeName> {
        Ok(NativeName {
            name: name_from(&self.cfg, (tokens, weights, transliterated, unstripped, original))?,
        })
    }

    /// `ListIndex._candidates(query, threshold, limit)`: positions, best first.
    fn candidates(&self, py: Python<'_>, query: &NativeName, threshold: f64, limit: usize) -> Vec<usize> {
        py.detach(|| {
            self.retrieval
                .candidates(&self.cfg, &self.names, &query.name, threshold, limit)
        })
    }

    /// `match._outcome(a, b, kind)` of two names prepared by this index (differential tests).
    fn compare(&self, a: &NativeName, b: &NativeName, kind: &str) -> PyResult<OutcomeOut> {
        Ok(outcome_out(score::outcome(
            &self.cfg,
            &a.name,
            &b.name,
            kind_from(kind)?,
        )))
    }

    fn __len__(&self) -> usize {
        self.names.len()
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeIndex>()?;
    m.add_class::<NativeName>()?;
    Ok(())
}
