//! The free-text scan (remittance information): listed names hidden in a text's words.
//!
//! One pass over the text's words finds the anchors: listed words (exactly or about one edit
//! away, from retrieval's own tables) and joined adjacent pairs held by few listed names. Only
//! the best-anchored names are tried, each against the windows of the text around its anchors
//! (as long as the name, and one word longer). Cheap bounds rule out hopeless windows: partner
//! masks (which listed tokens a window word may pair with), then a window bound and a masked
//! bound folded by the score's own rules (`rules::bound_score`, `rules::syllables_cap`), so a
//! bound is never below the score. The rest are scored by the engine (`score::score_with`).
//!
//! A window of plain words (Python's `names.window_rewrites` flags) is its words as they are; any
//! other is normalised by the caller (Python's `normalise_name`: ICU and rigour), once per window
//! and only for windows some name is tried against. The tests hold this module to the former
//! Python scan (`tests/oracle/reference_scan.py`): the same hits, scores and windows.
use rustc_hash::FxHashMap;

use crate::common::{is_alpha, is_digits, levenshtein_similarity, single_letters, Config, Kind, Name};
use crate::retrieve::{idf_unknown, Retrieval};
use crate::rules::{bound_score, syllables_cap, NameFacts};
use crate::score::{acronym_spans, pair_similarity, score_with, Across, Scratch};

/// Float comparisons of the over-approximations are made this much more generous (numeric
/// hygiene of the bounds, not a matching parameter).
const FLOAT_SLACK: f64 = 1e-9;

/// A listed name a text anchors: its position and the text positions of its anchors, sorted,
/// distinct, at most `max_scan_anchors`.
pub struct Anchored {
    pub pos: usize,
    pub anchors: Vec<usize>,
}

