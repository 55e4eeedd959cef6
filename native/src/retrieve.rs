//! Candidate retrieval: the lookup tables of the listed names and the candidates of a query
//! (formerly `ListIndex._candidates` in Python, which the tests keep as an oracle: every order,
//! dict insertion, stable sorts, `heapq.nlargest`, and every float operation is the same, so
//! both return the same positions in the same order). The candidate bound applies the score's
//! own rules of the names alone (`rules::name_factors`).
//!
//! Tables are compact: tokens are interned as `u32` ids assigned in sorted string order (so
//! sorting ids sorts strings, as `sorted(found)` does), postings and joined pairs are flat
//! arrays with offsets, and the SymSpell deletes are one sorted array of `(hash, token, index)`
//! (the delete key is the token without the letter at `index`, checked on look-up) behind a
//! radix directory on the hash's top bits.
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::common::{is_digits, levenshtein_similarity, osa_similarity, Config, Name};
use crate::rules::{name_factors, NameFacts};
use crate::score::combined_coverage;

mod update;

/// `index._Bound`: what the optimistic bound of a comparison needs to know about one name
/// (its number tokens are read from the `Name` itself).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    pub total: f64,
    pub generic_w: f64,
    pub distinctive_w: f64,
    pub generic_n: u32,
    pub initials_n: u32,
    pub distinct_n: u32,
}

impl Bound {
    /// `_Bound.of(name)`.
    pub fn of(cfg: &Config, name: &Name) -> Bound {
        let mut generic_w = 0.0;
        let mut generic_n = 0usize;
        let mut initials_n = 0usize;
        for (t, &w) in name.tokens.iter().zip(&name.weights) {
            if w <= cfg.generic_weight {
                generic_w += w;
                generic_n += 1;
            } else if t.len() == 1 {
                initials_n += 1;
            }
        }
        Bound {
            total: name.total_weight,
            generic_w,
            distinctive_w: name.distinctive_weight,
            generic_n: generic_n as u32,
            initials_n: initials_n as u32,
            distinct_n: (name.tokens.len() - generic_n - initials_n) as u32,
        }
    }

    /// `_Bound.could_reach` (self = the query); `same_numbers` is `self.numbers ==
    /// listed.numbers`.
    #[allow(clippy::too_many_arguments)]
    pub fn could_reach(
        &self,
        cfg: &Config,
        listed: &Bound,
        same_numbers: bool,
        hit_sim: f64,
        hit_n: usize,
        keys_n: usize,
        hidden: &[f64],
        hidden_max: usize,
        threshold: f64,
    ) -> bool {
        let sub = |a: usize, b: usize| a.saturating_sub(b); // max(0, a - b)
        let (q_generic_n, q_initials_n) = (self.generic_n as usize, self.initials_n as usize);
        let (l_generic_n, l_initials_n) = (listed.generic_n as usize, listed.initials_n as usize);
        let generic_pairs = q_generic_n.min(l_generic_n) as f64 * cfg.generic_weight;
        let left_l = sub(listed.distinct_n as usize, hit_n);
        let left_q = sub(keys_n, hit_n);
        let q_init = q_initials_n.min(left_l + l_initials_n);
        let l_init = l_initials_n.min(left_q + q_initials_n);
        let left_l = sub(left_l, q_init);
        let left_q = sub(left_q, l_init);
        let typo_pairs = hidden_max.min(left_q).min(left_l + sub(l_generic_n, q_generic_n));
        let mut typo_sim = 0.0;
        for &h in &hidden[..typo_pairs.min(hidden.len())] {
            typo_sim += h;
        }
        let q_extra = py_min(self.generic_w, generic_pairs) + q_init as f64 + l_init as f64 + typo_sim;
        let l_extra = py_min(listed.generic_w, generic_pairs) + l_init as f64 + q_init as f64 + typo_sim;
        let cov_q = py_min(1.0, (hit_sim + q_extra) / self.total);
        let cov_l = py_min(1.0, (hit_sim + l_extra) / listed.total);
        let mut bound = combined_coverage(cfg, self.total, listed.total, cov_q, cov_l);
        if left_q > typo_pairs && left_l > typo_pairs {
            bound *= cfg.conflict_factor; // those words stay unpaired whatever the alignment
        }
        let names = NameFacts {
            distinctive_a: self.distinctive_w,
            distinctive_b: listed.distinctive_w,
            numbers_equal: same_numbers,
        };
        let bound = name_factors(cfg, &names, bound);
        bound >= threshold - cfg.score_rounding
    }
}

/// Python's `min(a, b)`: the first of equal values.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Python's `max(a, b)`: the first of equal values.
fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// `index._hidden_typo_similarity`.
pub fn hidden_typo_similarity(cfg: &Config, length: usize) -> f64 {
    if length < cfg.min_fuzzy_length + 2 {
        return 1.0 - 1.0 / (length as f64 + 1.0);
    }
    if length < cfg.hidden_typo_min_length {
        return 0.0;
    }
    1.0 - 2.0 / (length as f64 + 2.0)
}

/// `index.idf_unknown`.
pub fn idf_unknown(size: usize) -> f64 {
    ((1 + size.max(1)) as f64).ln()
}

