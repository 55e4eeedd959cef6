//! A list update applied to the retrieval tables: the tables `Retrieval::build` would make for
//! the new names, derived from the old tables and the names that changed instead of from every
//! name (a ten-entry update on a list of 40,000 names touches a few dozen tokens).
//!
//! The new names are the old ones without the removed positions, with the added names at the
//! positions given (both in order), so an updated index holds its names in the order a build of
//! the new list would. Every table is then the built one: tokens keep their sorted ids (old ids
//! move by a monotonic map, which keeps every id-sorted table sorted), postings are the old ones
//! renumbered merged with the added names', rarity is recomputed over the new number of names
//! (cheap: one logarithm per token), the joined pairs and the typo neighbourhoods that a changed
//! name or token can touch are recomputed, and the rest is renumbered. The one difference: the
//! numbering of the joined pairs' lists (`joined_keys`), internal to the tables, never read as
//! an order. `tests::updated_tables_equal_built_ones` compares every table with a build.
use rustc_hash::{FxHashMap, FxHashSet};

use super::{flatten, idf_table, join_into, DeleteIndex, Listed, Lists, Retrieval, StrTable, NONE};
use crate::common::{Config, Name};

/// Merge two ascending sequences.
fn merged<T: Copy + Ord>(a: impl Iterator<Item = T>, b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(b.len());
    let mut b = b.iter().copied().peekable();
    for x in a {
        while let Some(&y) = b.peek() {
            if y < x {
                out.push(y);
                b.next();
            } else {
                break;
            }
        }
        out.push(x);
    }
    out.extend(b);
    out
}

/// `map[x]` for each of `list`, leaving out what maps to NONE (order-preserving when `map` is
/// monotonic).
fn renumbered<'a>(list: &'a [u32], map: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    list.iter().map(move |&x| map[x as usize]).filter(|&x| x != NONE)
}

/// Positions by key (`by_joined`, `by_unstripped`) renumbered, with `added` put in place.
fn positions_by_key<'n>(
    old: &FxHashMap<Box<str>, Vec<u32>>,
    new_of_old: &[u32],
    added: &[u32],
    key_of: impl Fn(u32) -> &'n str,
) -> FxHashMap<Box<str>, Vec<u32>> {
    let mut out: FxHashMap<Box<str>, Vec<u32>> =
        FxHashMap::with_capacity_and_hasher(old.len() + added.len(), Default::default());
    for (key, list) in old {
        let list: Vec<u32> = renumbered(list, new_of_old).collect();
        if !list.is_empty() {
            out.insert(key.clone(), list);
        }
    }
    for &pos in added {
        let list = out.entry(Box::from(key_of(pos))).or_default();
        let at = list.partition_point(|&p| p < pos);
        list.insert(at, pos);
    }
    out
}