/// The listed names `words` anchors, best first (most distinct anchoring words, then the rarest
/// evidence, then the lightest name), at most `max_scan_candidates`, a name with a single
/// distinctive token only when it holds one of the words exactly and that word is at least
/// `scan_min_single_token_length` long. `weights` are the words' token weights.
pub fn anchored(
    cfg: &Config,
    retrieval: &Retrieval,
    names: &[Name],
    words: &[String],
    weights: &[f64],
) -> Vec<Anchored> {
    // position -> (summed rarity), names in insertion order; their text positions as
    // (name's index in `held`, text position) pairs, all names' in one list
    let mut slot: FxHashMap<u32, usize> = FxHashMap::default();
    let mut held: Vec<(u32, f64)> = Vec::new();
    let mut anchoring: Vec<(usize, usize)> = Vec::new();
    let mut add = |pos: u32, ats: &[usize], evidence: f64| {
        let i = *slot.entry(pos).or_insert_with(|| {
            held.push((pos, 0.0));
            held.len() - 1
        });
        anchoring.extend(ats.iter().map(|&at| (i, at)));
        held[i].1 += evidence;
    };
    for (at, word) in words.iter().enumerate() {
        if word.len() < cfg.scan_min_anchor_length || is_digits(word) || weights[at] <= cfg.generic_weight {
            continue;
        }
        let fuzzy = word.len() >= cfg.scan_min_fuzzy_anchor_length;
        for &(id, sim) in retrieval.scan_variants(cfg, word, fuzzy).iter() {
            let plist = retrieval.postings_of(id);
            if plist.len() > cfg.scan_max_postings || (sim < 1.0 && !fuzzy) {
                continue; // a common word (`ocean`, `star`) anchors nothing in free text
            }
            let evidence = retrieval.idf_of(id) * sim;
            for &pos in plist {
                add(pos, &[at], evidence);
            }
        }
    }
    // Two adjacent words that stand side by side in few listed names anchor those names even
    // when each word alone is common (`Chang An Shipping`); one may be a number (`EK-30064`).
    let mut key = String::new();
    for at in 0..words.len().saturating_sub(1) {
        if weights[at].max(weights[at + 1]) <= cfg.generic_weight {
            continue;
        }
        key.clear();
        key.push_str(&words[at]);
        key.push_str(&words[at + 1]);
        let Some(plist) = retrieval.joined_postings_of(&key) else {
            continue;
        };
        if plist.len() > cfg.scan_max_postings {
            continue;
        }
        let evidence = idf_unknown(names.len());
        for &pos in plist {
            add(pos, &[at, at + 1], evidence);
        }
    }
    // each name's distinct anchoring words, ascending: `anchoring[ranges[i]]`
    anchoring.sort_unstable();
    anchoring.dedup();
    let mut ranges = vec![0..0; held.len()];
    let mut start = 0;
    for end in 1..=anchoring.len() {
        if end == anchoring.len() || anchoring[end].0 != anchoring[start].0 {
            ranges[anchoring[start].0] = start..end;
            start = end;
        }
    }
    // (distinct anchoring words, rarity, -weight), highest first, ties in insertion order
    let mut ranked: Vec<(usize, f64, f64, usize)> = held
        .iter()
        .enumerate()
        .map(|(i, (pos, rarity))| (ranges[i].len(), *rarity, -names[*pos as usize].total_weight, i))
        .collect();
    ranked.sort_by(|x, y| {
        (y.0, y.1, y.2)
            .partial_cmp(&(x.0, x.1, x.2))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    ranked.truncate(cfg.max_scan_candidates);
    let mut out = Vec::with_capacity(ranked.len());
    for (_, _, _, i) in ranked {
        let pos = held[i].0 as usize;
        let ats = anchoring[ranges[i].clone()].iter().map(|&(_, at)| at);
        let listed = &names[pos];
        if listed.distinctive_weight <= cfg.single_token_max_weight {
            // a single distinctive token: that exact word, long enough
            let longest = ats
                .clone()
                .filter(|&a| listed.tokens.contains(&words[a]))
                .map(|a| words[a].len())
                .max();
            if longest.is_none_or(|n| n < cfg.scan_min_single_token_length) {
                continue;
            }
        }
        let anchors = ats.take(cfg.max_scan_anchors).collect();
        out.push(Anchored { pos, anchors });
    }
    out
}

/// The window lengths tried for a listed name of `size` tokens, in the order the former Python
/// scan tried them (the iteration order of the set `{size, min(size + 1, max_scan_tokens)}`:
/// by hash slot in a table of eight, the second value probing on from the first on a collision).
pub fn window_lengths(size: usize, max_tokens: usize) -> Vec<usize> {
    let (a, b) = (size, (size + 1).min(max_tokens));
    if a == b {
        return vec![a];
    }
    let slot_a = a & 7;
    let mut slot_b = b & 7;
    if slot_b == slot_a {
        slot_b = (slot_a * 5 + 1 + (b >> 5)) & 7;
    }
    if slot_b < slot_a {
        vec![b, a]
    } else {
        vec![a, b]
    }
}

/// The spans `(start, length)` of the windows around `anchors` for a name of `size` tokens, in
/// window order, each once.
pub fn window_spans(cfg: &Config, words_len: usize, anchors: &[usize], size: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let lengths = window_lengths(size, cfg.max_scan_tokens);
    for &at in anchors {
        // Never shorter than the name: a shorter window drops the word that would conflict
        // (`kim jong | un` is not `KIM, Jung Jong`).
        for &length in &lengths {
            if length > words_len {
                continue;
            }
            let first = (at + 1).saturating_sub(length);
            let last = at.min(words_len - length);
            for start in first..=last {
                if !out.contains(&(start, length)) {
                    out.push((start, length));
                }
            }
        }
    }
    out
}

/// A length above which every number (digits only) is inert against `listed`: its partner mask
/// is empty. Infinite when `listed` has digits or was transliterated.
fn inert_number_length(cfg: &Config, listed: &Name) -> f64 {
    if listed.transliterated || !(is_alpha(&listed.joined) && is_alpha(&listed.unstripped)) {
        return f64::INFINITY;
    }
    let longest = listed.tokens.iter().map(String::len).max().unwrap_or(0);
    (1.0 - cfg.joined_min_similarity) * (longest + cfg.joined_max_extra_letters) as f64 + FLOAT_SLACK
}

/// The edits a joined pair allows against `listed` (a word of that many letters or more).
fn joined_budget(cfg: &Config, listed: &str) -> f64 {
    (1.0 - cfg.joined_min_similarity) * (listed.len() + cfg.joined_max_extra_letters) as f64 + FLOAT_SLACK
}

/// Letters of `word` that `listed` lacks (each costs an edit against any part of `listed`).
fn missing_letters(word: &str, listed: &str) -> usize {
    // (the ASCII letters `listed` holds as bits: one pass over each word)
    let bit = |c: u8| 1u128 << (c & 127);
    let held = listed.bytes().fold(0u128, |held, c| held | bit(c));
    word.bytes()
        .filter(|&c| {
            if c.is_ascii() {
                held & bit(c) == 0
            } else {
                !listed.as_bytes().contains(&c)
            }
        })
        .count()
}

/// False only when no word w makes `word + w` or `w + word` a joined pair with `listed`: such a
/// pair is at most `joined_budget` edits from `listed`, and aligning `word` with a prefix (or a
/// suffix) of `listed` is part of those edits.
fn may_join_into(cfg: &Config, word: &str, listed: &str) -> bool {
    if listed.len() + 1 < word.len() {
        return false;
    }
    let budget = joined_budget(cfg, listed);
    if missing_letters(word, listed) as f64 > budget {
        return false;
    }
    let (w, l) = (word.as_bytes(), listed.as_bytes());
    closest_prefix(w.iter(), l.iter()) as f64 <= budget
        || closest_prefix(w.iter().rev(), l.iter().rev()) as f64 <= budget
}

/// The least Levenshtein distance between `word` and any prefix of `listed` (the last row of
/// the edit-distance table of `word` against `listed`).
fn closest_prefix<'a>(
    word: impl Iterator<Item = &'a u8>,
    listed: impl Iterator<Item = &'a u8> + Clone,
) -> usize {
    // row[k]: distance of the word's letters so far to listed[..k] (on the stack for the
    // words of names; a longer one on the heap)
    let columns = listed.clone().count() + 1;
    let mut stack = [0usize; 48];
    let mut heap = Vec::new();
    let row: &mut [usize] = if columns <= stack.len() {
        &mut stack[..columns]
    } else {
        heap.resize(columns, 0);
        &mut heap
    };
    for (k, cell) in row.iter_mut().enumerate() {
        *cell = k;
    }
    for (i, &a) in word.enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (k, &b) in listed.clone().enumerate() {
            let substitution = diagonal + usize::from(a != b);
            diagonal = row[k + 1];
            row[k + 1] = substitution.min(row[k] + 1).min(diagonal + 1);
        }
    }
    row.iter().copied().min().unwrap_or(0)
}