/// A 64-bit hash of a byte string (FNV-1a with a splitmix finaliser, so the top bits are good
/// for the radix directory).
fn hash_bytes(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A 64-bit hash of a short byte string, eight bytes at a time (with a splitmix finaliser, so
/// both the top bits, for the radix directory and the tables, and the low bits are good).
#[inline]
fn str_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A string -> `u32` map for strings held elsewhere (the value leads to its key): open
/// addressing over `(hash tag, value + 1)` slots, so a look-up reads one key only when its
/// 32-bit tag matched.
struct StrTable {
    shift: u32,
    slots: Vec<(u32, u32)>,
}

impl StrTable {
    /// A table of `keys[v]` -> `v` for every index `v` (keys distinct).
    fn build<K: AsRef<str>>(keys: &[K]) -> StrTable {
        let bits = (usize::BITS - (keys.len() * 2).max(2).leading_zeros()).clamp(1, 32);
        let mut slots = vec![(0u32, 0u32); 1usize << bits];
        let shift = 64 - bits;
        let mask = slots.len() - 1;
        for (v, key) in keys.iter().enumerate() {
            let h = str_hash(key.as_ref().as_bytes());
            let mut at = (h >> shift) as usize;
            while slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (h as u32, v as u32 + 1);
        }
        StrTable { shift, slots }
    }

    /// The value of `key`, whose keys `key_of` gives.
    #[inline]
    fn get<'k>(&self, key: &[u8], key_of: impl Fn(u32) -> &'k str) -> Option<u32> {
        let h = str_hash(key);
        let tag = h as u32;
        let mask = self.slots.len() - 1;
        let mut at = (h >> self.shift) as usize;
        loop {
            let (t, v) = self.slots[at];
            if v == 0 {
                return None;
            }
            if t == tag && key_of(v - 1).as_bytes() == key {
                return Some(v - 1);
            }
            at = (at + 1) & mask;
        }
    }
}

/// `ListIndex._deletes`: delete key -> the listed tokens (>= MIN_FUZZY_LENGTH letters, not
/// digits) that give it when one letter is removed.
struct DeleteIndex {
    shift: u32,
    dir: Vec<u32>,                 // radix directory: first entry whose hash >> shift is >= b
    entries: Vec<(u64, u32, u32)>, // (hash of the key, token id, index of the removed letter)
}

impl DeleteIndex {
    fn build(tokens: &[Box<str>], min_fuzzy: usize) -> DeleteIndex {
        let mut entries: Vec<(u64, u32, u32)> = Vec::new();
        for (id, token) in tokens.iter().enumerate() {
            Self::push_keys(&mut entries, id as u32, token, min_fuzzy);
        }
        entries.sort_unstable();
        Self::from_sorted(entries)
    }

    /// Push the entries of listed token `id` (none when shorter than `min_fuzzy` or digits).
    fn push_keys(entries: &mut Vec<(u64, u32, u32)>, id: u32, token: &str, min_fuzzy: usize) {
        let t = token.as_bytes();
        if t.len() < min_fuzzy || is_digits(token) {
            return;
        }
        let mut key: Vec<u8> = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            if i > 0 && t[i] == t[i - 1] {
                continue; // the same key as removing the letter before (a set in Python)
            }
            key.clear();
            key.extend_from_slice(&t[..i]);
            key.extend_from_slice(&t[i + 1..]);
            entries.push((str_hash(&key), id, i as u32));
        }
    }

    /// The index of `entries`, sorted.
    fn from_sorted(entries: Vec<(u64, u32, u32)>) -> DeleteIndex {
        let bits = (usize::BITS - (entries.len() / 4).max(1).leading_zeros()).clamp(1, 24);
        let shift = 64 - bits;
        let mut dir = vec![0u32; (1usize << bits) + 1];
        let mut at = 0usize;
        for (b, slot) in dir.iter_mut().enumerate() {
            while at < entries.len() && ((entries[at].0 >> shift) as usize) < b {
                at += 1;
            }
            *slot = at as u32;
        }
        DeleteIndex { shift, dir, entries }
    }

    /// Call `f` with every listed token having `key` as a delete (`deletes.get(key, ())`).
    #[inline]
    fn each(&self, tokens: &[Box<str>], key: &[u8], mut f: impl FnMut(u32)) {
        let h = str_hash(key);
        let b = (h >> self.shift) as usize;
        let (lo, hi) = (self.dir[b] as usize, self.dir[b + 1] as usize);
        for &(eh, id, i) in &self.entries[lo..hi] {
            if eh != h {
                continue;
            }
            let t = tokens[id as usize].as_bytes();
            let i = i as usize;
            if t.len() == key.len() + 1 && t[..i] == key[..i] && t[i + 1..] == key[i..] {
                f(id);
            }
        }
    }
}

/// Flat lists of positions: list `i` is `data[offsets[i]..offsets[i + 1]]`.
struct Lists {
    offsets: Vec<u32>,
    data: Vec<u32>,
}

impl Lists {
    #[inline]
    fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// `(postings, similarity, rarity)` of one listed word (or joined pair) a query word may be.
#[derive(Clone, Copy)]
struct Hit<'a> {
    plist: &'a [u32],
    sim: f64,
    weight: f64,
}

/// `index._Word`.
struct Word<'a> {
    size: usize,
    lists: Vec<Hit<'a>>,
    evidence: Vec<Hit<'a>>,
}

/// The lookup tables of `ListIndex.__init__` that `_candidates` reads.
pub struct Retrieval {
    tokens: Vec<Box<str>>, // listed tokens by id, sorted
    vocab: StrTable,       // token -> id (the keys of `_postings`)
    postings: Lists,       // by token id
    idf: Vec<f64>,         // by token id
    joined: StrTable,      // joined pair -> list in `joined_lists` (and `joined_keys`)
    joined_keys: Vec<Box<str>>,
    joined_lists: Lists,
    deletes: DeleteIndex,
    skeletons: FxHashMap<Box<str>, Vec<u32>>, // skeleton -> token ids, sorted
    neighbours: Lists,                        // by token id: `_typo_neighbours` (token ids, sorted)
    neighbour_sims: Vec<f64>,                 // their similarities, parallel to `neighbours.data`
    token_joined: Vec<u32>,                   // by token id: `make_word`'s joined pair (NONE: none)
    listed: Vec<Listed>,                      // by position
    tie: Vec<f64>,                            // by position: `TIE_BREAK * bound.total`
    by_joined: FxHashMap<Box<str>, Vec<u32>>, // `_by_joined`: joined tokens -> positions, ascending
    by_unstripped: FxHashMap<Box<str>, Vec<u32>>, // `_by_unstripped`: every letter -> positions
    variant_memo: VariantMemo,                // query side: `variants` per word looked up
}

