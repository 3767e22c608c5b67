"""WCAG 2.x contrast between two colours (plain numbers, no Qt): how the window checks
that its painted text is readable in light and dark themes.

The formulas are WCAG 2.2's "relative luminance" and "contrast ratio"; text needs 4.5:1
(level AA), large text (18 pt, or 14 pt bold) 3:1. Nothing the delegates paint is large.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

AA_TEXT = 4.5  # normal text, WCAG 2.2 success criterion 1.4.3
AA_LARGE_TEXT = 3.0  # text of 18 pt, or 14 pt bold, and larger


def _linear(channel: int) -> float:
    """One sRGB channel (0-255) as linear light (WCAG's formula, its 0.04045 threshold)."""
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """0.0 for black to 1.0 for white."""
    r, g, b = rgb
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """From 1.0 (the same colour) to 21.0 (black on white); the order does not matter."""
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)