impl Retrieval {
    /// The tables `Retrieval::build(cfg, names)` makes, from these tables (built for
    /// `old_names`): `new_of_old[p]` is the new position of old name `p` (NONE: removed; the
    /// kept ones in order), `added` the new positions of the other names, ascending.
    pub fn updated(
        &self,
        cfg: &Config,
        old_names: &[Name],
        names: &[Name],
        new_of_old: &[u32],
        added: &[u32],
    ) -> Retrieval {
        let removed: Vec<usize> = (0..old_names.len()).filter(|&p| new_of_old[p] == NONE).collect();

        // Tokens: the old ones still held by some name, and the fresh ones, in sorted order.
        let mut held: Vec<i64> = (0..self.tokens.len() as u32)
            .map(|id| self.postings.get(id).len() as i64)
            .collect();
        let distinct_ids = |name: &Name| {
            let mut ids: Vec<u32> = name
                .tokens
                .iter()
                .map(|t| self.vocab_id(t.as_bytes()).unwrap_or(NONE))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for &pos in &removed {
            for id in distinct_ids(&old_names[pos]) {
                held[id as usize] -= 1;
            }
        }
        let mut fresh: FxHashSet<&str> = FxHashSet::default();
        for &pos in added {
            for id in distinct_ids(&names[pos as usize]) {
                if id != NONE {
                    held[id as usize] += 1;
                }
            }
            for t in &names[pos as usize].tokens {
                if self.vocab_id(t.as_bytes()).is_none() {
                    fresh.insert(t.as_str());
                }
            }
        }
        let mut fresh: Vec<&str> = fresh.into_iter().collect();
        fresh.sort_unstable();
        let mut tokens: Vec<Box<str>> = Vec::with_capacity(self.tokens.len() + fresh.len());
        let mut id_of_old = vec![NONE; self.tokens.len()];
        let mut old_of_id: Vec<u32> = Vec::with_capacity(tokens.capacity()); // NONE: fresh
        let (mut i, mut j) = (0usize, 0usize);
        while i < self.tokens.len() || j < fresh.len() {
            if i < self.tokens.len() && held[i] == 0 {
                i += 1; // no name holds it any more
                continue;
            }
            if j == fresh.len() || (i < self.tokens.len() && *self.tokens[i] < *fresh[j]) {
                id_of_old[i] = tokens.len() as u32;
                old_of_id.push(i as u32);
                tokens.push(self.tokens[i].clone());
                i += 1;
            } else {
                old_of_id.push(NONE);
                tokens.push(Box::from(fresh[j]));
                j += 1;
            }
        }
        let vocab = StrTable::build(&tokens);
        let id_of = |t: &str| vocab.get(t.as_bytes(), |id| &tokens[id as usize]).unwrap_or(NONE);

        // Postings: the old ones renumbered, merged with the added names'.
        let mut added_postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for &pos in added {
            let mut ids: Vec<u32> = names[pos as usize].tokens.iter().map(|t| id_of(t)).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                added_postings.entry(id).or_default().push(pos);
            }
        }
        let mut offsets = Vec::with_capacity(tokens.len() + 1);
        offsets.push(0u32);
        let mut data = Vec::with_capacity(self.postings.data.len() + added.len() * 4);
        for (id, &old) in old_of_id.iter().enumerate() {
            let new = added_postings.get(&(id as u32)).map_or(&[][..], Vec::as_slice);
            let old_list = if old == NONE {
                &[][..]
            } else {
                self.postings.get(old)
            };
            data.extend(merged(renumbered(old_list, new_of_old), new));
            offsets.push(data.len() as u32);
        }
        let postings = Lists { offsets, data };
        let idf = idf_table(&postings, tokens.len(), names.len());

        // Joined pairs: those of a removed or added name are counted again over the new names.
        let mut touched: FxHashSet<String> = FxHashSet::default();
        let mut buf = String::new();
        let removed_names = removed.iter().map(|&p| &old_names[p]);
        let added_names = added.iter().map(|&p| &names[p as usize]);
        for name in removed_names.chain(added_names) {
            for pair in name.tokens.windows(2) {
                join_into(&mut buf, &pair[0], &pair[1]);
                touched.insert(buf.clone());
            }
        }
        let mut joined_keys: Vec<Box<str>> = Vec::with_capacity(self.joined_keys.len() + touched.len());
        let mut joined_lists: Vec<Vec<u32>> = Vec::with_capacity(joined_keys.capacity());
        for (j, key) in self.joined_keys.iter().enumerate() {
            if !touched.contains(&**key) {
                joined_keys.push(key.clone());
                joined_lists.push(renumbered(self.joined_lists.get(j as u32), new_of_old).collect());
            }
        }
        let mut touched: Vec<String> = touched.into_iter().collect();
        touched.sort_unstable();
        for key in touched {
            let list = holders_of_joined(&key, names, |t| id_of(t), &postings);
            if !list.is_empty() && list.len() <= cfg.max_joined_postings {
                joined_keys.push(key.into_boxed_str());
                joined_lists.push(list);
            }
        }
        let joined = StrTable::build(&joined_keys);
        let joined_lists = flatten(joined_lists.into_iter());

        // Deletes: the old entries renumbered (still sorted), merged with the fresh tokens'.
        let kept = self.deletes.entries.iter().filter_map(|&(h, id, at)| {
            let id = id_of_old[id as usize];
            (id != NONE).then_some((h, id, at))
        });
        let mut extra: Vec<(u64, u32, u32)> = Vec::new();
        for (id, &old) in old_of_id.iter().enumerate() {
            if old == NONE {
                DeleteIndex::push_keys(&mut extra, id as u32, &tokens[id], cfg.min_fuzzy_length);
            }
        }
        extra.sort_unstable();
        let entries = merged(kept, &extra);
        let deletes = DeleteIndex::from_sorted(entries);

        // Skeletons: renumbered, the fresh tokens put in place.
        let mut skeletons: FxHashMap<Box<str>, Vec<u32>> =
            FxHashMap::with_capacity_and_hasher(self.skeletons.len(), Default::default());
        for (skel, ids) in &self.skeletons {
            let ids: Vec<u32> = renumbered(ids, &id_of_old).collect();
            if !ids.is_empty() {
                skeletons.insert(skel.clone(), ids);
            }
        }
        for (id, &old) in old_of_id.iter().enumerate() {
            if old == NONE {
                let skel = cfg.skeleton_map.skeleton(&tokens[id]);
                if skel.len() >= cfg.min_retrieval_skeleton_length {
                    let group = skeletons.entry(skel.into_boxed_str()).or_default();
                    let at = group.partition_point(|&g| g < id as u32);
                    group.insert(at, id as u32);
                }
            }
        }

        // By position: the kept names' facts in their new place, the added names' made.
        let mut listed = Vec::with_capacity(names.len());
        let mut next_added = added.iter().peekable();
        let mut kept_old = (0..old_names.len()).filter(|&p| new_of_old[p] != NONE);
        for pos in 0..names.len() as u32 {
            if next_added.peek() == Some(&&pos) {
                next_added.next();
                listed.push(Listed::of(cfg, &names[pos as usize]));
            } else if let Some(old) = kept_old.next() {
                listed.push(self.listed[old]);
            }
        }
        let tie = listed.iter().map(|l| cfg.tie_break * l.bound.total).collect();
        let by_joined = positions_by_key(&self.by_joined, new_of_old, added, |p| {
            names[p as usize].joined.as_str()
        });
        let by_unstripped = positions_by_key(&self.by_unstripped, new_of_old, added, |p| {
            names[p as usize].unstripped.as_str()
        });

        // The typo neighbourhoods and joined hits are filled below; anything else (query-side
        // state) starts as a build's does.
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
            listed,
            tie,
            by_joined,
            by_unstripped,
            ..Retrieval::build(cfg, &[])
        };