/// The variants of the words looked up so far (`Retrieval::variants`, a pure function of the
/// word and the tables): query words repeat across names (given names, surnames, company
/// words) far more than names do, and an unlisted word's typo neighbourhood costs a pass over
/// its deletes. Per strictness (plain, lenient); emptied when full rather than managed as an
/// LRU. Shared by the threads that look up at once (the GIL is released), hence the lock.
/// Its answers hold for the tables it was made with: any code that changes the tables of a
/// `Retrieval` in place must start it afresh (`VariantMemo::default()`).
#[derive(Default)]
struct VariantMemo {
    by_word: Mutex<RememberedVariants>,
}

#[derive(Default)]
struct RememberedVariants {
    by_strictness: [FxHashMap<Box<str>, Variants>; 2],
    /// Words and variants held, over both strictnesses (what bounds the memo's memory).
    held: usize,
}

/// Listed tokens a word may stand for, with their similarities (`Retrieval::variants`).
pub(crate) type Variants = Arc<[(u32, f64)]>;

/// Words plus variants one index remembers: at most about 20 MB (a word of up to 64 letters,
/// a variant of 16 bytes), whatever the queries.
const VARIANT_MEMO_ITEMS: usize = 1 << 20;

const ACC: usize = 0;
const LOCAL: usize = 1;

/// What the ranking reads of one listed name, in one cache line: its bound (the tie-break is
/// `TIE_BREAK * bound.total`, computed as Python does) and hashes of its joined tokens, unstripped
/// text and numbers (equal hashes are confirmed on the strings).
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
struct Listed {
    bound: Bound,
    joined: u64,
    unstripped: u64,
    numbers: u64,
}

impl Listed {
    fn of(cfg: &Config, name: &Name) -> Listed {
        Listed {
            bound: Bound::of(cfg, name),
            joined: hash_bytes(&[name.joined.as_bytes()]),
            unstripped: hash_bytes(&[name.unstripped.as_bytes()]),
            numbers: numbers_hash(&name.numbers),
        }
    }
}

fn numbers_hash(numbers: &[String]) -> u64 {
    let mut parts: Vec<&[u8]> = Vec::with_capacity(numbers.len() * 2);
    for n in numbers {
        parts.push(n.as_bytes());
        parts.push(b"/");
    }
    hash_bytes(&parts)
}

const NONE: u32 = u32::MAX;

fn flatten(lists: impl Iterator<Item = Vec<u32>>) -> Lists {
    let mut offsets = vec![0u32];
    let mut data = Vec::new();
    for list in lists {
        data.extend_from_slice(&list);
        offsets.push(data.len() as u32);
    }
    data.shrink_to_fit();
    Lists { offsets, data }
}

/// Every listed word's rarity: `ln(1 + n / names holding it)` over `n` listed names.
fn idf_table(postings: &Lists, tokens: usize, names: usize) -> Vec<f64> {
    let n = names.max(1) as f64;
    (0..tokens as u32)
        .map(|id| (1.0 + n / postings.get(id).len() as f64).ln())
        .collect()
}

fn join_into(buf: &mut String, a: &str, b: &str) {
    buf.clear();
    buf.push_str(a);
    buf.push_str(b);
}

