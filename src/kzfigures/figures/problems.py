"""What the validator reports: each problem names its file, row and column, and the article it is of (if any)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data package, with where it is; ``article`` is the article's id when the problem is
    one article's own (its rows, its proposals, its numbers), empty when it is the whole package's."""

    file: str
    row: str
    column: str
    message: str
    article: str = ""

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.message}"


def by_article(problems: list[Problem]) -> tuple[list[Problem], dict[str, list[Problem]]]:
    """The package-wide problems, and each article's own (article id -> its problems, in order)."""
    whole: list[Problem] = []
    own: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.article:
            own.setdefault(problem.article, []).append(problem)
        else:
            whole.append(problem)
    return whole, own


def article_line(article: str, problems: list[Problem], pages: list[str] | None = None) -> str:
    """One line for an article whose own problems keep its pages out of the report: how many, the first, what to
    run (``kzfigures validate`` lists the same problems)."""
    named = f" ({', '.join(pages)} not built)" if pages else ""
    return (f"article {article}{named}: {len(problems)} problem(s), first: {problems[0]}; run `kzfigures validate` "
            "to see every one")


class DataPackageError(ValueError):
    """The data package has problems; ``problems`` lists every one of them (``article``: they are one article's)."""

    def __init__(self, problems: list[Problem], article: str = ""):
        self.problems = list(problems)
        self.article = article
        lines = "\n".join(f"  - {p}" for p in self.problems)
        what = f"article {article}" if article else "the data package"
        super().__init__(f"{what} has {len(self.problems)} problem(s):\n{lines}")
