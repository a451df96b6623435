"""The figures and their checks: the articles, the data package as read and as checked, the figures, their arithmetic.

Owns everything that comes from seeds/ and data/: where they are (paths), reading them (seeds, package), checking
them (validation, problems) and the one cache of a checked package (store), the number grammar (lexicon, parse,
bounds, formatting), the tables built from a checked package (table, companions, context, coverage), and the basics
every layer shares: files written whole and one writer at a time (files), an article's citation (citation). It
imports nothing else of kzfigures; every other layer reads the data through it.
"""
