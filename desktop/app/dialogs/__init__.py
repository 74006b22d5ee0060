"""Dialogs of the app."""

__all__: list[str] = []
