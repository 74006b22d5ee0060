"""Benchmarks for `shuttersense analyze`: measurements, never tests (see benchmarks/run.py)."""
