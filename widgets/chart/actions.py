"""What an analyst asks of the chart beyond pointing: expand, find a path, rank, re-lay out,
restyle, save and open views. A mixin of ChartWidget, kept apart to keep files short.

Edits that change the chart or its layout are StateCommands on the undo stack; finding a
path and ranking only look, so they are not edits.

Layouts of all but small charts run on the thread pool (`_when_laid_out`): a force layout
of 10,000 entities takes 0.8 s, of the demo's 1,283 (in many small pieces) 0.9 s. The
chart stays usable meanwhile, with a busy panel and Cancel after 150 ms. The case is
read on the GUI thread first, as the window's first load does. A new layout request
replaces an older one, and an edit made meanwhile cancels it, so a layout computed from
an older chart is never applied over a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from analyst_app.graph import ChartGraph, build_graph, layout, ranked, shortest_path
from analyst_app.graph import views as saved_views
from analyst_app.graph.geometry import Positions
from analyst_app.graph.overview import case_network, network_summary
from widgets.chart.commands import ChartState, FlagCommand, MoveCommand, StateCommand
from widgets.chart.style import ChartStyle, prepared, scores
from widgets.loading import BusyPanel, Loader

if TYPE_CHECKING:  # the widget this mixin is part of (a cycle only the checker sees)
    from widgets.chart.widget import ChartWidget as Base  # type: ignore[attr-defined]
else:
    Base = object


BACKGROUND_FROM = 300  # entities: a layout from this size leaves the GUI (force, 190: 0.07 s)


class ChartActions(Base):  # type: ignore[valid-type,misc]
    """Actions of the chart widget (see the module docstring)."""

    actions_by_name: dict[str, QAction]
    seed: int
    layout_name: str

    def setup_background(self) -> None:
        self.background_from = BACKGROUND_FROM
        self.panel = BusyPanel(self)
        self.loader = Loader(self.panel)
        self._then: Callable[[Positions], None] | None = None
        self.loader.done.connect(self._background_done)
        self.loader.failed.connect(lambda sentence: self.tell(f"No layout: {sentence}"))
        self.loader.cancelled.connect(
            lambda: self.tell("Layout cancelled; the chart is as it was.")
        )
        # A bound method, not a lambda: Qt drops the connection with this widget, and the
        # window's undo stack outlives every chart it has shown.
        self.undo_stack.indexChanged.connect(self._edit_made)

    def _edit_made(self, index: int) -> None:
        """An edit of the chart (done or undone) while a layout runs: that layout was
        computed for the chart before it, so it is dropped. Other edits (a note, a label
        in the inspector) leave it be."""
        if not self.loader.busy():
            return
        stack = self.undo_stack
        touched = (stack.command(index - 1), stack.command(index))
        if any(isinstance(c, (StateCommand, FlagCommand, MoveCommand)) for c in touched):
            self.loader.cancel()

    def _when_laid_out(
        self,
        chart: ChartGraph,
        compute: Callable[[], Positions],
        then: Callable[[Positions], None],
        doing: str = "Laying out",
        style: ChartStyle | None = None,
    ) -> None:
        """`then(compute())`: at once for a chart of under `background_from` entities, else
        with `compute` on the pool, and with it the measures that `style` (default: the
        chart's style when the work ends) sizes and colours by, kept with the chart.
        `laidOut` is emitted once `then` has run."""
        if len(chart) < self.background_from:
            then(compute())
            self.laidOut.emit()
            return

        def work(_progress: object, _cancelled: object, _say: object) -> Positions:
            positions = compute()
            prepared(chart, style or self.chart_scene.chart_style)
            return positions

        self._then = then
        self.loader.request(work, f"{doing} {len(chart):,} entities…")

    def _background_done(self, positions: object) -> None:
        then, self._then = self._then, None
        if then is not None and isinstance(positions, dict):
            then(positions)
            self.laidOut.emit()

    def layout_running(self) -> bool:
        return bool(self.loader.busy())

    def setup_actions(self) -> None:
        specs: list[tuple[str, str, Any, Callable[[], object]]] = [
            ("fit", "Fit to view", "F", self.fit),
            ("hide", "Hide selected", "H", lambda: self.hide_ids(self.selected_ids())),
            (
                "show_all",
                "Show all",
                "Shift+H",
                lambda: self.hide_ids(self.chart_scene.hidden, False),
            ),
            ("pin", "Pin / unpin selected", "P", self.toggle_pin),
            ("expand", "Expand neighbours", "E", lambda: self.expand()),
            ("path", "Find path between the two selected", "T", lambda: self.find_path()),
            ("select_all", "Select all", QKeySequence.StandardKey.SelectAll, self.select_all),
            ("clear_path", "Clear path", "Escape", lambda: self.chart_scene.set_path([])),
            ("link", "Link…", "", lambda: self.request_link()),
            ("network", "Show the case network", "", lambda: self.show_scope("network")),
            ("whole", "Show the whole case", "", lambda: self.show_scope("whole")),
        ]
        self.actions_by_name = {}
        for name, text, keys, slot in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.actions_by_name[name] = action

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        node = self.node_at(event.pos())
        if node is not None and node.node_id not in self.chart_scene.selected:
            self._select([node.node_id])
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu(self) -> QMenu:
        """The right-click menu as it stands for the current selection."""
        menu = QMenu(self)
        two = len(self.chart_scene.selected) == 2
        for name in ("expand", "path", "link", "pin", "hide", "show_all", "fit"):
            action = self.actions_by_name[name]
            if name in ("path", "link"):
                action.setEnabled(two)
            menu.addAction(action)
        menu.addSeparator()
        whole = "network" not in self.chart.query and "subset" not in self.chart.query
        menu.addAction(self.actions_by_name["network" if whole else "whole"])
        return menu

    # -- state ---------------------------------------------------------------------------
    def state(self) -> ChartState:
        scene = self.chart_scene
        return ChartState(scene.chart, scene.positions(), set(scene.hidden), scene.pinned())

    def apply_state(self, state: ChartState) -> None:
        self.chart_scene.populate(
            state.chart, state.positions, hidden=state.hidden, pinned=state.pinned
        )
        self._after_rebuild()

    def _push_state(self, text: str, after: ChartState) -> None:
        self.undo_stack.push(StateCommand(text, self.apply_state, self.state(), after))

    # -- edits ---------------------------------------------------------------------------
    def select_all(self) -> None:
        self._select(self.chart_scene.visible_ids())

    def toggle_pin(self) -> None:
        ids = self.selected_ids()
        pinned = self.chart_scene.pinned()
        self.pin_ids(ids, not all(i in pinned for i in ids))

    def expand(self, ids: Iterable[str] | None = None, depth: int = 1) -> list[str]:
        """Add the neighbours of `ids` (default: the selection) from the case; existing
        entities keep their places and new ones settle around them. Returns the new ids."""
        seeds = sorted(set(self.selected_ids() if ids is None else ids))
        if not seeds:
            return []
        around = build_graph(self.case, focus=seeds, depth=depth)
        chart = self.chart
        wanted = set(chart.nodes) | set(around.nodes)
        new_ids = sorted(wanted - set(chart.nodes))
        if not new_ids:
            return []
        # The whole case cut down to the entities wanted: asking the store "among these
        # ids" is slow for many ids, the whole case is not.
        grown = build_graph(self.case).subgraph(wanted)
        pins, seed, state = self.chart_scene.positions(), self.seed, self.state()

        def expanded(positions: Positions) -> None:
            after = ChartState(grown, positions, state.hidden, state.pinned)
            self._push_state(f"Expand {len(new_ids):,} neighbours", after)

        self._when_laid_out(grown, lambda: layout(grown, "force", seed=seed, pinned=pins), expanded)
        return new_ids

    def show_scope(self, scope: str) -> None:
        """Show the case network or the whole case (undoable), laid out afresh."""
        whole = build_graph(self.case)
        chart = whole if scope == "whole" else case_network(self.case, whole)
        name, seed = self.layout_name, self.seed
        label = "the whole case" if chart is whole else "the case network"

        def shown(positions: Positions) -> None:
            self._push_state(f"Show {label}", ChartState(chart, positions))
            self.fit()
            self.tell(network_summary(chart))  # what it shows, and what it leaves out

        self._when_laid_out(chart, lambda: layout(chart, name, seed=seed), shown)

    def request_link(self) -> object:
        """ "Link…" on the two selected entities: the window's own path when there is one
        (its dialog and undoable LinkEntities, which every view hears of), else the same
        dialog and command here, the chart re-read after the link and after its undo."""
        ids = self.selected_ids()
        if len(ids) != 2:
            return None
        handler = getattr(self.window(), "link_selected", None)
        if self.window() is not self and callable(handler):
            return handler()
        from widgets.chart.linking import link_here

        return link_here(self, ids[0], ids[1])

    def reread(self) -> None:
        """Read the entities on the chart again from the case (after a link was drawn or
        taken back): places kept, edges as the case has them now. Not an undo step."""
        state = self.state()
        chart = build_graph(self.case).subgraph(state.chart.nodes)
        chart.query = {
            **chart.query,
            **{k: v for k, v in state.chart.query.items() if k in ("network", "of")},
        }
        kept = {i: state.positions[i] for i in chart.nodes if i in state.positions}
        seed = self.seed

        def placed(positions: Positions) -> None:
            self.apply_state(ChartState(chart, positions, state.hidden, state.pinned))

        if len(kept) == len(chart.nodes):
            placed(kept)
            return
        self._when_laid_out(chart, lambda: layout(chart, "force", seed=seed, pinned=kept), placed)

    def relayout(self, name: str, seed: int | None = None) -> None:
        """Lay the chart out again by `name`; pinned entities stay where they are (force)."""
        state, chosen = self.state(), self.seed if seed is None else seed
        pins = {i: state.positions[i] for i in state.pinned} if name == "force" else None

        def relaid(positions: Positions) -> None:
            self.layout_name, self.seed = name, chosen
            after = ChartState(state.chart, positions, state.hidden, state.pinned)
            self._push_state(f"Lay out: {name}", after)
            self.fit()

        self._when_laid_out(
            state.chart, lambda: layout(state.chart, name, seed=chosen, pinned=pins), relaid
        )

    def set_style(self, style: ChartStyle) -> None:
        """Colour and size by other measures (not an edit: a view setting, kept by saved
        views); a big chart's measures are worked out on the pool first."""
        if self.layout_running():
            # The chart being laid out takes this style when it lands (its measures are
            # worked out with the layout): a new look never throws a layout away.
            self.chart_scene.chart_style = style
            self.tell("The new look applies when the layout is done.")
            return
        chart, positions = self.chart, self.chart_scene.positions()

        def restyled(_positions: Positions) -> None:
            self.chart_scene.restyle(style)
            self._after_rebuild()

        def measured() -> Positions:
            prepared(chart, style)
            return positions

        self._when_laid_out(chart, measured, restyled, doing="Measuring")

    # -- questions -----------------------------------------------------------------------
    def find_path(self, a: str | None = None, b: str | None = None) -> list[str] | None:
        """Highlight the shortest path (fewest hops) between a and b, default the two
        selected entities, over the entities on the chart; returns it (None: no path)."""
        if a is None or b is None:
            picked = self.selected_ids()
            if len(picked) != 2:
                return None
            a, b = picked
        found = shortest_path(self.chart, a, b)
        self.chart_scene.set_path(found or [])
        return found

    def most_connected(self, measure: str = "degree", n: int = 10) -> list[tuple[str, str, float]]:
        """The top `n` entities by `measure`: (id, label, score), highest first."""
        nodes = self.chart.nodes
        return [(i, nodes[i].label or i, s) for i, s in ranked(scores(self.chart, measure), n)]

    # -- saved views -----------------------------------------------------------------------
    def save_view(self, name: str) -> saved_views.SavedView:
        scene = self.chart_scene
        focus = self.chart.query.get("focus")
        view = saved_views.SavedView(
            name=name,
            positions=scene.positions(),
            hidden=sorted(scene.hidden),
            pinned=sorted(scene.pinned()),
            style=scene.chart_style.as_dict(),
            focus=sorted(self.chart.nodes) if focus is not None else None,
            depth=0 if focus is not None else 1,
            layout=self.layout_name,
            seed=self.seed,
        )
        return saved_views.save_view(self.case, view)

    def open_view(self, name: str) -> None:
        """Show a saved view (undoable): its entities where they were saved, new ones
        (the case grew since) laid out around them."""
        view = saved_views.load_view(self.case, name).current(self.case)
        chart = build_graph(self.case, focus=view.focus, depth=view.depth)
        pins = view.positions_in(chart)

        def opened(positions: Positions) -> None:
            self.chart_scene.chart_style = ChartStyle.from_dict(view.style)
            after = ChartState(chart, positions, set(view.hidden), set(view.pinned))
            self._push_state(f"Open view {name}", after)
            self.fit()

        self._when_laid_out(
            chart,
            lambda: layout(chart, "force", seed=view.seed, pinned=pins),
            opened,
            style=ChartStyle.from_dict(view.style),
        )
