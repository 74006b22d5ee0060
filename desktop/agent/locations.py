"""Where the agent keeps its things: platformdirs folders named after the seed's guide."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["APP_NAME", "AgentDirs"]

APP_NAME = "shuttersense-agent"


@dataclass(frozen=True)
class AgentDirs:
    """Config (identity, roots), data (offline store, caches) and logs."""

    config: Path
    data: Path
    logs: Path

    @classmethod
    def default(cls) -> AgentDirs:
        return cls(
            config=Path(platformdirs.user_config_dir(APP_NAME)),
            data=Path(platformdirs.user_data_dir(APP_NAME)),
            logs=Path(platformdirs.user_log_dir(APP_NAME)),
        )

    def ensure(self) -> None:
        """Create the folders, readable by this user only."""
        for folder in (self.config, self.data, self.logs):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
