"""Reusable widgets of the app's views."""

__all__: list[str] = []
