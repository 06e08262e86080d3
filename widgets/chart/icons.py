"""Entity icons: our SVGs (resources/icons), white glyphs drawn on the node's coloured disc.

Raster painting uses pixmaps cached per (icon, pixel size), because rendering an SVG per
node per frame is slow; vector output (SVG export, the PDF brief) draws the SVG itself so
it stays sharp at any zoom.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPaintEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from analyst_app.resources import resource_path

_renderers: dict[str, QSvgRenderer] = {}
_pixmaps: dict[tuple[str, int], QPixmap] = {}


def renderer(name: str) -> QSvgRenderer:
    """The SVG renderer of `name` (e.g. "person"); the generic glyph if the file is missing."""
    found = _renderers.get(name)
    if found is None:
        path = resource_path("icons", f"{name}.svg")
        if not path.exists():
            path = resource_path("icons", "thing.svg")
        found = QSvgRenderer(str(path))
        _renderers[name] = found
    return found


def pixmap(name: str, size: int) -> QPixmap:
    key = (name, size)
    found = _pixmaps.get(key)
    if found is None:
        found = QPixmap(size, size)
        found.fill(Qt.GlobalColor.transparent)
        painter = QPainter(found)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer(name).render(painter, QRectF(0, 0, size, size))
        painter.end()
        _pixmaps[key] = found
    return found


def is_vector(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    kind = engine.type() if engine is not None else None
    return kind in (QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf, QPaintEngine.Type.Picture)


def draw(painter: QPainter, name: str, rect: QRectF) -> None:
    """Draw icon `name` into `rect` (scene units), sharp on screen and in vector output."""
    if is_vector(painter):
        renderer(name).render(painter, rect)
        return
    pixels = rect.width() * painter.worldTransform().m11()
    size = max(8, min(256, 1 << max(3, round(pixels - 1).bit_length())))  # powers of two
    painter.drawPixmap(rect, pixmap(name, size), QRectF(0, 0, size, size))
