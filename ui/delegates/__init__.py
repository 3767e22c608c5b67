"""Painting delegates: no widget per photo, everything is drawn (house style 10)."""
