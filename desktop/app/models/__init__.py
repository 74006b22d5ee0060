"""Qt item models of the app: its lists are models shown by views, never a widget per row."""

__all__: list[str] = []