impl Retrieval {
    /// `ListIndex.__init__`'s tables for `names` (positions are indexes into `names`).
    pub fn build(cfg: &Config, names: &[Name]) -> Retrieval {
        // tokens interned in sorted order
        let mut seen: FxHashMap<&str, ()> = FxHashMap::default();
        for name in names {
            for t in &name.tokens {
                seen.insert(t.as_str(), ());
            }
        }
        let mut sorted: Vec<&str> = seen.into_keys().collect();
        sorted.sort_unstable();
        let tokens: Vec<Box<str>> = sorted.iter().map(|&t| Box::from(t)).collect();
        let vocab = StrTable::build(&tokens);
        let id_of = |t: &str| vocab.get(t.as_bytes(), |id| &tokens[id as usize]).unwrap_or(NONE);

        // postings: each name once per distinct token, in position order
        let mut counts = vec![0u32; tokens.len() + 1];
        let mut name_ids: Vec<Vec<u32>> = Vec::with_capacity(names.len());
        for name in names {
            let mut ids: Vec<u32> = name.tokens.iter().map(|t| id_of(t)).collect();
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                counts[id as usize + 1] += 1;
            }
            name_ids.push(ids);
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let offsets = counts.clone();
        let mut fill = counts;
        let mut data = vec![0u32; *offsets.last().unwrap_or(&0) as usize];
        for (pos, ids) in name_ids.iter().enumerate() {
            for &id in ids {
                data[fill[id as usize] as usize] = pos as u32;
                fill[id as usize] += 1;
            }
        }
        drop(name_ids);
        let postings = Lists { offsets, data };

        // joined adjacent pairs, kept only when in at most MAX_JOINED_POSTINGS names
        let mut joined_tmp: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut buf = String::new();
        for (pos, name) in names.iter().enumerate() {
            for pair in name.tokens.windows(2) {
                join_into(&mut buf, &pair[0], &pair[1]);
                let pos = pos as u32;
                match joined_tmp.get_mut(buf.as_str()) {
                    Some(list) => {
                        if list.last() != Some(&pos) && list.len() <= cfg.max_joined_postings {
                            list.push(pos);
                        }
                    }
                    None => {
                        joined_tmp.insert(buf.clone(), vec![pos]);
                    }
                }
            }
        }
        let mut joined_keys: Vec<Box<str>> = Vec::new();
        let mut kept_lists: Vec<Vec<u32>> = Vec::new();
        for (key, list) in joined_tmp {
            if list.len() <= cfg.max_joined_postings {
                joined_keys.push(key.into_boxed_str());
                kept_lists.push(list);
            }
        }
        let joined = StrTable::build(&joined_keys);
        let joined_lists = flatten(kept_lists.into_iter());

        let idf = idf_table(&postings, tokens.len(), names.len());

        let deletes = DeleteIndex::build(&tokens, cfg.min_fuzzy_length);
        let mut skeletons: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        for (id, t) in tokens.iter().enumerate() {
            let skel = cfg.skeleton_map.skeleton(t);
            if skel.len() >= cfg.min_retrieval_skeleton_length {
                skeletons
                    .entry(skel.into_boxed_str())
                    .or_default()
                    .push(id as u32);
            }
        }
        for list in skeletons.values_mut() {
            list.shrink_to_fit();
        }

        let mut retrieval = Retrieval {
            tokens,
            vocab,
            postings,
            idf,
            joined,
            joined_keys,
            joined_lists,
            deletes,
            skeletons,
            neighbours: Lists {
                offsets: vec![0],
                data: Vec::new(),
            },
            neighbour_sims: Vec::new(),
            token_joined: Vec::new(),
            listed: names.iter().map(|name| Listed::of(cfg, name)).collect(),
            tie: Vec::new(),
            by_joined: FxHashMap::default(),
            by_unstripped: FxHashMap::default(),
            variant_memo: VariantMemo::default(),
        };
        for (pos, name) in names.iter().enumerate() {
            let pos = pos as u32;
            retrieval
                .by_joined
                .entry(Box::from(name.joined.as_str()))
                .or_default()
                .push(pos);
            retrieval
                .by_unstripped
                .entry(Box::from(name.unstripped.as_str()))
                .or_default()
                .push(pos);
        }
        retrieval.tie = retrieval
            .listed
            .iter()
            .map(|l| cfg.tie_break * l.bound.total)
            .collect();
        // Most query words are listed words: their typo neighbourhoods are computed once here.
        retrieval.set_neighbours(|r, id| r.typo_neighbours(cfg, &r.tokens[id as usize]));
        retrieval.set_token_joined(cfg);
        retrieval
    }

    /// Fill `neighbours` and `neighbour_sims` with `of(self, id)` for every token id in order
    /// (the other tables must be complete).
    fn set_neighbours(&mut self, mut of: impl FnMut(&Retrieval, u32) -> Vec<(u32, f64)>) {
        let mut offsets = vec![0u32];
        let mut data = Vec::new();
        let mut sims = Vec::new();
        for id in 0..self.tokens.len() as u32 {
            for (other, sim) in of(self, id) {
                data.push(other);
                sims.push(sim);
            }
            offsets.push(data.len() as u32);
        }
        data.shrink_to_fit();
        sims.shrink_to_fit();
        self.neighbours = Lists { offsets, data };
        self.neighbour_sims = sims;
    }

    /// Fill `token_joined` (the joined tables must be complete).
    fn set_token_joined(&mut self, cfg: &Config) {
        self.token_joined = self
            .tokens
            .iter()
            .map(|t| self.joined_hits(cfg, t).unwrap_or(NONE))
            .collect();
    }

    /// The listed words a free-text word may stand for (`scan.rs`): a listed word's typo
    /// neighbours then itself; an unlisted word's typo neighbours when `fuzzy`, else none.
    pub(crate) fn scan_variants(&self, cfg: &Config, word: &str, fuzzy: bool) -> Variants {
        // (an unlisted word's variants are its typo neighbours)
        if fuzzy || self.vocab_id(word.as_bytes()).is_some() {
            self.remembered_variants(cfg, word, false)
        } else {
            Arc::from([])
        }
    }

    /// `variants(cfg, token, lenient)`, from the memo when the word was looked up before.
    fn remembered_variants(&self, cfg: &Config, token: &str, lenient: bool) -> Variants {
        let side = usize::from(lenient);
        if let Some(found) = self.lock_variants().by_strictness[side].get(token) {
            return Arc::clone(found);
        }
        let found: Variants = Arc::from(self.variants(cfg, token, lenient));
        let mut memo = self.lock_variants();
        let adds = 1 + found.len();
        if memo.held + adds > VARIANT_MEMO_ITEMS {
            *memo = RememberedVariants::default();
        }
        if memo.by_strictness[side]
            .insert(Box::from(token), Arc::clone(&found))
            .is_none()
        {
            memo.held += adds;
        }
        found
    }

    /// The variant memo (a thread that panicked holding it left only whole entries behind).
    fn lock_variants(&self) -> std::sync::MutexGuard<'_, RememberedVariants> {
        self.variant_memo
            .by_word
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The positions of the names holding listed word `id`, ascending.
    pub(crate) fn postings_of(&self, id: u32) -> &[u32] {
        self.postings.get(id)
    }

    /// The rarity (IDF) of listed word `id`.
    pub(crate) fn idf_of(&self, id: u32) -> f64 {
        self.idf[id as usize]
    }

    /// The positions of the names holding two adjacent words joined as `key`, when few do.
    pub(crate) fn joined_postings_of(&self, key: &str) -> Option<&[u32]> {
        self.joined_id(key.as_bytes()).map(|j| self.joined_lists.get(j))
    }

    /// The id of a listed word (`u32::MAX` for a word no listed name holds).
    pub(crate) fn token_id(&self, word: &str) -> u32 {
        self.vocab_id(word.as_bytes()).unwrap_or(NONE)
    }

