"""The main window and its views, one module each."""

__all__: list[str] = []
