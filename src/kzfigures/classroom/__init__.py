"""The classroom: the lessons' checks, the student edition and nbgrader's metadata, and the teacher's guide.

Owns lessons (checks that give feedback, never raise, and the answer key), edition (the student edition, hidden
solutions, nbgrader's cell metadata from the markers), exercises (a lesson from any curated article: exercises
chosen from its table, checked against it), printables and guide (the guide's computed passages). It imports from
``kzfigures.figures``, ``kzfigures.charts`` and ``kzfigures.collection``, never from the build.
"""