/// A text word with the forms the pair rules read.
struct Word<'w> {
    text: &'w String,
    collapsed: &'w str,
    skeleton: &'w str,
}

/// Bits j set for every token j of `listed` that `word` may be aligned with when it is a token
/// of any window compared with `listed` (as a word, half of a joined pair, or an acronym of
/// words of `listed`); all bits when `listed` was transliterated. Bits may be set needlessly.
fn partner_mask(
    cfg: &Config,
    word: &Word<'_>,
    listed: &Listed<'_>,
    person: bool,
    memo: &mut PairMemo,
) -> u64 {
    let (collapsed, skeleton, text) = (word.collapsed, word.skeleton, word.text);
    let (name, ids) = (listed.name, &listed.form.ids);
    let tb = &name.tokens;
    let all = if tb.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << tb.len()) - 1
    };
    if name.transliterated {
        return all; // romanisation variants: any pair may be a skeleton match
    }
    let number = is_digits(text);
    if number && text.len() as f64 > listed.form.inert {
        return 0; // the common case in free text: an invoice number against a name of letters
    }
    let bit = |j: usize| if j < 64 { 1u64 << j } else { 0 };
    let mut mask = 0u64;
    for (j, y) in tb.iter().enumerate() {
        // (the same words meet again in other names of the same text: memoised by listed word)
        let pairs = *memo.entry((ids[j], NO_TOKEN, person)).or_insert_with(|| {
            text == y
                || (!(number || is_digits(y))
                    && pair_similarity(
                        cfg,
                        text,
                        y,
                        collapsed,
                        &name.collapsed[j],
                        skeleton,
                        &name.skeletons[j],
                        person,
                        Across::SameScript,
                    )
                    .0 > 0.0
                    || cfg.syllable_variants.same(text, y))
                || ((!number || missing_letters(text, y) as f64 <= joined_budget(cfg, y))
                    && may_join_into(cfg, text, y))
        });
        if pairs {
            mask |= bit(j);
        }
    }
    let mut joined = String::new();
    for j in 0..tb.len().saturating_sub(1) {
        let pairs = *memo.entry((ids[j], ids[j + 1], false)).or_insert_with(|| {
            // `text` may be two adjacent words of the name written as one
            joined.clear();
            joined.push_str(&tb[j]);
            joined.push_str(&tb[j + 1]);
            text.len() + cfg.joined_max_extra_letters >= joined.len()
                && levenshtein_similarity(&joined, text, cfg.joined_min_similarity - FLOAT_SLACK) != 0.0
        });
        if pairs {
            mask |= bit(j) | bit(j + 1);
        }
    }
    // (an acronym spells the initials of two words or more, the first of them its own first)
    if (cfg.min_acronym_length..=cfg.max_acronym_length).contains(&text.len())
        && is_alpha(text)
        && tb.len() >= 2
        && tb.iter().any(|y| y.as_bytes()[0] == text.as_bytes()[0])
    {
        for (_, span) in acronym_spans(cfg, std::slice::from_ref(text), tb) {
            for j in span {
                mask |= bit(j);
            }
        }
    }
    mask & all
}

