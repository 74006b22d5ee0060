"""ShutterSense domain core: scanning, filename grammar, pipelines, analyzers and reports.

Nothing here imports Qt, FastAPI or SQL; an import-linter contract in pyproject.toml checks it.
"""

__version__ = "0.1.0"
