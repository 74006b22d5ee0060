"""The shapes of the synthetic benchmark collections, one module each (benchmarks/profiles.py)."""