/// Per text word: whether it may pair with a listed word `(id, NO_TOKEN, person)` or with two
/// adjacent listed words joined `(id, next id, false)`, by retrieval's token ids.
type PairMemo = FxHashMap<(u32, u32, bool), bool>;
const NO_TOKEN: u32 = u32::MAX;

/// What the scan reads of a listed name besides the name: its tokens' ids in retrieval's
/// vocabulary and the length above which a number is inert against it. Derived from the name
/// and the vocabulary alone, so an index keeps each once made (`ScanForms`).
pub struct ScanForm {
    pub ids: Vec<u32>,
    inert: f64,
}

impl ScanForm {
    pub fn new(cfg: &Config, retrieval: &Retrieval, name: &Name) -> ScanForm {
        ScanForm {
            ids: name.tokens.iter().map(|t| retrieval.token_id(t)).collect(),
            inert: inert_number_length(cfg, name),
        }
    }
}

/// The scan forms of an index's listed names by position, each made the first time a text
/// anchors its name (most names are never anchored) and kept for the index's life: an index is
/// immutable, and a list update builds a new one with its own.
pub struct ScanForms(Vec<std::sync::OnceLock<ScanForm>>);

impl ScanForms {
    pub fn new(names: usize) -> ScanForms {
        ScanForms((0..names).map(|_| std::sync::OnceLock::new()).collect())
    }

    /// The scan form of listed name `pos` (`names[pos]`).
    pub fn get(&self, cfg: &Config, retrieval: &Retrieval, names: &[Name], pos: usize) -> &ScanForm {
        self.0[pos].get_or_init(|| ScanForm::new(cfg, retrieval, &names[pos]))
    }
}

/// A listed name as the scan reads it: the name and its scan form.
pub struct Listed<'n> {
    pub name: &'n Name,
    pub form: &'n ScanForm,
}

/// What one text word's partner masks read, computed once per text (the same word meets every
/// name the text anchors): its pair-rule forms and its pair memo.
struct WordMemo {
    collapsed: String,
    skeleton: String,
    pairs: PairMemo,
}

/// The word memos of one text, by text word.
#[derive(Default)]
pub struct Memo {
    by_word: FxHashMap<String, WordMemo>,
}

/// The two names are equal once spaces are removed (the score is `joined_similarity`).
fn joined_equal(qa: &Name, qb: &Name) -> bool {
    qa.tokens != qb.tokens && (qa.joined == qb.joined || qa.unstripped == qb.unstripped)
}

/// (coverage, a distinctive token left unpaired) of `name` when only the tokens whose bit is
/// set in `covered` may pair.
fn coverage(cfg: &Config, weights: &[f64], total: f64, covered: impl Fn(usize) -> bool) -> (f64, bool) {
    let mut got = 0.0;
    let mut lone = false;
    for (j, &w) in weights.iter().enumerate() {
        if covered(j) {
            got += w;
        } else if w > cfg.generic_weight {
            lone = true;
        }
    }
    ((got / total).min(1.0), lone)
}

fn facts(qa: &Name, qb: &Name) -> NameFacts {
    NameFacts::of(qa, qb)
}

