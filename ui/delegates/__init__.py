"""Painting delegates: no widget per photo, everything is drawn.

A widget per photo costs memory and layout time for every picture in the library; a
delegate paints only the rows on screen, so 100,000 pictures cost no more than ten.
"""
