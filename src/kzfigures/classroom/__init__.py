"""The classroom: the lessons' checks, the student edition and nbgrader's metadata, and the teacher's guide.

Owns lessons (checks that give feedback, never raise, and the answer key), edition (the student edition, hidden
solutions, nbgrader's cell metadata from the markers) and guide (the guide's computed passages). It imports from
``kzfigures.figures``, ``kzfigures.charts`` and ``kzfigures.collection``, never from the build.
"""