/// A value never below the score of window `qa` against `qb` (before its rounding) when
/// `masks[i]` is the partner mask of `qa.tokens[i]`: tokens that may pair credited in full, the
/// rules of the names alone exactly, the conflict rule when it surely holds.
pub fn masked_score_bound(cfg: &Config, qa: &Name, masks: &[u64], qb: &Name) -> f64 {
    if qa.tokens.is_empty() || qb.tokens.is_empty() {
        return 0.0;
    }
    if joined_equal(qa, qb) {
        return 1.0;
    }
    let mut masks = masks.to_vec();
    if qb
        .tokens
        .iter()
        .any(|y| cfg.min_acronym_length <= y.len() && y.len() <= cfg.max_acronym_length.min(qa.tokens.len()))
    {
        // a listed word spelling the initials of a run of window words
        for (j, span) in acronym_spans(cfg, &qb.tokens, &qa.tokens) {
            for i in span {
                if j < 64 {
                    masks[i] |= 1 << j;
                }
            }
        }
    }
    let covered = masks.iter().fold(0u64, |c, m| c | m);
    let (cov_a, lone_a) = coverage(cfg, &qa.weights, qa.total_weight, |i| masks[i] != 0);
    let (cov_b, lone_b) = coverage(cfg, &qb.weights, qb.total_weight, |j| {
        j < 64 && covered >> j & 1 == 1
    });
    let score = bound_score(
        cfg,
        (qa.total_weight, qb.total_weight),
        (cov_a, cov_b),
        lone_a && lone_b,
        &facts(qa, qb),
    );
    let cap = syllables_cap(cfg, &qa.syllables, &qb.syllables);
    score.min(cap.unwrap_or(1.0))
}

/// A value never below `masked_score_bound` when `listed` is `(coverage, lone)` of `qb` over the
/// union of every window's masks: the listed side is bounded once per text, each window costs
/// one pass over its words.
fn window_score_bound(cfg: &Config, qa: &Name, masks: &[u64], qb: &Name, listed: (f64, bool)) -> f64 {
    if qa.tokens.is_empty() || qb.tokens.is_empty() {
        return 0.0;
    }
    if joined_equal(qa, qb) {
        return 1.0;
    }
    let spells = qb.tokens.iter().any(|y| {
        cfg.min_acronym_length <= y.len()
            && y.len() <= cfg.max_acronym_length
            && is_alpha(y)
            && y.len() <= qa.tokens.len()
            && y.bytes().all(|c| qa.tokens.iter().any(|t| t.as_bytes()[0] == c))
    });
    if spells {
        return masked_score_bound(cfg, qa, masks, qb); // the rare case: the exact bound itself
    }
    let (cov_a, lone_a) = coverage(cfg, &qa.weights, qa.total_weight, |i| masks[i] != 0);
    let (cov_b, lone_b) = listed;
    bound_score(
        cfg,
        (qa.total_weight, qb.total_weight),
        (cov_a, cov_b),
        lone_a && lone_b,
        &facts(qa, qb),
    )
}

/// Python's `round(x, decimals)`: the nearest multiple of 10^-decimals to the exact value of
/// `x`, ties to even (the engine's scores are compared rounded).
pub fn round_decimals(x: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    let lower = (x * scale).floor();
    // the exact value of 2 * scale * x against the midpoint 2 * lower + 1 (an error-free product)
    let twice = 2.0 * scale;
    let product = x * twice;
    let error = x.mul_add(twice, -product);
    let midpoint = 2.0 * lower + 1.0;
    let above = match product.partial_cmp(&midpoint) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Less) => false,
        _ => error > 0.0 || (error == 0.0 && lower % 2.0 != 0.0),
    };
    (if above { lower + 1.0 } else { lower }) / scale
}

/// `window_rewrites` flag: the word may be rewritten or dropped in any window holding it ...
pub const REWRITTEN: u8 = 1;
/// ... or dropped when it is the window's first word.
pub const DROPPED_FIRST: u8 = 2;

/// The words of one text and its windows, each prepared once when first needed: a window of
/// plain words (no `REWRITTEN` word, not starting with a `DROPPED_FIRST` one) is its words as
/// they are (Python's `window_rewrites` guarantees `normalise_name` would keep them); any other
/// is normalised by `prepare(start, length)`.
pub struct Windows<'a, P: FnMut(usize, usize) -> Option<Name>> {
    words: &'a [String],
    weights: &'a [f64],
    flags: &'a [u8],
    prepare: P,
    prepared: FxHashMap<(usize, usize), Option<Name>>,
    /// Each word's skeleton and collapsed form, derived for the first plain window.
    forms: Option<(Vec<String>, Vec<String>)>,
}