    /// How many listed names hold `word`.
    pub fn names_holding(&self, word: &str) -> usize {
        self.vocab_id(word.as_bytes())
            .map_or(0, |id| self.postings.get(id).len())
    }

    /// The id of a listed token.
    #[inline]
    fn vocab_id(&self, token: &[u8]) -> Option<u32> {
        self.vocab.get(token, |id| &self.tokens[id as usize])
    }

    /// The list in `joined_lists` of a joined pair.
    #[inline]
    fn joined_id(&self, key: &[u8]) -> Option<u32> {
        self.joined.get(key, |j| &self.joined_keys[j as usize])
    }

    /// `ListIndex._typo_neighbours`: listed tokens about one edit from `token`, in sorted
    /// order, with their OSA similarity (at least MIN_PAIR_SIMILARITY).
    fn typo_neighbours(&self, cfg: &Config, token: &str) -> Vec<(u32, f64)> {
        let t = token.as_bytes();
        let mut found: Vec<u32> = Vec::new();
        if t.len() + 1 >= cfg.min_fuzzy_length && !is_digits(token) {
            let tokens = &self.tokens;
            self.deletes.each(tokens, t, |id| found.push(id)); // a letter missing from the query word
            let mut key = String::with_capacity(t.len());
            for i in 0..t.len() {
                if i > 0 && t[i] == t[i - 1] {
                    continue; // the same key again
                }
                key.clear();
                key.push_str(&token[..i]);
                key.push_str(&token[i + 1..]);
                if key.len() >= cfg.min_fuzzy_length {
                    if let Some(id) = self.vocab_id(key.as_bytes()) {
                        found.push(id); // a letter added to the query word
                    }
                }
                if key.len() + 1 >= cfg.min_fuzzy_length {
                    self.deletes.each(tokens, key.as_bytes(), |id| found.push(id));
                    // replaced or swapped
                }
            }
            let mut swapped = t.to_vec();
            for i in 0..t.len().saturating_sub(1) {
                if t[i] == t[i + 1] {
                    continue; // the token itself
                }
                swapped.swap(i, i + 1);
                if let Some(id) = self.vocab_id(&swapped) {
                    found.push(id);
                }
                swapped.swap(i, i + 1);
            }
        }
        found.sort_unstable();
        found.dedup();
        let mut out = Vec::with_capacity(found.len());
        for id in found {
            let other = &self.tokens[id as usize];
            if **other == *token {
                continue;
            }
            let sim = osa_similarity(token, other);
            if sim >= cfg.min_pair_similarity {
                out.push((id, sim));
            }
        }
        out
    }

    /// `ListIndex._variants`: listed tokens this query token may stand for, in dict order.
    fn variants(&self, cfg: &Config, token: &str, lenient: bool) -> Vec<(u32, f64)> {
        let own = self.vocab_id(token.as_bytes());
        let mut out = match own {
            Some(id) => {
                let range = self.neighbours.offsets[id as usize] as usize
                    ..self.neighbours.offsets[id as usize + 1] as usize;
                let mut out: Vec<(u32, f64)> = self.neighbours.data[range.clone()]
                    .iter()
                    .copied()
                    .zip(self.neighbour_sims[range].iter().copied())
                    .collect();
                out.push((id, 1.0));
                out
            }
            None => self.typo_neighbours(cfg, token),
        };
        if lenient {
            let skel = cfg.skeleton_map.skeleton(token);
            if skel.len() >= cfg.min_retrieval_skeleton_length {
                if let Some(group) = self.skeletons.get(skel.as_str()) {
                    for &other in group {
                        if Some(other) == own {
                            continue;
                        }
                        let sim = levenshtein_similarity(token, &self.tokens[other as usize], 0.0);
                        let value = py_max(cfg.skeleton_discount, sim);
                        match out.iter_mut().find(|entry| entry.0 == other) {
                            Some(entry) => entry.1 = value,
                            None => out.push((other, value)),
                        }
                    }
                }
            }
        }
        out
    }

    /// The joined pair `_make_word` finds for `token` (its list in `joined_lists`).
    fn joined_hits(&self, cfg: &Config, token: &str) -> Option<u32> {
        if let Some(j) = self.joined_id(token.as_bytes()) {
            return Some(j);
        }
        if token.len() > cfg.min_fuzzy_length {
            // one query word = two listed words joined, perhaps with one stray letter
            // (Python iterates a set of the deletes; here they go left to right)
            let mut key = String::with_capacity(token.len());
            for i in 0..token.len() {
                key.clear();
                key.push_str(&token[..i]);
                key.push_str(&token[i + 1..]);
                if let Some(j) = self.joined_id(key.as_bytes()) {
                    return Some(j);
                }
            }
        }
        None
    }

