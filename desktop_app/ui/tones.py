"""Message colours and emphasis, set on the few labels that need them.

Why not a style sheet: with any application style sheet Qt draws every widget through
``QStyleSheetStyle``, which made building the main window ~7 ms slower and slowed its first
paint (measured with ``./dev bench``). A palette on a handful of labels costs nothing elsewhere.

Colours follow the desktop's light or dark scheme: ``follow_colour_scheme`` re-tones every
label when it changes while the app runs.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

TONE_PROPERTY = "tone"  # where a widget remembers its tone, for re-toning and for tests


class Tone(StrEnum):
    PLAIN = ""
    ERROR = "error"  # what went wrong, next to the field or in the form
    OK = "ok"  # a check that passed
    HINT = "hint"  # quiet help under a field


# (light, dark) pairs, each with at least 4.5:1 contrast on its usual window colour.
TONE_COLOURS: dict[Tone, tuple[str, str]] = {
    Tone.ERROR: ("#c0281f", "#ff7a70"),
    Tone.OK: ("#23773a", "#6fd38a"),
}


# How a status line's state ("busy", "ok" or "error") reads.
STATUS_TONES: dict[str, Tone] = {"busy": Tone.PLAIN, "ok": Tone.OK, "error": Tone.ERROR}


def set_tone(widget: QWidget, tone: Tone) -> None:
    widget.setProperty(TONE_PROPERTY, tone.value)
    _apply(widget, tone)


def tone_of(widget: QWidget) -> Tone:
    return Tone(widget.property(TONE_PROPERTY) or "")


def emphasise(widget: QWidget) -> None:
    """Bold text: the one line a reader's eye should find first."""
    font = QFont(widget.font())
    font.setBold(True)
    widget.setFont(font)


def is_dark() -> bool:
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def follow_colour_scheme(app: QApplication) -> None:
    """Re-tone every toned widget when the desktop switches between light and dark."""
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: retone_all(app))


def retone_all(app: QApplication) -> None:
    for widget in app.allWidgets():
        tone = tone_of(widget)
        if tone is not Tone.PLAIN:
            _apply(widget, tone)


def _apply(widget: QWidget, tone: Tone) -> None:
    # An empty palette with one role set: everything else still follows the desktop.
    palette = QPalette()
    if tone is Tone.HINT:
        colour = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
    elif tone is not Tone.PLAIN:
        light, dark = TONE_COLOURS[tone]
        palette.setColor(QPalette.ColorRole.WindowText, QColor(dark if is_dark() else light))
    widget.setPalette(palette)
