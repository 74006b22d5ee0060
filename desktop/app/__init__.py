"""`shuttersense-desktop`: the PySide6 app, both the management UI and this machine's agent.

Only this package imports Qt (an import contract says so). Its `api` subpackage is Qt-free: the
typed client of the coordinator's user API that every view shares, called on worker threads.
"""

__all__: list[str] = []
