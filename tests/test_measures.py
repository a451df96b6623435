"""Issue 30, what is counted: a figure's `measure` is what it counts in the article's words, read from its sentence
when the words after the number name only its unit (docs/conventions.md, "Units and currencies"). Each row is a
sentence written for this test, the phrase of one figure in it, and the measure the draft must propose."""
from __future__ import annotations

import pytest

from kzfigures import draft_text

# text (ours), the figure's phrase, the measure proposed
MEASURES = [
    # what the figure is part of, after "of" (a unit between, or two: "billions of barrels of oil")
    ("The council spent 40% of its yearly road budget.", "40%", "yearly road budget"),
    ("They own 12.5% of the club.", "12.5%", "club"),
    ("The port handled about 900 tonnes of copper ore last month.", "about 900", "copper ore"),
    ("Rivals control 30 pct of all taxis and minicabs in the city.", "30 pct", "taxis and minicabs"),
    ("The field may hold billions of barrels of crude oil.", "billions", "crude oil"),
    ("The debate lasted 20 hours of heated argument.", "20 hours", "heated argument"),
    # what a noun of change after the figure changes; the words between the unit and the noun
    ("The firm reported a 4% increase in ticket sales.", "4%", "ticket sales"),
    ("Lawmakers approved a $90bn rise in what the state can borrow.", "$90bn", "what the state can borrow"),
    ("He backed a half-point mortgage rate rise to 6 pct.", "a half", "mortgage rate"),
    # a noun phrase an article opens, after a currency or a unit
    ("Together with a $70bn trade gap, the deficit worries markets.", "$70bn", "trade gap"),
    ("The show runs in a two-week period in May.", "two", "period"),
    # the noun phrase before "of"
    ("Ministers set an inflation target of 2% for next year.", "2%", "inflation target"),
    ("She won the top prize of £5,000 on Friday.", "£5,000", "top prize"),
    # the subject of a verb of change or level (past an opening phrase, cut at its first preposition)
    ("Last year, bus fares in the region rose by 3.5% to £2.40.", "3.5%", "bus fares"),
    ("Last year, bus fares in the region rose by 3.5% to £2.40.", "£2.40", "bus fares"),
    ("Steel output fell 2 pct while car exports rose 4 pct.", "4 pct", "car exports"),
    ("It said that in 2003 Lisbon's imports fell by 7 pct.", "7 pct", "Lisbon's imports"),
    ("Grain stocks on farms in the north were put at 12 mln tonnes.", "12 mln", "Grain stocks"),
    ("Rail traffic in the Example Transit Area (ETA) increased by 5 pct.", "5 pct", "Rail traffic"),
    ("The ministry expects wages to rise by 3 pct next year.", "3 pct", "wages"),
    ("On Tuesday, the pound was close to a record low against the euro at below €1.10.", "below €1.10", "pound"),
    ("The number of lost passports has leapt by 40% in two years.", "40%", "number of lost passports"),
    # the object of a verb before "by", "at"
    ("The central bank cut its lending rate by a quarter point.", "a quarter", "lending rate"),
    ("The offer would value the brewer at £2bn ($2.6bn).", "£2bn", "brewer"),
    # a list that leaves out its verb; a verb before the noun phrase of "of"; a noun in -ing
    ("Shares of Acme and Foo were down 2.3%, Bar Corp by 2.6%.", "2.6%", "Bar Corp"),
    ("The board would impose fines of £5,000 on late payers.", "£5,000", "fines"),
    ("Card payments made up under 20 percent of household spending.", "under 20 percent", "household spending"),
    ("Sensors saw river levels rise 2 metres overnight.", "2", "river levels"),
    # a conversion counts what the figure it converts counts
    ("The offer would value the brewer at £2bn ($2.6bn).", "$2.6bn", "brewer"),
    # a noun of change with "in" before the figure; the level after it
    ("This came after a decline in copper production to 1.2 mln tonnes.", "1.2 mln", "copper production"),
    # a counted noun stays as it was; a duration takes no subject; a pronoun is no measure
    ("More than 2,000 nurses went on strike.", "More than 2,000", "nurses"),
    ("The mayor was away for two weeks in June.", "two weeks", "weeks"),
    ("It rose 4 pct in May.", "4 pct", "percent"),
    ("This followed a small rise in March of 300 tonnes.", "300", "tonnes"),
    ("The court has deemed 12 groups to be violent and four as extremist.", "four", "(to be described)"),
]


@pytest.mark.parametrize("text, phrase, measure", MEASURES, ids=[f"{t[:40]}|{p}" for t, p, _ in MEASURES])
def test_a_figure_counts_what_its_sentence_says(text, phrase, measure):
    table = draft_text(text)
    rows = table[table.number_text == phrase]
    assert len(rows) == 1, table[["number_text", "measure"]].to_dict("records")
    assert rows.iloc[0].measure == measure, table[["number_text", "measure"]].to_dict("records")
