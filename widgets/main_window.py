"""The analyst's workbench: chart in the centre, docks around it, one shared selection.

Views are built for the open case by `_build_views` and thrown away by `_drop_views`,
so locking (the connection closes) and opening another case use the same two steps;
the window keeps what outlives a case: the selection, the undo stack (its commands read
the case through `CaseContext`), the dock layout and the search text.

The window paints before the heavy parts exist: the chart and the timeline docks (and
the graph and plotting libraries behind them, networkx and pyqtgraph, seconds to import)
are built on the first turn of the event loop after the window shows, and the chart is
then laid out on the thread pool (a force layout of a few thousand entities takes
seconds). `viewsBuilt` says every view is there.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from analyst_app.store import Case, edits_more
from analyst_app.store.connection import DatabaseError
from analyst_app.store.errors import CaseError
from widgets import settings
from widgets.audit_view import AuditView, QuarantineDialog
from widgets.autolock import IdleWatch, LockScreen
from widgets.commands import CaseContext
from widgets.findings_view import FindingsView
from widgets.inspector import Inspector
from widgets.menus import build_menus, fill_chart_menu
from widgets.scoped_selection import ScopedSelection
from widgets.search import SearchPanel
from widgets.selection import SelectionModel
from widgets.sidebar import Sidebar
from widgets.workers import run_job

if TYPE_CHECKING:
    from analyst_app.graph import ChartGraph
    from analyst_app.graph.geometry import Positions
    from widgets.chart import ChartWidget

DOCKS = (
    ("search", "Search", Qt.DockWidgetArea.LeftDockWidgetArea),
    ("sidebar", "Case", Qt.DockWidgetArea.LeftDockWidgetArea),
    ("inspector", "Inspector", Qt.DockWidgetArea.RightDockWidgetArea),
    ("connected", "Most connected", Qt.DockWidgetArea.RightDockWidgetArea),
    ("timeline", "Timeline", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("heatmap", "Hour of day", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("findings", "Findings", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("audit", "Audit log", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("duplicates", "Possible duplicates", Qt.DockWidgetArea.BottomDockWidgetArea),
)
LAYOUT_VERSION = 3  # 2: the duplicates dock; 3: most connected
LATE_VIEWS = ("timeline", "heatmap", "duplicates", "connected")  # built after the first paint


class _Placeholder(QLabel):
    """Stands where a late view will be, asking for the room that view will want, so the
    docks are laid out around it as they will be around the real view."""

    def __init__(self, text: str, wanted: QSize) -> None:
        super().__init__(text)
        self.wanted = wanted
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setEnabled(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return self.wanted


def _placeholder(text: str, wanted: QSize | None = None) -> QLabel:
    return _Placeholder(text, wanted or QSize(200, 120))


def close_case_now(case: Case) -> None:
    """Close a case even when a view left a cursor half-read.

    A cursor some view left unfinished (a generator kept alive in a reference cycle) keeps
    its statement active, and the checkpoint in Case.close then fails with "database table
    is locked". Collecting garbage first finalises such cursors; if the checkpoint still
    fails the connection is closed anyway (SQLite keeps the WAL consistent; the next open
    checkpoints it), so a lock or a switch of case never leaves the key in memory.
    """
    gc.collect()
    try:
        case.close()
    except DatabaseError:
        case.conn.close()


class MainWindow(QMainWindow):
    viewsBuilt = Signal()
    chartLoaded = Signal()
    chartFailed = Signal(str)
    viewsFailed = Signal(str)  # a late view (chart, timeline) could not be built
    locked = Signal()
    unlockFailed = Signal(str)

    def __init__(
        self, case: Case, *, demo: bool = False, autolock_minutes: float | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("threadline-main")
        self.demo = demo
        self.context = CaseContext(case, self)
        self.selection = SelectionModel(self)
        self.undo_stack = QUndoStack(self)
        self.views: dict[str, Any] = {}
        self.chart: ChartWidget | None = None
        self.centre = QStackedWidget()  # the chart, or its placeholder while it loads
        self.lock_screen: LockScreen | None = None
        self._generation = 0  # which build of the views a late step belongs to
        self._late_for: int | None = None  # the build whose chart and timeline are due
        self._saved_state: QByteArray | None = None
        self._saved_search = ""
        self.docks: dict[str, QDockWidget] = {}
        for key, title, area in DOCKS:
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock-{key}")
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self._tabify()
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.actions_ = build_menus(self)
        self.undo_stack.indexChanged.connect(self._edited)
        self.context.merged.connect(self._entities_changed)
        self.context.findingsChanged.connect(self._findings_changed)
        self.context.failed.connect(self._tell)
        self.setAcceptDrops(True)
        self.idle = IdleWatch(
            settings.autolock_minutes() if autolock_minutes is None else autolock_minutes, self
        )
        self.idle.idle.connect(self.lock)
        self._build_views()
        self._restore_layout()
        self.idle.start()

    @property
    def case(self) -> Case:
        return self.context.case

    # -- building and dropping the views over one open case ---------------------------
    def _build_views(self) -> None:
        """The light views now; the chart and timeline after the window has painted."""
        case = self.case
        selection = self.scoped = ScopedSelection(self.selection)
        search = SearchPanel(case, selection)
        sidebar = Sidebar(case, selection)
        sidebar.sourceActivated.connect(lambda sid: QuarantineDialog(self.case, sid, self).exec())
        inspector = Inspector(self.context, selection, self.undo_stack)
        inspector.problem.connect(self._tell)
        inspector.linkRequested.connect(self.link_selected)
        audit = AuditView(case)
        findings = FindingsView(self.context, selection, self.undo_stack)
        findings.rulesRun.connect(lambda _n: sidebar.refresh())
        findings.problem.connect(self._tell)
        self.views = {
            "search": search,
            "sidebar": sidebar,
            "inspector": inspector,
            "audit": audit,
            "findings": findings,
        }
        self.chart = None
        self.centre = QStackedWidget()
        self.centre.addWidget(_placeholder("Reading the link chart…", QSize(800, 600)))
        self.setCentralWidget(self.centre)
        for key, dock in self.docks.items():
            dock.setWidget(self.views[key] if key in self.views else _placeholder("Loading…"))
            dock.setEnabled(True)
        self.lock_screen = None
        self._update_title()
        for action in self.actions_.needs_case:
            action.setEnabled(True)
        self._generation += 1
        self._late_for = self._generation
        if self.isVisible():
            self._schedule_late_views()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._late_for is not None:
            self._schedule_late_views()

    def _schedule_late_views(self) -> None:
        generation = self._late_for
        QTimer.singleShot(
            0, lambda: self.context.when_free(lambda: self._build_late_views(generation))
        )

    def _build_late_views(self, generation: int | None) -> None:
        """The chart and the timeline docks, once the window has painted (see the docstring).

        Runs on the event loop's first turn after the window shows; the window is painted
        here first, so the analyst sees it while the graph and plotting libraries load.
        """
        if generation is None or generation != self._late_for:
            return  # done already, or locked or another case opened meanwhile
        self._late_for = None
        if not self.views or self.case.closed:
            return
        self.repaint()
        try:
            self._make_late_views()
        except Exception as exc:  # e.g. a case whose time zone is unknown: say it, go on
            sentence = f"The chart and timeline could not be built ({type(exc).__name__}: {exc})."
            self.statusBar().showMessage(sentence)
            self.viewsFailed.emit(sentence)

    def _make_late_views(self) -> None:
        from widgets.chart import ChartWidget
        from widgets.chart.panels import MostConnected
        from widgets.duplicates_view import DuplicatesView
        from widgets.timeline import HeatMapWidget, TimelineWidget

        case, selection = self.case, self.scoped
        self.chart = ChartWidget(case, selection, self.undo_stack, self)
        self.chart.problem.connect(self._tell)
        # A page of the central stack, not a new central widget: swapping that would make
        # the window share the chart's room out among the docks again.
        self.centre.addWidget(self.chart)
        self.centre.setCurrentWidget(self.chart)
        self.views["sidebar"].viewActivated.connect(self.chart.open_view)
        timeline = TimelineWidget(case, selection)
        heatmap = HeatMapWidget(case, selection)
        timeline.rangeBrushed.connect(self.chart.set_time_window)
        timeline.rangeBrushed.connect(heatmap.set_time_window)
        self.views["timeline"] = timeline
        self.views["heatmap"] = heatmap
        # The duplicates dock starts as a hidden tab; its matching libraries load late too.
        dupes = DuplicatesView(self.context, selection, self.undo_stack)
        dupes.problem.connect(self._tell)
        self.views["duplicates"] = dupes
        self.views["connected"] = MostConnected(self.chart)
        for key in LATE_VIEWS:
            old = self.docks[key].widget()
            self.docks[key].setWidget(self.views[key])
            if old is not None:
                old.deleteLater()
        fill_chart_menu(self)
        self.load_chart()
        self.viewsBuilt.emit()

    def _tell(self, sentence: str) -> None:
        self.statusBar().showMessage(sentence, 8000)

    def load_chart(self) -> None:
        """Lay the chart out on the thread pool; the window is usable meanwhile.

        The graph is read here (SQL stays on the thread that owns the case's connection,
        and waits while a job on the pool holds it) and only the layout, pure computation
        over that graph, runs on the pool.
        """
        self.context.when_free(self._load_chart_now)

    def _load_chart_now(self) -> None:
        from analyst_app.graph import build_graph, layout
        from analyst_app.graph.overview import case_network

        chart = self.chart
        if chart is None or self.case.closed:
            return
        # The case opens on its network (subjects, findings and their strongest ties);
        # an analyst who chose the whole case keeps it across imports and edits.
        shown = chart.chart
        whole = bool(shown.nodes) and not ({"network", "subset"} & set(shown.query))
        try:
            graph = build_graph(self.case) if whole else case_network(self.case)
        except Exception as exc:  # a bug or a damaged case: the chart says so, never hangs
            self._layout_failed(chart, f"{type(exc).__name__}: {exc}")
            return
        name, seed = chart.layout_name, chart.seed
        self.statusBar().showMessage(f"Laying out the chart ({len(graph.nodes):,} entities)…")

        def task(_progress: object, _cancelled: object) -> Positions:
            return layout(graph, name, seed=seed)

        run_job(
            task,
            done=lambda positions: self._laid_out(chart, graph, positions),
            failed=lambda sentence: self._layout_failed(chart, sentence),
        )

    def _layout_failed(self, chart: ChartWidget, sentence: str) -> None:
        if chart is self.chart:
            self.statusBar().showMessage(f"The chart could not be laid out: {sentence}")
            self.chartFailed.emit(sentence)

    def _laid_out(self, chart: ChartWidget, graph: ChartGraph, positions: Positions) -> None:
        from analyst_app.graph.overview import network_summary
        from widgets.chart.commands import ChartState

        if chart is not self.chart:  # locked or another case opened meanwhile
            return
        if chart.layout_running():  # computed for the chart this replaces
            chart.loader.cancel()
        chart.apply_state(ChartState(graph, positions))
        chart.fit()
        self._update_title()
        self.statusBar().showMessage(network_summary(graph))
        self.chartLoaded.emit()

    def _drop_views(self) -> None:
        """Detach every view from the window's shared objects, then let Qt delete them."""
        self.scoped.detach()
        self.scoped.deleteLater()
        for view in [*self.views.values(), self.chart]:
            detach = getattr(view, "detach", None)
            if callable(detach):
                detach()
        for dock in self.docks.values():
            widget = dock.widget()
            dock.setWidget(QWidget())
            if widget is not None:
                widget.deleteLater()
        self.views, self.chart, self._late_for = {}, None, None
        for action in self.actions_.needs_case:
            action.setEnabled(False)

    def _edited(self, _index: int) -> None:
        if "audit" in self.views and not self.case.closed:
            self.views["audit"].refresh()

    def refresh(self) -> None:
        """After an import or a rebuild: re-read what the views show."""
        for key in ("sidebar", "audit", "findings", "heatmap"):
            if hasattr(self.views.get(key), "refresh"):
                self.views[key].refresh()
        self.load_chart()
        timeline = self.views.get("timeline")
        if timeline is not None and hasattr(timeline, "reload"):
            timeline.reload()
        self._update_title()

    def _update_title(self) -> None:
        s = self.case.settings
        name = s.get("title") or self.case.path.name
        number = f" ({s['case_number']})" if s.get("case_number") else ""
        self.setWindowTitle(f"{name}{number} · Threadline")
        counts = self.views["sidebar"].counts() if "sidebar" in self.views else {}
        told = f"{sum(counts.values()):,} entities · marking: {s.get('handling_marking', '')}"
        if self.demo:
            told = "Demo case: its passphrase is 'demo' · " + told
        self.statusBar().showMessage(told)

    # -- locking and switching cases -----------------------------------------------------
    def lock(self) -> None:
        if self.lock_screen is not None:
            return
        self.idle.stop()
        self._saved_state = self.saveState(LAYOUT_VERSION)
        self._saved_search = self.views["search"].box.text()
        self._drop_views()
        close_case_now(self.case)
        for dock in self.docks.values():
            dock.hide()
        self.lock_screen = LockScreen(self.case.path.name)
        self.lock_screen.unlockRequested.connect(self.unlock)
        self.setCentralWidget(self.lock_screen)
        self.setWindowTitle("Locked · Threadline")
        self.statusBar().clearMessage()
        self.locked.emit()

    def unlock(self, passphrase: str) -> None:
        path = self.case.path

        def task(_progress: object, _cancelled: object) -> Case:
            return Case.open(path, passphrase)

        run_job(task, done=self._unlocked, failed=self._unlock_failed)

    def _unlock_failed(self, sentence: str) -> None:
        if self.lock_screen is not None:
            self.lock_screen.failed(sentence)
        self.unlockFailed.emit(sentence)

    def _unlocked(self, case: Case) -> None:
        self.context.case = case
        ids = self.selection.ids()
        self._build_views()
        if self._saved_state is not None:
            self.restoreState(self._saved_state, LAYOUT_VERSION)
        self.views["search"].box.setText(self._saved_search)
        self.selection.set((), self)
        self.selection.set(ids, self)
        self.idle.start()

    def switch_case(self, case: Case) -> None:
        """Close this case and show another in the same window (layout kept, undo cleared)."""
        if self.views:
            self._save_layout()
        state = self.saveState(LAYOUT_VERSION)
        self.close_case_views()
        self.undo_stack.clear()
        self.selection.clear(self)
        self.context.case = case
        self._build_views()
        self.restoreState(state, LAYOUT_VERSION)
        self.idle.start()

    def close_case_views(self) -> None:
        """Drop the views and close the case (e.g. before the demo case is rebuilt)."""
        if self.views:
            self._drop_views()
        close_case_now(self.case)

    # -- layout memory -------------------------------------------------------------------
    def _restore_layout(self) -> None:
        stored = settings.workstation()
        geometry, state = stored.value("window/geometry"), stored.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        # A layout saved by an older version (other docks) is not restored: the docks get
        # their first sizes, or the timeline takes the chart's room.
        if not (isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)):
            self.resizeDocks(
                [self.docks["sidebar"], self.docks["inspector"]],
                [300, 340],
                Qt.Orientation.Horizontal,
            )
            self.resizeDocks([self.docks["timeline"]], [220], Qt.Orientation.Vertical)

    def _save_layout(self) -> None:
        stored = settings.workstation()
        stored.setValue("window/geometry", self.saveGeometry())
        if self.lock_screen is None:
            stored.setValue("window/state", self.saveState(LAYOUT_VERSION))
        stored.sync()

    def reset_layout(self) -> None:
        for key, _title, area in DOCKS:
            self.docks[key].setFloating(False)
            self.addDockWidget(area, self.docks[key])
            self.docks[key].show()
        self._tabify()

    def _tabify(self) -> None:
        for first, second in (
            ("timeline", "heatmap"),
            ("heatmap", "findings"),
            ("findings", "audit"),
            ("audit", "duplicates"),
            ("inspector", "connected"),
        ):
            self.tabifyDockWidget(self.docks[first], self.docks[second])
        self.docks["timeline"].raise_()
        self.docks["inspector"].raise_()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        self.idle.stop()
        self.close_case_views()
        super().closeEvent(event)

    # -- dropping files on the window opens the import dialog ----------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.lock_screen is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.open_import(files)

    def open_import(self, files: list[Path] | None = None) -> Any:
        """Show the import dialog (window-modal, so no view reads the case meanwhile)."""
        from widgets.import_dialog import ImportDialog

        dialog = ImportDialog(self.case, files or [], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finishedImport.connect(lambda _outcome: self.refresh())
        dialog.open()
        return dialog

    def merge_selected(self, kept_id: str | None = None) -> bool:
        """Merge the two selected entities into `kept_id` (else ask which to keep)."""
        from widgets.merge_commands import MergeCommand, signals_for

        ids = sorted(self.selection.ids())
        if len(ids) != 2:
            self.statusBar().showMessage("Select exactly two entities to merge.", 6000)
            return False
        names = edits_more.labels(self.case, ids)
        if kept_id is None:
            choices = [f"{names.get(i, ('', i))[1]}  ({i})" for i in ids]
            chosen, ok = QInputDialog.getItem(
                self, "Merge entities", "Keep which entity?", choices, 0, False
            )
            if not ok:
                return False
            kept_id = ids[choices.index(chosen)]
        merged_id = next(i for i in ids if i != kept_id)
        label = names.get(merged_id, ("", merged_id))[1]
        command = MergeCommand(
            self.context,
            kept_id,
            merged_id,
            labels=(names[kept_id][1], label),
            signals=signals_for(self.undo_stack),
        )
        try:
            command.apply()
        except CaseError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return False
        self.undo_stack.push(command)
        self.selection.set([kept_id], self)
        return True

    def link_selected(self) -> Any:
        """Ask how the two selected entities are linked (a dialog); link them on "Link"."""
        from widgets.link_dialog import LinkDialog

        ids = sorted(self.selection.ids())
        if len(ids) != 2:
            self._tell("Select exactly two entities to link.")
            return None
        try:
            dialog = LinkDialog(self.case, ids[0], ids[1], self)
        except CaseError as exc:
            self._tell(str(exc))
            return None
        if not dialog.choices:
            self._tell("The schema has no link type between these two kinds of entity.")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.link(dialog.choice(), dialog.status()))
        dialog.open()
        return dialog

    def link(self, choice: edits_more.LinkChoice, status: str) -> bool:
        """Add the link as one undo step (Ctrl+Z removes it)."""
        from widgets.commands import LinkEntities

        command = LinkEntities(self.context, choice, status)
        try:
            command.apply()
        except CaseError as exc:
            self._tell(str(exc))
            return False
        self.undo_stack.push(command)
        self._tell(f"Linked ({choice.label}, {status}); Ctrl+Z removes the link.")
        return True

    def delete_selected(self) -> bool:
        """Delete the selected entities (and their links), one undo step, after asking."""
        from widgets.commands import DeleteEntities

        names = edits_more.labels(self.case, sorted(self.selection.ids()))
        ids = [i for i in sorted(names) if self.case.schema.get(names[i][0], "entity")]
        if not ids:
            self.statusBar().showMessage("Select the entities to delete first.", 6000)
            return False
        what = names[ids[0]][1] if len(ids) == 1 else f"{len(ids):,} entities"
        command = DeleteEntities(self.context, ids, f"Delete {what}")
        try:
            command.apply()
        except CaseError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return False
        self.undo_stack.push(command)
        self.selection.clear(self)
        self.statusBar().showMessage(f"Deleted {what}; Ctrl+Z puts it back.", 8000)
        return True

    def _entities_changed(self) -> None:
        """After a merge or its undo: the counts, the chart and the timeline change."""
        if self.views and not self.case.closed:
            self.refresh()

    def _findings_changed(self) -> None:
        """A finding decided or undecided: the sidebar lists the open ones."""
        if "sidebar" in self.views and not self.case.closed:
            self.views["sidebar"].refresh()

    def show_duplicates(self) -> Any:
        """Raise the "Possible duplicates" dock and start a search there."""
        view = self.views.get("duplicates")
        if view is None:
            self._tell("The case is still loading; try again in a moment.")
            return None
        dock = self.docks["duplicates"]
        dock.show()
        dock.raise_()
        return view.find_duplicates()

    def say(self, title: str, sentence: str) -> None:
        QMessageBox.information(self, title, sentence)
