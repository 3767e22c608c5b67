"""The sample library behind "Try with sample photos" (`library`) and the build's
smoke test (`smoke`, which decodes the tiny pictures in `smoke_samples/`)."""
