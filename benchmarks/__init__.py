"""PhotoSift benchmarks, run on demand with `python -m benchmarks` (never from the tests).

Each module measures one target of the performance issue and returns a JSON-able
dict; `benchmarks.__main__` runs them, writes `<out>/<name>.json` and prints a
summary table. See `benchmarks/README.md` for how to run them and the results.
"""
