"""The timeline views: theme-line lanes with a histogram strip and brushing, and the
hour-of-day x day-of-week heat map. Their numbers come from `analyst_app.timeline`."""

from widgets.timeline.heatmap_view import HeatMapWidget
from widgets.timeline.view import TimelineWidget

__all__ = ["HeatMapWidget", "TimelineWidget"]
