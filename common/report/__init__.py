"""Self-contained HTML reports of an analysis run (analysis spec D7).

One page per run covers every tool in the AnalysisDocument. Pages carry their CSS and SVG charts
inline, run no script, load nothing, print cleanly and escape every text that comes from data.
"""

from .document import render_report, write_report

__all__ = ["render_report", "write_report"]
