"""Platform services behind small interfaces: autostart, notifications, single instance, the
agent as the app sees it."""

__all__: list[str] = []
