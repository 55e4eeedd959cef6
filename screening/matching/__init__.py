"""The matcher, one job per module.

- `params`: every number and word list, in one frozen `ScreeningParams` (the engine reads it too);
- `prepare`: a name normalised once, with its token weights;
- `engine`: the door to the production engine in Rust (`native/`): candidate retrieval and the
  comparison, whose score folds a list of named rules and whose explanation prints that list;
- `listed`: the listed names of an index and how each party kind compares with them;
- `scan`: listed names hidden in free text (the engine scans; Python prepares the windows it
  asks for and explains the hits);
- `qualify`: weak aliases, common words, country and birth date as named evidence;
- `rank`: a look-up's scored candidates -> qualified hits, one per entry, best first;
- `results`: `Evidence`, `Comparison`, `NameMatch`.

`screening.index.ListIndex` and `screening.match.compare_names` are the public faces.
"""
