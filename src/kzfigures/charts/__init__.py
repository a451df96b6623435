"""Views and charts: reader-facing slices and words of the figures, drawn charts, and what a notebook publishes.

Owns views (tables for reading), plotting (every chart, with its title, alt text and caption) and outputs (the files a
notebook writes for the report, and their reader). It imports only from ``kzfigures.figures``.
"""
