"""Run by test_tray_xvfb.py under a real X server: is there a tray host, and when there is,
does the app's tray icon show there, in the colour of its state? Prints one JSON line."""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from shuttersense.desktop.app.icons import STATE_COLOURS
from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus
from shuttersense.desktop.app.tray import Tray


def pump_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def share_of(image: QImage, colour: QColor) -> float:
    """How much of the image is (nearly) `colour`."""
    near = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if (
                max(
                    abs(pixel.red() - colour.red()),
                    abs(pixel.green() - colour.green()),
                    abs(pixel.blue() - colour.blue()),
                )
                < 40
            ):
                near += 1
    return near / max(1, image.width() * image.height())


def main() -> None:
    app = QApplication(sys.argv[:1])
    wait = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    available = pump_until(QSystemTrayIcon.isSystemTrayAvailable, wait)
    report: dict[str, object] = {"platform": app.platformName(), "available": available}
    if available:
        tray = Tray(available=True, can_pause=True, can_run_all=True)
        tray.set_status(AgentStatus(AgentState.ERROR, reason="the folder /photos is missing"))
        shown = pump_until(lambda: not tray.icon.geometry().isEmpty(), 10)
        red = STATE_COLOURS[AgentState.ERROR]

        def seen() -> float:
            """How much of the icon's place on screen is the error state's red."""
            where = tray.icon.geometry()
            grab = app.primaryScreen().grabWindow(
                0, where.x(), where.y(), where.width(), where.height()
            )
            return share_of(grab.toImage(), red)

        pump_until(lambda: seen() > 0.2, 10)  # the tray host paints it in its own time
        geometry = tray.icon.geometry()
        report.update(
            shown=shown,
            visible=tray.icon.isVisible(),
            tooltip=tray.tooltip(),
            size=[geometry.width(), geometry.height()],
            error_colour_share=round(seen(), 3),
        )
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
