"""The link chart: a QGraphicsView over the core's ChartGraph (analyst_app.graph).

`ChartWidget` is the analyst's chart; `export.render` draws the same scene to PNG or SVG
without a window (`threadline chart`). ChartWidget is imported on first use, so the
headless export does not load the widget's actions, menus and panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widgets.chart.widget import ChartWidget  # type: ignore[attr-defined]

__all__ = ["ChartWidget"]


def __getattr__(name: str) -> Any:
    if name == "ChartWidget":
        from widgets.chart.widget import ChartWidget

        return ChartWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
