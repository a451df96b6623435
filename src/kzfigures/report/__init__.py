"""The report: executing notebooks and turning them into the HTML report.

Owns execute (one notebook in a fresh kernel), kernels (kernels forked from a warm process), build (the whole build
and its swap), pages (a notebook as a page for readers), folders (where a build may write) and cache (built pages
keyed on everything that can change them). It may import from every other layer; nothing but ``kzfigures.cli``
imports from it.
"""
