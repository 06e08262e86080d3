"""How each kind of event looks on a lane, and the density colours at overview zoom.

Glyph shapes differ as well as colours so a printout in grey or a colour-blind analyst can
still tell a call from a payment. Colours come from the schema's event types, so the chart
legend, the timeline and the brief agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyst_app.schema.loader import Schema
from analyst_app.timeline import KINDS


@dataclass(frozen=True)
class Glyph:
    kind: str
    label: str
    symbol: str  # pyqtgraph symbol name
    mark: str  # the same shape as a character, for legends and notes
    color: str


_SHAPES = {
    "Call": ("o", "●", "Call", "#43a047"),
    "Message": ("d", "◆", "Message", "#26a69a"),
    "Transaction": ("s", "■", "Transaction", "#f9a825"),
    "AdPost": ("t1", "▲", "Ad post", "#d81b60"),
    "Tip": ("star", "★", "Tip / report", "#e53935"),
    "Travel": ("t", "▼", "Travel / stay", "#5e35b1"),
    "Meeting": ("h", "⬢", "Meeting", "#6d4c41"),
    "other": ("o", "○", "Other", "#78909c"),
}


def glyphs(schema: Schema | None = None) -> tuple[Glyph, ...]:
    """One glyph per entry of KINDS, coloured from the schema where it names a colour."""
    out = []
    for kind in KINDS:
        symbol, mark, label, color = _SHAPES[kind]
        typedef = schema.get(kind, "event") if schema is not None and kind != "other" else None
        if typedef is not None:
            label = typedef.label
            color = str(getattr(typedef, "color", None) or color)
        out.append(Glyph(kind, label, symbol, mark, color))
    return tuple(out)


def amount_sizes(amount: np.ndarray, base: float = 9.0) -> np.ndarray:
    """Glyph sizes (px) for transactions: grows with the log of the amount, 7..24 px, so
    a 9,500 cash deposit stands out from a 12.50 card payment without hiding it."""
    size = np.full(amount.shape, base, dtype=np.float64)
    known = np.isfinite(amount)
    size[known] = np.clip(4.0 + 3.2 * np.log10(1.0 + np.abs(amount[known])), 7.0, 24.0)
    return size


def density_lut() -> np.ndarray:
    """RGBA lookup: transparent for no events, then pale to deep blue as counts grow."""
    ramp = np.linspace(0.0, 1.0, 256)
    pale, deep = np.array([189, 215, 238]), np.array([8, 48, 107])
    rgb = pale[None, :] + (deep - pale)[None, :] * ramp[:, None] ** 0.8
    alpha = np.full(256, 255.0)
    alpha[0] = 0.0
    return np.column_stack([rgb, alpha]).astype(np.ubyte)
