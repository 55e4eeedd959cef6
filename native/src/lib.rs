//! `screening._native`: the screening hot path in Rust (candidate retrieval and name scoring).
//!
//! The one implementation of retrieval (`retrieve.rs`) and of the comparison (`score.rs`, its
//! rules in `rules.rs`), with their explanations. Every parameter comes from Python in one dict
//! when the index is built (`config.rs`); the GIL is released while looking up and scanning.

pub mod common;
pub mod config;
pub mod retrieve;
pub mod rules;
pub mod scan;
pub mod score;

// The scan and the comparison make many small short-lived strings and vectors (a window's
// name, a word's forms): mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use common::{is_token, Config, Kind, Name};
use config::config_from;
use retrieve::Retrieval;
use rules::NameFacts;
use score::Explained;

/// A chosen pair of an explanation: `(tokens of the first name, tokens of the second,
/// similarity, rule)`.
type PairOut = (Vec<usize>, Vec<usize>, f64, &'static str);
/// `(unrounded score, chosen pairs, evidence)`, evidence as `(feature name, value, note)`.
type ExplainedOut = (f64, Vec<PairOut>, Vec<(String, f64, String)>);

/// An explanation as Python receives it.
fn explained_out(out: Explained) -> ExplainedOut {
    (
        out.score,
        out.chosen
            .into_iter()
            .map(|p| (p.a, p.b, p.sim, p.how.as_str()))
            .collect(),
        out.evidence,
    )
}

/// Ok when every one of `words` is a normalised token (`[a-z0-9]+`); else a ValueError naming `what`.
fn tokens_checked<'a>(what: &str, words: impl IntoIterator<Item = &'a String>) -> PyResult<()> {
    match words.into_iter().find(|t| !is_token(t)) {
        Some(bad) => Err(PyValueError::new_err(format!(
            "{what} must be non-empty [a-z0-9] words (normalise_name output), not {bad:?}"
        ))),
        None => Ok(()),
    }
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

/// A listed name's kinds for a person, an organisation and an `any` query (None: skipped).
fn kinds_from(slots: [Option<String>; 3]) -> PyResult<[Option<Kind>; 3]> {
    let mut out = [None; 3];
    for (slot, kind) in out.iter_mut().zip(slots) {
        *slot = kind.as_deref().map(kind_from).transpose()?;
    }
    Ok(out)
}

/// The parts of one normalised name: `(tokens, weights, transliterated, unstripped, original)`.
type NameParts = (Vec<String>, Vec<f64>, bool, String, String);

fn name_from(cfg: &Config, parts: NameParts) -> PyResult<Name> {
    let (tokens, weights, transliterated, unstripped, original) = parts;
    tokens_checked("tokens", &tokens)?;
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
    /// What the free-text scan reads of each listed name, made when first needed.
    scan_forms: scan::ScanForms,
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
        let kinds = kinds.into_iter().map(kinds_from).collect::<PyResult<Vec<_>>>()?;
        let retrieval = py.detach(|| Retrieval::build(&cfg, &names));
        Ok(NativeIndex {
            cfg,
            scan_forms: scan::ScanForms::new(names.len()),
            names,
            kinds,
            retrieval,
        })
    }

    /// A new index for a list update, this one untouched: its names without those at the
    /// positions `removed`, with `added` `(new position, name parts, kinds)` put in place
    /// (positions ascending). The tables are those `NativeIndex(config, names, kinds)` builds
    /// for the resulting names (`retrieve::update`), derived from these in a fraction of the
    /// time.
    fn updated(
        &self,
        py: Python<'_>,
        removed: Vec<usize>,
        added: Vec<(usize, NameParts, [Option<String>; 3])>,
    ) -> PyResult<NativeIndex> {
        let mut new_of_old = vec![0u32; self.names.len()];
        for &pos in &removed {
            let slot = new_of_old
                .get_mut(pos)
                .ok_or_else(|| PyValueError::new_err(format!("removed position {pos} is out of range")))?;
            *slot = u32::MAX;
        }
        let kept: Vec<usize> = (0..self.names.len()).filter(|&p| new_of_old[p] == 0).collect();
        let total = kept.len() + added.len();
        let mut positions = Vec::with_capacity(added.len());
        let mut added_names = Vec::with_capacity(added.len());
        for (pos, parts, slots) in added {
            if pos >= total || positions.last().is_some_and(|&last| last as usize >= pos) {
                return Err(PyValueError::new_err(format!(
                    "added positions must ascend below {total}, not {pos}"
                )));
            }
            positions.push(pos as u32);
            added_names.push((name_from(&self.cfg, parts)?, kinds_from(slots)?));
        }
        // Without the GIL: the worker keeps screening with this index meanwhile.
        let (names, kinds, retrieval) = py.detach(|| {
            let mut names = Vec::with_capacity(total);
            let mut kinds = Vec::with_capacity(total);
            let mut old = kept.into_iter();
            let mut fresh = added_names.into_iter();
            let mut next = positions.iter().peekable();
            for pos in 0..total {
                if next.peek() == Some(&&(pos as u32)) {
                    next.next();
                    let (name, slots) = fresh.next().expect("one name per added position");
                    names.push(name);
                    kinds.push(slots);
                } else {
                    let p = old.next().expect("the kept names fill the other positions");
                    new_of_old[p] = pos as u32;
                    names.push(self.names[p].clone());
                    kinds.push(self.kinds[p]);
                }
            }
            let retrieval = self
                .retrieval
                .updated(&self.cfg, &self.names, &names, &new_of_old, &positions);
            (names, kinds, retrieval)
        });
        Ok(NativeIndex {
            cfg: self.cfg.clone(),
            scan_forms: scan::ScanForms::new(names.len()),
            names,
            kinds,
            retrieval,
        })
    }

    /// One look-up: `candidates(query, threshold, limit)` for the query of `kind`, each compared
    /// as its `kinds` slot says, keeping `(position, score)` of those scoring at least `threshold -
    /// SCORE_ROUNDING` (the caller rounds and applies the threshold), in candidate order; and the
    /// prepared query (for `explain`).
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

    /// The comparison of `query` with listed name `pos` compared as `kind`, explained:
    /// `(unrounded score, chosen pairs, evidence)` (see `score::Explained`), the score being the
    /// one `lookup` gives.
    fn explain(&self, query: &NativeName, pos: usize, kind: &str) -> PyResult<ExplainedOut> {
        let listed = self
            .names
            .get(pos)
            .ok_or_else(|| PyValueError::new_err(format!("position {pos} is out of range")))?;
        Ok(explained_out(score::explain(
            &self.cfg,
            &query.name,
            listed,
            kind_from(kind)?,
        )))
    }

    /// `explain` of two names prepared by this index (`a` in the query's place).
    fn explain_pair(&self, a: &NativeName, b: &NativeName, kind: &str) -> PyResult<ExplainedOut> {
        Ok(explained_out(score::explain(
            &self.cfg,
            &a.name,
            &b.name,
            kind_from(kind)?,
        )))
    }

    /// The unrounded score of `query` against listed name `pos` compared as `kind`, without
    /// explanation (free-text windows): the score `explain` gives.
    fn score(&self, query: &NativeName, pos: usize, kind: &str) -> PyResult<f64> {
        let listed = self
            .names
            .get(pos)
            .ok_or_else(|| PyValueError::new_err(format!("position {pos} is out of range")))?;
        let mut scratch = score::Scratch::default();
        Ok(score::score_with(
            &self.cfg,
            &query.name,
            listed,
            kind_from(kind)?,
            &mut scratch,
        ))
    }

    /// `rules::bound_score`: the score the rules fold from two names' total weights and
    /// coverages when nothing else of their alignment is known (free-text bounds).
    #[allow(clippy::too_many_arguments)]
    fn bound_score(
        &self,
        total_a: f64,
        total_b: f64,
        cov_a: f64,
        cov_b: f64,
        unpaired_on_both_sides: bool,
        distinctive_a: f64,
        distinctive_b: f64,
        numbers_equal: bool,
    ) -> f64 {
        let names = NameFacts {
            distinctive_a,
            distinctive_b,
            numbers_equal,
        };
        rules::bound_score(
            &self.cfg,
            (total_a, total_b),
            (cov_a, cov_b),
            unpaired_on_both_sides,
            &names,
        )
    }

    /// `score` after the rules that depend on the two names alone (single distinctive token,
    /// then differing numbers), in the order the score applies them: what every bound of the
    /// score applies exactly.
    fn name_factors(&self, score: f64, distinctive_a: f64, distinctive_b: f64, numbers_equal: bool) -> f64 {
        let names = NameFacts {
            distinctive_a,
            distinctive_b,
            numbers_equal,
        };
        rules::name_factors(&self.cfg, &names, score)
    }

    /// The similarity credit of two different normalised words and the rule that gave it
    /// (`""` when none): `person` allows initials and short forms, `lenient` (names from
    /// different scripts) consonant skeletons, as for a name from an abjad (the most lenient).
    fn pair_similarity(
        &self,
        a: &str,
        b: &str,
        person: bool,
        lenient: bool,
    ) -> PyResult<(f64, &'static str)> {
        tokens_checked("words", [&a.to_string(), &b.to_string()])?;
        let across = if lenient {
            score::Across::Abjad
        } else {
            score::Across::SameScript
        };
        let (sim, how) = score::word_similarity(&self.cfg, a, b, person, across);
        Ok((sim, how.as_str()))
    }

    /// Each word `i` of `ta` spelling the initials of a run of consecutive words of `tb`
    /// (particles may be skipped): `(i, the run's positions)`, every word of both free.
    fn acronym_spans(&self, ta: Vec<String>, tb: Vec<String>) -> PyResult<Vec<(usize, Vec<usize>)>> {
        tokens_checked("ta", &ta)?;
        tokens_checked("tb", &tb)?;
        Ok(score::acronym_spans(&self.cfg, &ta, &tb))
    }

    /// The cap of the `syllables_differ` rule for two names given by their original text: the
    /// squared similarity of their Han/Hangul characters when both are in the same syllabic
    /// script and differ, else 1.0.
    fn syllables_cap(&self, a_original: &str, b_original: &str) -> f64 {
        let scripts = &self.cfg.syllabic_ranges;
        rules::syllables_cap(
            &self.cfg,
            &scripts.syllables(a_original),
            &scripts.syllables(b_original),
        )
        .unwrap_or(1.0)
    }

    /// The free-text scan (`scan.rs`) of a text's normalised `words` (with their token
    /// `weights` and `window_rewrites` flags): `(position, window start, window length, rounded
    /// score)` of the best window of each anchored listed name reaching `threshold`,
    /// best-anchored names first.
    /// `prepare(start, length)` normalises the window of those words into name parts
    /// (`tokens, weights, transliterated, unstripped, original`, or None when it has no token);
    /// it is called once per window some name is tried against that its flags do not show to
    /// be its words as they are, with the GIL (the rest runs without it), and its error is raised.
    fn scan(
        &self,
        py: Python<'_>,
        words: Vec<String>,
        weights: Vec<f64>,
        flags: Vec<u8>,
        threshold: f64,
        prepare: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<(usize, usize, usize, f64)>> {
        tokens_checked("words", &words)?;
        if weights.len() != words.len() || flags.len() != words.len() {
            return Err(PyValueError::new_err(
                "weights and flags must hold one value per word",
            ));
        }
        let cfg = &self.cfg;
        let prepare = prepare.clone().unbind();
        // Without the GIL (other threads screen meanwhile), taking it back only to normalise a
        // window in Python.
        py.detach(|| {
            let mut failure: Option<PyErr> = None;
            let mut windows = scan::Windows::new(&words, &weights, &flags, |start: usize, length: usize| {
                if failure.is_some() {
                    return None;
                }
                let prepared = Python::attach(|py| {
                    prepare
                        .bind(py)
                        .call1((start, length))
                        .and_then(|parts| parts.extract::<Option<NameParts>>())
                });
                prepared
                    .and_then(|parts| parts.map(|p| name_from(cfg, p)).transpose())
                    .unwrap_or_else(|e| {
                        failure = Some(e);
                        None
                    })
            });
            let mut scratch = score::Scratch::default();
            let mut memo = scan::Memo::default();
            let mut out = Vec::new();
            for anchored in scan::anchored(cfg, &self.retrieval, &self.names, &words, &weights) {
                let kind = self.kinds[anchored.pos][2].unwrap_or(Kind::Any);
                let listed = scan::Listed {
                    name: &self.names[anchored.pos],
                    form: self
                        .scan_forms
                        .get(cfg, &self.retrieval, &self.names, anchored.pos),
                };
                let best = scan::best_window(
                    cfg,
                    words.len(),
                    &anchored.anchors,
                    &listed,
                    kind,
                    threshold,
                    &mut windows,
                    &mut memo,
                    &mut scratch,
                );
                if let Some((start, length, score)) = best {
                    out.push((anchored.pos, start, length, score));
                }
            }
            drop(windows);
            match failure {
                Some(e) => Err(e),
                None => Ok(out),
            }
        })
    }

    /// How many listed names hold `word` (the rarity the common-words qualifier reads).
    fn names_holding(&self, word: &str) -> usize {
        self.retrieval.names_holding(word)
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
