"""The link chart: a QGraphicsView over the core's ChartGraph (analyst_app.graph).

`ChartWidget` is the analyst's chart; `export.render` draws the same scene to PNG or SVG
without a window (`threadline chart`).
"""

from widgets.chart.widget import ChartWidget

__all__ = ["ChartWidget"]
