"""Finding copies: walk the folders, read each picture once, fingerprint it, and group
the pictures that are copies of one another.

The stages of a scan, in order (`scan.run_scan` drives them): `walk` (which files are
pictures) -> `decode` (+ `damage`) -> `analysis` and `fingerprint` (metrics, perceptual
hashes) -> `cache` (skip files seen before) -> `index` and `matching` (candidate pairs)
-> `checks` (is a candidate pair really a copy?) -> `grouping` (pairs into sets).
Choosing the copy to keep is `cleaner.keep`'s job."""
