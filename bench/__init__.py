"""Benchmarks: each `bench/<name>.py` prints figures and a ratio against a baseline measured in the
same run (`python -m bench.<name>`); `python -m bench` runs them all."""
