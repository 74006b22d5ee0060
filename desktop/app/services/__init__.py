"""Platform services behind small interfaces: autostart, notifications, single instance, the
agent as the app sees it, and the child processes the app runs (the agent runtime, solo mode's
coordinator)."""

__all__: list[str] = []