    /// `ListIndex._make_word`.
    fn make_word(&self, cfg: &Config, names_len: usize, token: &str, lenient: bool) -> Option<Word<'_>> {
        let variants = self.remembered_variants(cfg, token, lenient);
        let mut lists: Vec<Hit<'_>> = variants
            .iter()
            .map(|&(id, sim)| Hit {
                plist: self.postings.get(id),
                sim,
                weight: self.idf[id as usize],
            })
            .collect();
        let joined_hits = match self.vocab_id(token.as_bytes()) {
            Some(id) => Some(self.token_joined[id as usize]).filter(|&j| j != NONE),
            None => self.joined_hits(cfg, token),
        };
        if let Some(j) = joined_hits {
            lists.push(Hit {
                plist: self.joined_lists.get(j),
                sim: 1.0,
                weight: idf_unknown(names_len),
            });
        }
        if lists.is_empty() {
            return None;
        }
        let by_sim =
            |a: &Hit<'_>, b: &Hit<'_>| b.sim.partial_cmp(&a.sim).unwrap_or(std::cmp::Ordering::Equal);
        let mut evidence = lists[..variants.len()].to_vec();
        evidence.sort_by(by_sim); // stable, as Python's sorted
        lists.sort_by(by_sim);
        let size = lists.iter().map(|hit| hit.plist.len()).sum();
        Some(Word {
            size,
            lists,
            evidence,
        })
    }

    /// `ListIndex._query_words`: the looked-up words (rarest first) and their lengths.
    fn query_words(&self, cfg: &Config, names_len: usize, query: &Name) -> (Vec<Word<'_>>, Vec<usize>) {
        let lenient = query.transliterated;
        let mut words = Vec::new();
        let mut lengths = Vec::new();
        for (t, &w) in query.tokens.iter().zip(&query.weights) {
            if t.len() < cfg.min_query_word_length
                || (w <= cfg.generic_weight && !(is_digits(t) && t.len() >= cfg.min_key_number_length))
            {
                continue;
            }
            lengths.push(t.len());
            if let Some(word) = self.make_word(cfg, names_len, t, lenient) {
                words.push(word);
            }
        }
        let mut buf = String::new();
        for pair in query.tokens.windows(2) {
            join_into(&mut buf, &pair[0], &pair[1]);
            if let Some(id) = self.vocab_id(buf.as_bytes()) {
                let hit = self.postings.get(id);
                if !hit.is_empty() {
                    let lists = vec![Hit {
                        plist: hit,
                        sim: 1.0,
                        weight: self.idf[id as usize],
                    }];
                    words.push(Word {
                        size: hit.len(),
                        lists,
                        evidence: Vec::new(),
                    });
                }
            }
        }
        words.sort_by_key(|word| word.size); // stable
        (words, lengths)
    }

    /// `ListIndex._candidates(query, threshold, limit)`.
    pub fn candidates(
        &self,
        cfg: &Config,
        names: &[Name],
        query: &Name,
        threshold: f64,
        limit: usize,
    ) -> Vec<usize> {
        // The scratch is taken out while in use: a panic loses it (a fresh one is made next
        // time) rather than leaving stale slots behind.
        let mut scratch = SCRATCH.with(|cell| cell.take()).unwrap_or_default();
        let out = self.candidates_in(cfg, names, query, threshold, limit, &mut scratch);
        SCRATCH.with(|cell| cell.set(Some(scratch)));
        out
    }

    fn candidates_in(
        &self,
        cfg: &Config,
        names: &[Name],
        query: &Name,
        threshold: f64,
        limit: usize,
        scratch: &mut Scratch,
    ) -> Vec<usize> {
        let (words, lengths) = self.query_words(cfg, names.len(), query);
        if scratch.slots.len() < names.len() {
            scratch.slots.resize(names.len(), [0; 2]);
        }
        let Scratch {
            slots,
            acc,
            spare,
            local,
        } = scratch;
        // position -> [shared rarity, summed similarity, number of words found], in insertion
        // order; `slots[pos][ACC]` is its index + 1 (0: absent)
        acc.clear();
        local.clear();
        let mut opened = 0usize;
        // once common words only add evidence: the kept candidates as (position, acc index),
        // sorted by position
        let mut kept: Option<Vec<(u32, u32)>> = None;
        let mut found: Vec<Option<(f64, f64)>> = Vec::new();
        for word in &words {
            if opened < cfg.candidate_budget || acc.is_empty() {
                // Python: for each list (best similarity first) `fresh = dict.fromkeys(plist, v);
                // fresh.update(local)`: the last list's positions first, then each earlier list's
                // new ones; the first list holding a position gives its value. Inserting the lists
                // in reverse, overwriting values in place, gives both.
                local.clear();
                for hit in word.lists.iter().rev() {
                    for &pos in hit.plist {
                        let slot = &mut slots[pos as usize][LOCAL];
                        if *slot == 0 {
                            local.push((pos, hit.sim, hit.weight));
                            *slot = local.len() as u32;
                        } else {
                            let entry = &mut local[*slot as usize - 1];
                            entry.1 = hit.sim;
                            entry.2 = hit.weight;
                        }
                    }
                }
                opened += word.size;
                for &(pos, sim, weight) in local.iter() {
                    let both = &mut slots[pos as usize];
                    both[LOCAL] = 0;
                    let slot = &mut both[ACC];
                    if *slot == 0 {
                        acc.push((pos, [weight * sim - self.tie[pos as usize], sim, 1.0]));
                        *slot = acc.len() as u32;
                    } else {
                        let held = &mut acc[*slot as usize - 1].1;
                        held[0] += weight * sim;
                        held[1] += sim;
                        held[2] += 1.0;
                    }
                }
            } else {
                // A common word: only the best candidates so far are checked for it, by
                // intersecting their positions with the word's postings.
                let kept = kept.get_or_insert_with(|| {
                    let keep = top_by_score(acc, cfg.max_evidence_checks);
                    for &(pos, _) in acc.iter() {
                        slots[pos as usize][ACC] = 0;
                    }
                    spare.clear();
                    spare.extend(keep.iter().map(|&i| acc[i]));
                    std::mem::swap(acc, spare);
                    let mut kept: Vec<(u32, u32)> = acc
                        .iter()
                        .enumerate()
                        .map(|(i, &(pos, _))| (pos, i as u32))
                        .collect();
                    for &(pos, i) in &kept {
                        slots[pos as usize][ACC] = i + 1;
                    }
                    kept.sort_unstable();
                    kept
                });
                found.clear();
                found.resize(acc.len(), None);
                for hit in &word.evidence {
                    intersect(kept, hit.plist, |i| {
                        let slot = &mut found[i as usize];
                        if slot.is_none() {
                            *slot = Some((hit.sim, hit.weight));
                        }
                    });
                }
                for (held, slot) in acc.iter_mut().zip(&found) {
                    if let Some((sim, weight)) = *slot {
                        let held = &mut held.1;
                        held[0] += weight * sim;
                        held[1] += sim;
                        held[2] += 1.0;
                    }
                }
            }
        }
        for &(pos, _) in acc.iter() {
            slots[pos as usize][ACC] = 0;
        }
        // Listed names with the query's very letters come first (`ListIndex._candidates`).
        let mut out: Vec<usize> = self
            .by_joined
            .get(query.joined.as_str())
            .into_iter()
            .chain(self.by_unstripped.get(query.unstripped.as_str()))
            .flatten()
            .map(|&pos| pos as usize)
            .collect();
        out.sort_unstable();
        out.dedup();
        out.truncate(limit);
        if acc.is_empty() || out.len() >= limit {
            return out;
        }
        let same_letters = out.len();
        let ranked = top_by_score(acc, cfg.max_bound_checks);
        let bound = Bound::of(cfg, query);
        let keys_n = lengths.len();
        let (hidden, hidden_max) = if query.transliterated {
            (vec![cfg.skeleton_discount; keys_n], keys_n)
        } else {
            let mut hidden: Vec<f64> = lengths.iter().map(|&n| hidden_typo_similarity(cfg, n)).collect();
            hidden.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
            (hidden, cfg.max_hidden_typos)
        };
        let q = Listed::of(cfg, query);
        for i in ranked {
            let (pos, held) = acc[i];
            let pos = pos as usize;
            if out[..same_letters].contains(&pos) {
                continue;
            }
            let listed = &self.listed[pos];
            if (listed.joined == q.joined && names[pos].joined == query.joined)
                || (listed.unstripped == q.unstripped && names[pos].unstripped == query.unstripped)
                || bound.could_reach(
                    cfg,
                    &listed.bound,
                    listed.numbers == q.numbers && names[pos].numbers == query.numbers,
                    held[1],
                    held[2] as usize,
                    keys_n,
                    &hidden,
                    hidden_max,
                    threshold,
                )
            {
                out.push(pos);
                if out.len() >= limit {
                    break;
                }
            }
        }
        out
    }
}