impl<'a, P: FnMut(usize, usize) -> Option<Name>> Windows<'a, P> {
    pub fn new(words: &'a [String], weights: &'a [f64], flags: &'a [u8], prepare: P) -> Self {
        Windows {
            words,
            weights,
            flags,
            prepare,
            prepared: FxHashMap::default(),
            forms: None,
        }
    }

    fn ensure(&mut self, cfg: &Config, span: (usize, usize)) {
        if self.prepared.contains_key(&span) {
            return;
        }
        let (start, length) = span;
        let range = start..start + length;
        let plain = self.flags[start] & DROPPED_FIRST == 0
            && self.flags[range.clone()].iter().all(|f| f & REWRITTEN == 0);
        let name = if plain {
            let words = self.words;
            let (skeletons, collapsed) = self.forms.get_or_insert_with(|| {
                (
                    words.iter().map(|w| cfg.skeleton_map.skeleton(w)).collect(),
                    words.iter().map(|w| single_letters(w)).collect(),
                )
            });
            Some(Name::of_words(
                cfg,
                &words[range.clone()],
                &self.weights[range.clone()],
                &skeletons[range.clone()],
                &collapsed[range],
            ))
        } else {
            (self.prepare)(start, length).filter(|n| !n.tokens.is_empty())
        };
        self.prepared.insert(span, name);
    }
}

