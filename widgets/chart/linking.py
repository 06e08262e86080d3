""" "Link…" from the chart when it stands alone (no main window to ask): the same dialog
(widgets.link_dialog) and the same undoable command (widgets.commands.LinkEntities) the
window uses, so a link drawn here is the same record, audited the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from analyst_app.store.errors import CaseError
from widgets.commands import CaseContext, LinkEntities
from widgets.link_dialog import LinkDialog

if TYPE_CHECKING:
    from widgets.chart.widget import ChartWidget  # type: ignore[attr-defined]


def link_here(chart: ChartWidget, first: str, second: str) -> LinkDialog | None:
    """Open the link dialog for two entities; "Link" adds the link as one undo step."""
    try:
        dialog = LinkDialog(chart.case, first, second, chart)
    except CaseError as exc:
        chart.tell(str(exc))
        return None
    if not dialog.choices:
        chart.tell("The schema has no link type between these two kinds of entity.")
        dialog.deleteLater()
        return None
    context = CaseContext(chart.case, chart)
    context.merged.connect(chart.reread)
    context.failed.connect(chart.tell)

    def link() -> None:
        command = LinkEntities(context, dialog.choice(), dialog.status())
        try:
            command.apply()
        except CaseError as exc:
            chart.tell(str(exc))
            return
        chart.undo_stack.push(command)

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(link)
    dialog.open()
    return dialog
