"""PyInstaller runtime hook (app.spec): stand-ins for PySide6.QtOpenGL and QtOpenGLWidgets.

pyqtgraph (the timeline) imports both modules when it loads, for its optional OpenGL drawing,
and their bindings with the Qt libraries behind them weigh about 10 MB. Threadline never turns
that drawing on (pyqtgraph's `useOpenGL` option stays False, and no widget of ours is an
OpenGL widget), so the bundle leaves them out and these stand-ins answer the imports instead.
Anything that really reaches for OpenGL gets an error saying why, not a wrong picture.
tests/test_bundle.py draws the timeline from the bundle to prove the stand-ins suffice.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, NoReturn

MESSAGE = "OpenGL drawing is not part of the Threadline bundle (see app.spec)"
STAND_INS = {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"}


def _unavailable(name: str) -> NoReturn:
    raise ImportError(f"{MESSAGE}: {name}")


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        if module.__name__ == "PySide6.QtOpenGLWidgets":
            from PySide6.QtWidgets import QWidget

            # pyqtgraph subclasses it at import time, so it must be a real class.
            class QOpenGLWidget(QWidget):
                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    _unavailable("QOpenGLWidget")

            QOpenGLWidget.__module__ = module.__name__
            module.QOpenGLWidget = QOpenGLWidget  # type: ignore[attr-defined]
        else:
            # AttributeError, as the protocol wants: hasattr() and getattr(m, "__file__", None)
            # (inspect, pickle, ...) must keep working on the module.
            def __getattr__(name: str) -> NoReturn:
                raise AttributeError(f"{MESSAGE}: QtOpenGL.{name}")

            module.__getattr__ = __getattr__  # type: ignore[method-assign]


class _StandInFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in STAND_INS:
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader())
        return None


sys.meta_path.insert(0, _StandInFinder())