/// Per-thread dense slots over positions (all zero between look-ups).
#[derive(Default)]
struct Scratch {
    /// By position: `[ACC]` its index + 1 in `acc`, `[LOCAL]` its index + 1 in `local` (0: absent).
    slots: Vec<[u32; 2]>,
    acc: Vec<(u32, [f64; 3])>,
    spare: Vec<(u32, [f64; 3])>,
    local: Vec<(u32, f64, f64)>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Option<Scratch>> = const { std::cell::Cell::new(None) };
}

/// Call `f(index)` for every `(pos, index)` of `kept` (sorted by position) whose position is in
/// `plist` (sorted): binary searches from the shorter side.
fn intersect(kept: &[(u32, u32)], plist: &[u32], mut f: impl FnMut(u32)) {
    if plist.len() <= kept.len() {
        for &pos in plist {
            if let Ok(k) = kept.binary_search_by_key(&pos, |&(p, _)| p) {
                f(kept[k].1);
            }
        }
    } else {
        let mut rest = plist;
        for &(pos, i) in kept {
            match rest.binary_search(&pos) {
                Ok(k) => {
                    f(i);
                    rest = &rest[k + 1..];
                }
                Err(k) => rest = &rest[k..],
            }
            if rest.is_empty() {
                break;
            }
        }
    }
}

/// `heapq.nlargest(n, acc, key=lambda pos: acc[pos][0])` as indexes into `acc`: highest score
/// first, ties in insertion order (a stable sort). Sorted on integer keys: the score mapped to
/// an unsigned integer ordered as the floats (descending) above the index (ascending).
fn top_by_score(acc: &[(u32, [f64; 3])], n: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let mut order: Vec<u128> = acc
        .iter()
        .enumerate()
        .map(|(i, (_, held))| (u128::from(descending_key(held[0])) << 64) | i as u128)
        .collect();
    if order.len() > n {
        order.select_nth_unstable(n - 1);
        order.truncate(n);
    }
    order.sort_unstable();
    order.into_iter().map(|k| k as u64 as usize).collect()
}