        // Typo neighbourhoods: recomputed for the fresh tokens, for every token a fresh one may
        // neighbour, and for those that held a vanished token (found when renumbering); the
        // others renumbered.
        let mut again = vec![false; retrieval.tokens.len()];
        for (id, &old) in old_of_id.iter().enumerate() {
            if old == NONE {
                again[id] = true;
                retrieval
                    .each_possible_neighbour(&retrieval.tokens[id], |other| again[other as usize] = true);
            }
        }
        let old_neighbours = |old: u32| {
            let range = self.neighbours.offsets[old as usize] as usize
                ..self.neighbours.offsets[old as usize + 1] as usize;
            self.neighbours.data[range.clone()]
                .iter()
                .map(|&other| id_of_old[other as usize])
                .zip(self.neighbour_sims[range].iter().copied())
                .collect::<Vec<(u32, f64)>>()
        };
        retrieval.set_neighbours(|r, id| {
            let old = old_of_id[id as usize];
            if !again[id as usize] {
                let list = old_neighbours(old);
                if list.iter().all(|&(other, _)| other != NONE) {
                    return list;
                }
            }
            r.typo_neighbours(cfg, &r.tokens[id as usize])
        });
        retrieval.set_token_joined(cfg);
        retrieval
    }

    /// Call `f` with every listed token whose typo neighbourhood (`typo_neighbours`) may hold
    /// `token`, listed or not, and more: the listed tokens one letter shorter or longer, those
    /// sharing a one-letter delete with it, and its swaps of two adjacent letters.
    fn each_possible_neighbour(&self, token: &str, mut f: impl FnMut(u32)) {
        let t = token.as_bytes();
        self.deletes.each(&self.tokens, t, &mut f); // one letter longer
        let mut key: Vec<u8> = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            key.clear();
            key.extend_from_slice(&t[..i]);
            key.extend_from_slice(&t[i + 1..]);
            if let Some(id) = self.vocab_id(&key) {
                f(id); // one letter shorter
            }
            self.deletes.each(&self.tokens, &key, &mut f); // one letter replaced or moved
        }
        let mut swapped = t.to_vec();
        for i in 0..t.len().saturating_sub(1) {
            swapped.swap(i, i + 1);
            if let Some(id) = self.vocab_id(&swapped) {
                f(id);
            }
            swapped.swap(i, i + 1);
        }
    }
}

