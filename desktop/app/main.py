"""`shuttersense-desktop`: the app a photographer opens.

`--version` answers without loading Qt; `--minimized` starts in the tray (what start at login
uses); `--quit-after-ready` (tests, CI, the installers' check) starts without a window, sets
solo mode up when nothing is set up yet, and quits once the agent is connected. A second
launch brings the running window to the front and exits. Logging is configured
here, in the entry point, and nowhere else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shuttersense.common import __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuttersense-desktop",
        description="ShutterSense: audit your photo collections, with this computer as the "
        "agent that analyses them.",
    )
    parser.add_argument(
        "--version", action="version", version=f"shuttersense-desktop {__version__}"
    )
    parser.add_argument(
        "--minimized", action="store_true", help="start in the tray, without the window"
    )
    parser.add_argument(
        "--quit-after-ready",
        action="store_true",
        help="no window: set up solo mode if nothing is set up yet, start, and quit once the "
        "agent is connected (exit status 1 with the reason when that fails)",
    )
    return parser


def _run(minimized: bool, quit_after_ready: bool) -> int:
    # Qt and everything built on it load only from here: `--version` never gets this far.
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from shuttersense.desktop.agent.context import AgentContext
    from shuttersense.desktop.agent.locations import AgentDirs

    from .application import DesktopApp
    from .icons import app_icon
    from .logs import configure_app_logging
    from .services.autostart import platform_autostart
    from .services.embedded_agent import EmbeddedAgent
    from .services.embedded_coordinator import EmbeddedCoordinator
    from .services.run_all import run_all_collections
    from .services.single_instance import SingleInstance, instance_key
    from .services.solo import Solo
    from .services.stop_signals import quit_on_stop_signals
    from .settings import FILE_NAME, AppSettings
    from .startup_memory import freeze_startup_objects

    dirs = AgentDirs.default()
    dirs.ensure()
    settings = AppSettings(dirs.config / FILE_NAME)
    log_file = configure_app_logging(dirs.logs, settings.log_level())
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ShutterSense")
    app.setDesktopFileName("shuttersense")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the tray keeps it; the app quits on its own terms

    instance = SingleInstance(instance_key(dirs.config), dirs.config / "desktop.lock")
    if not instance.claim():
        if instance.activate_running():
            print("ShutterSense is running already: its window was brought to the front")
            return 0
        print(
            "shuttersense-desktop: error: ShutterSense seems to be running but does not answer; "
            "quit it (or end its process), then start it again",
            file=sys.stderr,
        )
        return 1
    context = AgentContext(dirs)

    def run_all() -> int:  # on the worker pool, as every AgentControl call
        session = desktop.session
        if session is None:
            raise RuntimeError("sign in first: running collections goes through the coordinator")
        with session.client() as client:
            return run_all_collections(client, context.identity().agent_guid)

    desktop = DesktopApp(
        context=context,
        settings=settings,
        control=EmbeddedAgent(context, run_all, log_level=settings.log_level()),
        autostart=platform_autostart(),
        log_file=log_file,
        solo=Solo(EmbeddedCoordinator(dirs.data / "coordinator", dirs.logs)),
    )
    instance.activated.connect(desktop.bring_to_front)
    desktop.finished.connect(app.quit)
    quit_on_stop_signals(desktop.quit, desktop)
    desktop.start(minimized=minimized, quit_when_ready=quit_after_ready)
    freeze_startup_objects()
    try:
        return app.exec() or desktop.exit_code
    finally:
        instance.release()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return _run(args.minimized, args.quit_after_ready)


if __name__ == "__main__":
    sys.exit(main())
