"""ShutterSense coordinator: the FastAPI service that stores teams, agents, jobs and results."""

__version__ = "0.1.0"
