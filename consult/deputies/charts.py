"""Geometry of the dashboard's charts: server-drawn SVG (no script, no font from elsewhere).

Each chart is drawn by ``templates/deputies/_charts.html`` from the same figures the page shows as a table; the
functions here only place the bars.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

STAGE_LABELS = {
    'submitted': _l('Submitted and in review'),
    'consultation': _l('In consultation'),
    'decision': _l('Opinion and decision'),
    'published': _l('Result published'),
    'implementation': _l('Being implemented'),
    'closed': _l('Archived or closed'),
}

TIMELINESS_LABELS = {
    'on_time': _l('Done on time'),
    'late': _l('Done late'),
    'overdue': _l('Open and overdue'),
    'open': _l('Open, in time'),
}

#: Drawing sizes (SVG user units); the SVG scales to the width of the page.
WIDTH = 320
LABEL_WIDTH = 120
ROW = 24
HEIGHT = 160


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    x: float
    y: float
    width: float
    height: float
    #: Which series (0, 1 ...) or which kind of bar, for its colour class.
    series: int = 0


def horizontal(rows: list[tuple[str, int]]) -> dict:
    """One bar per row, scaled to the largest value (a row of 0 has no bar)."""
    top = max((value for _label, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 40
    bars = [
        Bar(str(label), value, LABEL_WIDTH, i * ROW + 4, span * value / top, ROW - 8, i)
        for i, (label, value) in enumerate(rows)
    ]
    return {'bars': bars, 'width': WIDTH, 'height': max(len(rows), 1) * ROW, 'label_width': LABEL_WIDTH}


def columns(labels: list[str], series: list[list[int | None]]) -> dict:
    """Grouped columns of percentages (0-100): one group per label, one column per series."""
    groups = max(len(labels), 1)
    left, bottom = 28, 20
    slot = (WIDTH - left) / groups
    width = max(slot / (len(series) + 1), 2)
    scale = (HEIGHT - bottom - 8) / 100
    bars = []
    for g, label in enumerate(labels):
        for s, values in enumerate(series):
            value = values[g]
            height = scale * (value or 0)
            x = left + g * slot + width * (s + 0.5)
            bars.append(Bar(label, value, x, HEIGHT - bottom - height, width, height, s))
    ticks = [(value, HEIGHT - bottom - scale * value) for value in (0, 50, 100)]
    marks = [(label, left + (g + 0.5) * slot) for g, label in enumerate(labels)]
    return {'bars': bars, 'width': WIDTH, 'height': HEIGHT, 'ticks': ticks, 'marks': marks, 'left': left}


def month_columns(months) -> dict:
    """``queries.participation``'s months as columns: participation, then quorum reached."""
    return columns([m.month for m in months], [[m.participation for m in months], [m.quorum for m in months]])