/// The best window of a text for listed name `pos`: `(start, length, rounded score)` of the
/// first window (in window order) of the best score, when it reaches `threshold`.
#[allow(clippy::too_many_arguments)]
pub fn best_window<P: FnMut(usize, usize) -> Option<Name>>(
    cfg: &Config,
    words_len: usize,
    anchors: &[usize],
    listed_name: &Listed<'_>,
    kind: Kind,
    threshold: f64,
    windows: &mut Windows<'_, P>,
    memo: &mut Memo,
    scratch: &mut Scratch,
) -> Option<(usize, usize, f64)> {
    let listed = listed_name.name;
    let person = kind == Kind::Person;
    let spans: Vec<(usize, usize)> = window_spans(cfg, words_len, anchors, listed.tokens.len())
        .into_iter()
        .filter(|&span| {
            windows.ensure(cfg, span);
            windows.prepared[&span].is_some()
        })
        .collect();
    // Partner masks once per distinct word of any window; the listed side's coverage is bounded
    // once for all windows (by every word any window holds).
    let mut masks_of: FxHashMap<&str, u64> =
        FxHashMap::with_capacity_and_hasher(listed.tokens.len() * 2 + 8, Default::default());
    let mut window_masks: Vec<Vec<u64>> = Vec::with_capacity(spans.len());
    for span in &spans {
        let window = windows.prepared[span]
            .as_ref()
            .expect("kept windows are prepared");
        let masks = window
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                *masks_of.entry(t.as_str()).or_insert_with(|| {
                    let known = match memo.by_word.get_mut(t.as_str()) {
                        Some(known) => known,
                        // (the window's name holds the word's forms)
                        None => memo.by_word.entry(t.clone()).or_insert_with(|| WordMemo {
                            collapsed: window.collapsed[i].clone(),
                            skeleton: window.skeletons[i].clone(),
                            // (room for the tokens of a few names: most texts anchor several)
                            pairs: PairMemo::with_capacity_and_hasher(32, Default::default()),
                        }),
                    };
                    let WordMemo {
                        collapsed,
                        skeleton,
                        pairs,
                    } = known;
                    let word = Word {
                        text: t,
                        collapsed,
                        skeleton,
                    };
                    partner_mask(cfg, &word, listed_name, person, pairs)
                })
            })
            .collect();
        window_masks.push(masks);
    }
    let covered = masks_of.values().fold(0u64, |c, m| c | m);
    let listed_coverage = coverage(cfg, &listed.weights, listed.total_weight, |j| {
        j < 64 && covered >> j & 1 == 1
    });
    let rounding = cfg.score_rounding;
    let mut hopeful: Vec<(f64, usize)> = Vec::new();
    for (order, span) in spans.iter().enumerate() {
        let window = windows.prepared[span]
            .as_ref()
            .expect("kept windows are prepared");
        let quick = window_score_bound(cfg, window, &window_masks[order], listed, listed_coverage);
        if quick + rounding >= threshold {
            hopeful.push((quick, order));
        }
    }
    // Most promising windows first (a stable sort), so the best score so far rules out the rest.
    hopeful.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut best_score = -1.0;
    let mut best_order = spans.len();
    for (quick, order) in hopeful {
        if quick + rounding < best_score {
            break; // no window left can reach the best score
        }
        if quick + rounding <= best_score && order > best_order {
            continue; // at best a tie with an earlier window, which wins ties
        }
        let window = windows.prepared[&spans[order]]
            .as_ref()
            .expect("kept windows are prepared");
        let reach = masked_score_bound(cfg, window, &window_masks[order], listed);
        if reach + rounding < threshold || reach + rounding < best_score {
            continue;
        }
        if reach + rounding <= best_score && order > best_order {
            continue;
        }
        let raw = score_with(cfg, window, listed, kind, scratch);
        let score = round_decimals(raw, cfg.score_decimals).clamp(0.0, 1.0);
        if score > best_score || (score == best_score && order < best_order) {
            best_score = score;
            best_order = order;
        }
    }
    if best_order == spans.len() || best_score < threshold {
        return None;
    }
    let (start, length) = spans[best_order];
    Some((start, length, best_score))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_lengths_follow_the_python_set_order() {
        assert_eq!(window_lengths(3, 8), [3, 4]);
        assert_eq!(window_lengths(7, 8), [8, 7]);
        assert_eq!(window_lengths(8, 8), [8]);
        assert_eq!(window_lengths(9, 8), [8, 9]);
        assert_eq!(window_lengths(16, 8), [16, 8]);
    }

    #[test]
    fn rounding_is_pythons() {
        assert_eq!(round_decimals(0.71875, 4), 0.7188); // an exact tie: to even
        assert_eq!(round_decimals(0.03125, 4), 0.0312);
        assert_eq!(round_decimals(0.70005, 4), 0.7); // 0.70005 is 0.70004999... in binary
        assert_eq!(round_decimals(0.123456, 4), 0.1235);
        assert_eq!(round_decimals(1.0, 4), 1.0);
        assert_eq!(round_decimals(0.0, 4), 0.0);
    }

    #[test]
    fn closest_prefix_is_the_least_distance_to_any_prefix() {
        use crate::common::levenshtein_bytes;
        let words = [
            "", "a", "ab", "kim", "jong", "petrov", "shipping", "zzz", "abcabc",
        ];
        for w in words {
            for l in words {
                let (w, l) = (w.as_bytes(), l.as_bytes());
                let want = (0..=l.len())
                    .map(|k| levenshtein_bytes(w, &l[..k]))
                    .min()
                    .unwrap();
                assert_eq!(closest_prefix(w.iter(), l.iter()), want, "{w:?} {l:?}");
                let want = (0..=l.len())
                    .map(|k| levenshtein_bytes(w, &l[k..]))
                    .min()
                    .unwrap();
                assert_eq!(
                    closest_prefix(w.iter().rev(), l.iter().rev()),
                    want,
                    "{w:?} {l:?}"
                );
            }
        }
    }

    #[test]
    fn missing_letters_counts_each_letter_the_listed_word_lacks() {
        let words = [
            "", "a", "kim", "jong", "mohammad", "invoice", "10", "zz9", "abcabc", "é",
        ];
        for w in words {
            for l in words {
                let want = w.bytes().filter(|c| !l.as_bytes().contains(c)).count();
                assert_eq!(missing_letters(w, l), want, "{w:?} {l:?}");
            }
        }
    }

    #[test]
    fn spans_cover_each_window_once() {
        let cfg = Config::for_tests();
        assert_eq!(
            window_spans(&cfg, 5, &[2], 2),
            [(1, 2), (2, 2), (0, 3), (1, 3), (2, 3)]
        );
        assert_eq!(window_spans(&cfg, 2, &[0, 1], 2), [(0, 2)]);
        assert!(window_spans(&cfg, 1, &[0], 2).is_empty());
    }
}
