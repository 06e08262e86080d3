"""The chart's grid filing (numpy) puts every point and line box in the cells a plain loop
over the cells would: the pan indexes depend on it to find what a repainted strip holds."""

from __future__ import annotations

import math
import random

import numpy as np

from widgets.chart import cells


def test_boxes_are_filed_under_every_cell_they_touch() -> None:
    rng = random.Random(7)
    lines = [[rng.uniform(-3000, 3000) for _ in range(4)] for _ in range(500)] + [
        [0.0, 0.0, 0.0, 0.0],
        [399.9, 0.0, 400.0, 0.0],
        [-1.0, -1.0, 5000.0, 5000.0],
    ]
    grid, long = cells.boxes(np.array(lines), 400.0, 48)
    expected: dict[tuple[int, int], list[int]] = {}
    expected_long = []
    for i, (ax, ay, bx, by) in enumerate(lines):
        x0, x1 = sorted((math.floor(ax / 400), math.floor(bx / 400)))
        y0, y1 = sorted((math.floor(ay / 400), math.floor(by / 400)))
        if (x1 - x0 + 1) * (y1 - y0 + 1) > 48:
            expected_long.append(i)
            continue
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                expected.setdefault((cx, cy), []).append(i)
    assert grid == expected and long == expected_long
    assert len(long) > 10 and len(grid) > 100  # both kinds were exercised


def test_points_are_filed_under_their_cell() -> None:
    rng = random.Random(3)
    xy = [(rng.uniform(-500, 500), rng.uniform(-500, 500)) for _ in range(300)]
    grid = cells.points(np.array(xy), 120.0)
    expected: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(xy):
        expected.setdefault((math.floor(x / 120), math.floor(y / 120)), []).append(i)
    assert grid == expected
    assert cells.points(np.zeros((0, 2)), 120.0) == {}
    assert cells.boxes(np.zeros((0, 4)), 400.0, 48) == ({}, [])
