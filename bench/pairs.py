"""Interleaved pairs: run A, then B, several times over, and compare within pairs.

The machine is shared and noisy; a ratio taken within one A-B pair cancels most of
what the neighbours do, where two separate series of runs would not.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PairResult:
    """Each side's figures, and the ratio A / B of every pair."""

    a: list[float]
    b: list[float]

    @property
    def ratios(self) -> list[float]:
        """A / B within each pair."""
        return [a / b for a, b in zip(self.a, self.b, strict=True)]

    def report(self, what: str, a_name: str, b_name: str, unit: str) -> str:
        """Lines for the terminal: both series, the median ratio and its spread."""
        ratios = self.ratios
        return "\n".join(
            [
                f"{a_name}: " + ", ".join(f"{v:,.1f}" for v in self.a) + f" {unit}",
                f"{b_name}: " + ", ".join(f"{v:,.1f}" for v in self.b) + f" {unit}",
                f"{what}: median {statistics.median(ratios):.2f}x "
                f"(spread {min(ratios):.2f}-{max(ratios):.2f}x over "
                f"{len(ratios)} pairs)",
            ]
        )


def interleave(
    run_a: Callable[[], float], run_b: Callable[[], float], pairs: int
) -> PairResult:
    """Run A B A B ... `pairs` times; each run returns its figure."""
    a: list[float] = []
    b: list[float] = []
    for number in range(pairs):
        a.append(run_a())
        b.append(run_b())
        print(f"  pair {number + 1}: {a[-1]:,.2f} / {b[-1]:,.2f}", flush=True)
    return PairResult(a, b)
