"""Messages keep their colour, and their contrast, on light and dark desktops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.ui.form_fields import FieldError
from desktop_app.ui.tones import TONE_COLOURS, Tone, emphasise, retone_all, set_tone, tone_of


def text_colour(label: QLabel) -> str:
    return label.palette().color(QPalette.ColorRole.WindowText).name()


def contrast(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def desktop(qapp: QApplication) -> Iterator[QApplication]:
    """The application, its palette put back afterwards (tests switch light and dark)."""
    original = QPalette(qapp.palette())
    yield qapp
    qapp.setPalette(original)
    retone_all(qapp)


def test_an_error_reads_in_red_with_enough_contrast(qtbot: QtBot, qapp: QApplication) -> None:
    label = QLabel("The password is too short.")
    qtbot.addWidget(label)
    set_tone(label, Tone.ERROR)
    assert tone_of(label) is Tone.ERROR
    assert text_colour(label) == TONE_COLOURS[Tone.ERROR][0]
    window = qapp.palette().color(QPalette.ColorRole.Window)
    assert contrast(QColor(text_colour(label)), window) >= 4.5


def test_a_field_error_is_red_from_the_start(qtbot: QtBot) -> None:
    error = FieldError("someError")
    qtbot.addWidget(error)
    assert tone_of(error) is Tone.ERROR
    assert text_colour(error) == TONE_COLOURS[Tone.ERROR][0]


def test_plain_gives_the_desktop_colour_back(qtbot: QtBot, qapp: QApplication) -> None:
    label = QLabel("Verification cancelled.")
    qtbot.addWidget(label)
    set_tone(label, Tone.OK)
    set_tone(label, Tone.PLAIN)
    assert tone_of(label) is Tone.PLAIN
    assert text_colour(label) == qapp.palette().color(QPalette.ColorRole.WindowText).name()


def test_switching_to_a_dark_desktop_retones_every_message(
    qtbot: QtBot, desktop: QApplication
) -> None:
    error, ok, hint = QLabel("error"), QLabel("ok"), QLabel("hint")
    for label, tone in ((error, Tone.ERROR), (ok, Tone.OK), (hint, Tone.HINT)):
        qtbot.addWidget(label)
        set_tone(label, tone)
    assert text_colour(error) == TONE_COLOURS[Tone.ERROR][0]

    dark = QPalette(desktop.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9aa0a6"))
    desktop.setPalette(dark)
    retone_all(desktop)
    assert text_colour(error) == TONE_COLOURS[Tone.ERROR][1]
    assert text_colour(ok) == TONE_COLOURS[Tone.OK][1]
    assert text_colour(hint) == "#9aa0a6"
    for label in (error, ok):
        assert contrast(QColor(text_colour(label)), QColor("#202124")) >= 4.5


def test_emphasis_is_bold_and_keeps_the_size(qtbot: QtBot) -> None:
    label = QLabel("Ron Swanson has 3 accounts")
    qtbot.addWidget(label)
    size = label.font().pointSizeF()
    emphasise(label)
    assert label.font().bold()
    assert label.font().pointSizeF() == size