/// The positions (ascending) of the names holding two adjacent tokens written together as
/// `key`, found through the postings of the rarer of each split's two tokens.
fn holders_of_joined(key: &str, names: &[Name], id_of: impl Fn(&str) -> u32, postings: &Lists) -> Vec<u32> {
    let mut out = Vec::new();
    for at in 1..key.len() {
        let (a, b) = key.split_at(at);
        let (ia, ib) = (id_of(a), id_of(b));
        if ia == NONE || ib == NONE {
            continue;
        }
        let (pa, pb) = (postings.get(ia), postings.get(ib));
        for &pos in if pa.len() <= pb.len() { pa } else { pb } {
            if names[pos as usize]
                .tokens
                .windows(2)
                .any(|w| w[0] == a && w[1] == b)
            {
                out.push(pos);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A small deterministic generator (xorshift), so failures replay.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Words from few letters, so that typo neighbours, shared skeletons, joined pairs and
    /// numbers abound.
    fn word(rng: &mut Rng) -> String {
        const SYLLABLES: [&str; 12] = [
            "ka", "ko", "ri", "rio", "an", "bank", "ab", "al", "ov", "12", "3", "ivan",
        ];
        if rng.below(10) == 0 {
            // a rare word: often a token no other name holds
            return (0..3).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
        }
        // common words, skewed, so that pairs recur around the joined-postings limit
        let first = rng.below(SYLLABLES.len()).min(rng.below(SYLLABLES.len()));
        let second = if rng.below(2) == 0 {
            SYLLABLES[rng.below(3)]
        } else {
            ""
        };
        format!("{}{second}", SYLLABLES[first])
    }

    fn name(cfg: &Config, rng: &mut Rng) -> Name {
        let tokens: Vec<String> = (0..1 + rng.below(4)).map(|_| word(rng)).collect();
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
        let text = tokens.join(" ");
        Name::new(
            cfg,
            tokens,
            weights,
            rng.below(4) == 0,
            text.replace(' ', ""),
            &text,
        )
    }

    /// Every table as plain values, joined lists by their key (their numbering is internal).
    fn contents(r: &Retrieval) -> Vec<String> {
        let per_token = |f: &dyn Fn(u32) -> String| (0..r.tokens.len() as u32).map(f).collect::<Vec<_>>();
        let joined: BTreeMap<&str, &[u32]> = r
            .joined_keys
            .iter()
            .enumerate()
            .map(|(j, key)| (&**key, r.joined_lists.get(j as u32)))
            .collect();
        let sorted =
            |m: &FxHashMap<Box<str>, Vec<u32>>| format!("{:?}", m.iter().collect::<BTreeMap<_, _>>());
        vec![
            format!("{:?}", r.tokens),
            format!(
                "{:?}",
                per_token(&|id| format!("{:?}", r.vocab_id(r.tokens[id as usize].as_bytes())))
            ),
            format!("{:?}", per_token(&|id| format!("{:?}", r.postings.get(id)))),
            format!("{:?}", r.idf.iter().map(|x| x.to_bits()).collect::<Vec<_>>()),
            format!("{joined:?}"),
            format!(
                "{:?}",
                joined
                    .keys()
                    .map(|k| r.joined_id(k.as_bytes()).map(|j| &*r.joined_keys[j as usize]))
                    .collect::<Vec<_>>()
            ),
            format!("{:?} {:?} {}", r.deletes.entries, r.deletes.dir, r.deletes.shift),
            sorted(&r.skeletons),
            format!(
                "{:?}",
                per_token(&|id| {
                    let range = r.neighbours.offsets[id as usize] as usize
                        ..r.neighbours.offsets[id as usize + 1] as usize;
                    format!(
                        "{:?}{:?}",
                        &r.neighbours.data[range.clone()],
                        &r.neighbour_sims[range]
                    )
                })
            ),
            format!(
                "{:?}",
                r.token_joined
                    .iter()
                    .map(|&j| (j != NONE).then(|| &*r.joined_keys[j as usize]))
                    .collect::<Vec<_>>()
            ),
            format!("{:?}", r.listed),
            format!("{:?}", r.tie.iter().map(|x| x.to_bits()).collect::<Vec<_>>()),
            sorted(&r.by_joined),
            sorted(&r.by_unstripped),
        ]
    }

    #[test]
    fn updated_tables_equal_built_ones() {
        let cfg = Config {
            max_joined_postings: 3, // pairs cross the limit both ways
            ..Config::for_tests()
        };
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut names: Vec<Name> = (0..300).map(|_| name(&cfg, &mut rng)).collect();
        let mut tables = Retrieval::build(&cfg, &names);
        for round in 0..60 {
            // remove some names, add others anywhere (a renamed entry: both at one place)
            let total_removed = rng.below(if round % 10 == 9 { 120 } else { 12 });
            let mut new_of_old = vec![0u32; names.len()];
            for _ in 0..total_removed {
                new_of_old[rng.below(names.len())] = NONE;
            }
            let kept: Vec<usize> = (0..names.len()).filter(|&p| new_of_old[p] != NONE).collect();
            let total = kept.len() + rng.below(15);
            let mut added: Vec<u32> = Vec::new();
            while added.len() < total - kept.len() {
                let pos = rng.below(total) as u32;
                if !added.contains(&pos) {
                    added.push(pos);
                }
            }
            added.sort_unstable();
            let mut next: Vec<Name> = Vec::with_capacity(total);
            let mut old = kept.iter();
            for pos in 0..total as u32 {
                if added.binary_search(&pos).is_ok() {
                    next.push(name(&cfg, &mut rng));
                } else {
                    let p = *old.next().unwrap();
                    new_of_old[p] = pos;
                    next.push(names[p].clone());
                }
            }
            let updated = tables.updated(&cfg, &names, &next, &new_of_old, &added);
            let built = Retrieval::build(&cfg, &next);
            assert_eq!(contents(&updated), contents(&built), "round {round}");
            names = next;
            tables = updated;
        }
    }
}