/// An integer key of a (non-NaN) float, smaller for larger floats, equal for -0.0 and 0.0 (as
/// the float comparison has them).
#[inline]
fn descending_key(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits();
    // ascending order of floats as unsigned integers, then reversed
    let ascending = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
    !ascending
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashSet;

    fn cfg() -> Config {
        let set = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<FxHashSet<_>>();
        Config {
            generic_weight: 0.2,
            particles: set(&["al", "bin", "de"]),
            generic_words: set(&["bank", "trading"]),
            min_pair_similarity: 0.75,
            prefix_similarity: 0.85,
            min_prefix_length: 4,
            typo_floor: 0.75,
            abbreviation_similarity: 0.9,
            spelling_variant_similarity: 0.9,
            spelling_variant_min_length_ratio: 0.6,
            skeleton_discount: 0.85,
            short_side_weight: 0.7,
            conflict_factor: 0.85,
            patronymic_swap_factor: 0.95,
            single_token_factor: 0.9,
            number_conflict_factor: 0.8,
            generic_only_cap: 0.6,
            joined_similarity: 0.95,
            patronymic_suffixes: Vec::new(),
            patronymic_words: set(&["bin", "ibn"]),
            ..Config::for_tests()
        }
    }

    fn name(cfg: &Config, text: &str) -> Name {
        let tokens: Vec<String> = text.split(' ').map(str::to_string).collect();
        let weights = tokens
            .iter()
            .map(|t| {
                if cfg.generic_words.contains(t) {
                    cfg.generic_weight
                } else {
                    1.0
                }
            })
            .collect();
        Name::new(cfg, tokens, weights, false, text.replace(' ', ""), text)
    }

    fn index(cfg: &Config) -> (Vec<Name>, Retrieval) {
        let names: Vec<Name> = [
            "ivan petrov",
            "ivanov sergei",
            "iwan petrova",
            "ivna smith",
            "van dam",
            "melli bank",
        ]
        .iter()
        .map(|t| name(cfg, t))
        .collect();
        let r = Retrieval::build(cfg, &names);
        (names, r)
    }

    #[test]
    fn typo_neighbours_are_one_edit_words_in_sorted_order() {
        let cfg = cfg();
        let (_, r) = index(&cfg);
        let words = |near: &[(u32, f64)]| {
            near.iter()
                .map(|&(id, _)| r.tokens[id as usize].to_string())
                .collect::<Vec<_>>()
        };
        // a swap (ivna), a replaced letter (iwan), a letter added to the query (van); not
        // ivanov (two edits) nor ivan itself
        let near = r.typo_neighbours(&cfg, "ivan");
        assert_eq!(words(&near), ["ivna", "iwan", "van"]);
        assert!(near.iter().all(|&(_, sim)| sim == 0.75));
        // an unlisted word: a letter missing from it (petrov), not petrova (two edits)
        let near = r.typo_neighbours(&cfg, "petrv");
        assert_eq!(words(&near), ["petrov"]);
        assert_eq!(near[0].1, 1.0 - 1.0 / 6.0);
        // digits and one-letter words have no neighbourhood
        assert!(r.typo_neighbours(&cfg, "1234").is_empty());
        assert!(r.typo_neighbours(&cfg, "v").is_empty());
        // a listed word's variants: its neighbours in order, then itself
        let variants = r.variants(&cfg, "ivan", false);
        assert_eq!(words(&variants), ["ivna", "iwan", "van", "ivan"]);
        assert_eq!(variants[3].1, 1.0);
    }

    #[test]
    fn remembered_variants_are_the_variants_every_time() {
        let cfg = cfg();
        let (_, r) = index(&cfg);
        for word in ["ivan", "petrv", "smith", "zzzz", "iwan", "v"] {
            for lenient in [false, true] {
                let want = r.variants(&cfg, word, lenient);
                assert_eq!(*r.remembered_variants(&cfg, word, lenient), *want);
                assert_eq!(*r.remembered_variants(&cfg, word, lenient), *want); // from the memo
            }
        }
        // a free-text word: a listed word's variants, an unlisted one's only when fuzzy
        assert_eq!(
            *r.scan_variants(&cfg, "ivan", false),
            *r.variants(&cfg, "ivan", false)
        );
        assert_eq!(
            *r.scan_variants(&cfg, "petrv", true),
            *r.typo_neighbours(&cfg, "petrv")
        );
        assert!(r.scan_variants(&cfg, "petrv", false).is_empty());
    }

    #[test]
    fn top_by_score_orders_as_the_float_comparison() {
        let scores = [
            0.5, -1.25, 0.0, -0.0, 3.0, 0.5, 1e-300, -1e-300, 2.0, 3.0, -7.5, 0.5, 0.0, 1.0, -0.0,
        ];
        let acc: Vec<(u32, [f64; 3])> = scores.iter().map(|&x| (0, [x, 0.0, 0.0])).collect();
        let mut want: Vec<usize> = (0..acc.len()).collect();
        want.sort_by(|&a, &b| {
            scores[b]
                .partial_cmp(&scores[a])
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.cmp(&b))
        });
        for n in [1, 3, 5, 14, 15, 40] {
            assert_eq!(top_by_score(&acc, n), want[..n.min(want.len())]);
        }
        assert!(top_by_score(&acc, 0).is_empty());
    }

    #[test]
    fn bound_allows_one_hidden_typo_and_nothing_more() {
        let cfg = cfg();
        let q = name(&cfg, "ivan petrov");
        let b = Bound::of(&cfg, &q);
        assert_eq!((b.total, b.generic_n, b.initials_n, b.distinct_n), (2.0, 0, 0, 2));
        let g = Bound::of(&cfg, &name(&cfg, "melli bank v"));
        assert_eq!((g.generic_n, g.initials_n, g.distinct_n), (1, 1, 1));
        assert_eq!(g.generic_w, 0.2);
        // both words found: reaches anything
        assert!(b.could_reach(&cfg, &b, true, 2.0, 2, 2, &[0.8, 0.0], 1, 0.99));
        // one of two found: the other may hide a one-edit typo of a 4-letter word (0.8)
        assert_eq!(hidden_typo_similarity(&cfg, 4), 0.8);
        assert_eq!(hidden_typo_similarity(&cfg, 6), 0.0);
        assert_eq!(hidden_typo_similarity(&cfg, 8), 0.8);
        assert!(b.could_reach(&cfg, &b, true, 1.0, 1, 2, &[0.8, 0.0], 1, 0.85));
        assert!(!b.could_reach(&cfg, &b, true, 1.0, 1, 2, &[0.8, 0.0], 1, 0.95));
        // different numbers lower the bound
        assert!(!b.could_reach(&cfg, &b, false, 2.0, 2, 2, &[0.8, 0.0], 1, 0.85));
    }

    #[test]
    fn candidates_rank_the_shared_rarity() {
        let cfg = cfg();
        let (names, r) = index(&cfg);
        let q = name(&cfg, "ivan petrov");
        let found = r.candidates(&cfg, &names, &q, 0.85, 12);
        assert_eq!(found[0], 0);
        assert!(r
            .candidates(&cfg, &names, &name(&cfg, "zzz qqq"), 0.85, 12)
            .is_empty());
        // two query words joined are one listed word and vice versa
        assert_eq!(r.candidates(&cfg, &names, &name(&cfg, "vandam"), 0.5, 12), [4]);
    }
}
