"""The figures and their checks: the articles, the data package as read and as checked, the figures, their arithmetic.

Owns everything that comes from seeds/ and data/: where they are (paths), reading them (seeds, package), checking
them (validation, problems) and the one cache of a checked package (store), the number grammar (lexicon, parse,
bounds, formatting), and the tables built from a checked package (table, companions, context, coverage). It imports
nothing else of kzfigures; every other layer reads the data through it.
"""
