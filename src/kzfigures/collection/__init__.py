"""The notebook collection as files: finding the notebooks, their titles, parameters and rules, and navigation.

Owns listing (listing and describing notebooks, notebook JSON), params (one rule per parameter, checked before
anything runs) and navigation (previous / contents / next, generated). It reads notebooks, never runs them, and
imports only from ``kzfigures.figures`` and ``kzfigures.charts``.
"""
