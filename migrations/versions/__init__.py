"""Revision scripts, one per schema change, named `<revision>_<slug>.py`."""
