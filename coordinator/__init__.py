"""ShutterSense coordinator: the FastAPI service that stores teams, agents, jobs and results."""
