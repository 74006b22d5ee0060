"""A window of steps, one page each: Back, Next and Cancel, a busy note and an error line.

Each page's Next runs a step of the subclass; the slow part of a step runs on the worker pool
(`_step`), with the buttons held meanwhile, and a failed step stays on its page with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..workers import Workers
from .first_run_pages import Page

__all__ = ["Wizard"]

_ERROR = QColor("#d3343b")
LAST = "done"  # the page that ends the window: no Back, no Cancel


class Wizard(QDialog):
    """`next_texts`: Next's text on the pages where it says more than Next. The subclass
    adds its pages (`_add_pages`) and says what Next does on each (`steps`)."""

    def __init__(
        self, workers: Workers, next_texts: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._history: list[str] = []
        self._next_texts = dict(next_texts)
        self.pages: dict[str, Page] = {}
        self.stack = QStackedWidget()
        self.error = QLabel()
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _ERROR)
        self.error.setPalette(palette)
        self.busy = QLabel()
        self.back_button = QPushButton("&Back")
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton("&Next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(lambda: self.steps()[self.current_page()]())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _add_pages(self, pages: Mapping[str, Page]) -> None:
        self.pages.update(pages)
        for page in pages.values():
            self.stack.addWidget(page)

    def steps(self) -> Mapping[str, Callable[[], None]]:
        """What Next does on each page."""
        raise NotImplementedError

    def current_page(self) -> str:
        current = self.stack.currentWidget()
        return next(name for name, page in self.pages.items() if page is current)

    def _go(self, name: str, *, remember: bool = True) -> None:
        if remember:
            self._history.append(self.current_page())
        self.stack.setCurrentWidget(self.pages[name])
        self.error.clear()
        self.next_button.setText(self._next_texts.get(name, "&Next"))
        self.back_button.setEnabled(bool(self._history) and name != LAST)
        self.cancel_button.setEnabled(name != LAST)
        field = self.pages[name].first_field()
        if field is not None:
            field.setFocus()

    def _back(self) -> None:
        if self._history:
            self.stack.setCurrentWidget(self.pages[self._history.pop()])
            self._go(self.current_page(), remember=False)

    def _busy(self, text: str) -> None:
        self.busy.setText(text)
        self.error.clear()
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setEnabled(False)

    def _idle(self) -> None:
        self.busy.clear()
        self.next_button.setEnabled(True)
        self.cancel_button.setEnabled(self.current_page() != LAST)
        self.back_button.setEnabled(bool(self._history) and self.current_page() != LAST)

    def _failed(self, error: Exception) -> None:
        self._idle()
        self.error.setText(str(error) or type(error).__name__)

    def _step(self, text: str, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """`work` on the worker pool with `text` shown, then `then` with what it returned."""
        self._busy(text)

        def done(value: Any) -> None:
            self._idle()
            then(value)

        self._workers.run(work, done, self._failed, owner=self)
