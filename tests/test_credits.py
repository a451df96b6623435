"""Who says so (issue 30 part 5), found by reading real news (the dev set of benchmarks/news_keys.json): sentences
written here in the shapes the articles use. Precision first: a wrong credit is worse than none."""
from __future__ import annotations

import pytest

from kzfigures import draft_text

# text, a phrase whose first number is looked up, its credit, its attribution
CREDITS = [
    # more verbs of saying, in the present and with an auxiliary
    ("The Foundation for Tests claims that the browser was downloaded 8 million times.", "8 million",
     "Foundation for Tests", "explicit"),
    ("Jones expects the bank to raise its rate from 5 pct within weeks.", "5 pct", "Jones", "explicit"),
    ("The Electronics Group has predicted that sales will reach $125 billion.", "$125", "Electronics Group",
     "explicit"),
    ("Staff rule on an application every 11 minutes, MPs have said.", "11", "MPs", "explicit"),
    # a newswire marks a company's name with angle brackets
    ("<Example Trading Co> said a writeoff of 40.4 mln dlrs cut its profit.", "40.4", "Example Trading Co",
     "explicit"),
    # "added" with an object is no saying
    ("On Friday, the Fed added reserves via one billion dlrs of agreements.", "one billion", "", "narration"),
    ("The bank added 5 staff, Jane Doe added.", "5", "Jane Doe", "explicit"),
    # a pronoun names the speaker named in the sentence just before (or the one before that), never further
    ("Jane Doe said sales rose. She said profit fell 5% in March.", "5%", "Jane Doe", "inferred"),
    ("Jones said rates would rise. He believes they will reach 8 pct.", "8", "Jones", "inferred"),
    ("Jones said rates would rise. He believes so. Given that, he said rates may reach 9 pct.", "9", "Jones",
     "inferred"),
    ("Paul Example told a press conference. “If you impose five pct, we close,” he said.", "five", "Paul Example",
     "inferred"),
    ("Jane Doe said it. Sales rose. Costs rose. Prices rose. He said profit fell 5%.", "5%", "", "none"),
    ("“We sold 40 cars,” he said.", "40", "", "none"),
    ("The firm sold 30 vans. “We sold 40 cars,” he said.", "40", "", "none"),
    # "according to" names a source, not a person a pronoun could stand for
    ("Prices rose, according to the Office for Tests. He said costs rose 5%.", "5%", "", "none"),
    # a quotation that opens a sentence right after its speaker's sentence is the speaker's
    ("Lord Example said the policy would help. “We help the 151,000 clubs.” The Tories say it failed.", "151,000",
     "Lord Example", "inferred"),
    ("Lord Example spoke. “We help the 151,000 clubs.” The Tories say it failed.", "151,000", "", "none"),
    # the narrator's next sentence is still nobody's
    ("Jane Doe said sales rose. The firm sold 30 vans.", "30", "", "narration"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", CREDITS, ids=[f"{t[:40]}|{p}" for t, p, *_ in CREDITS])
def test_credit_as_news_writes_it(text, phrase, credit, attribution):
    at = text.index(phrase)
    table = draft_text(text)
    (row,) = table[(table.number_start <= at) & (at < table.number_end)].itertuples()
    assert (row.credit, row.attribution) == (credit, attribution)


def test_a_pronoun_before_a_quotation_stands_for_the_speaker_just_named():
    text = "Jane Doe met us. Jane Doe said prices rose. He said: “We sold 40 cars.”"
    (row,) = draft_text(text).itertuples()
    assert (row.credit, row.attribution) == ("Jane Doe", "inferred")


# shapes of the dev set's Reuters articles
MORE = [
    ("Josef Example, chief economist of the West German Example-Institut, said revenue would be some 11 billion "
     "marks below estimates.", "11 billion", "Josef Example", "explicit"),
    ("Peter Example, spokesman for Example Bank AG said rates may fall to 5 pct.", "5 pct", "Peter Example",
     "explicit"),
    ("The Example Institute, a leading research body, is still expecting growth of three pct.", "three",
     "Example Institute", "explicit"),
    ("Stoltenberg declined to comment on what he would consider an undervalued dollar but said a dollar around "
     "1.80 marks created problems.", "1.80", "Stoltenberg", "explicit"),
    ("Stoltenberg noted that exports fell by two pct.", "two pct", "Stoltenberg", "explicit"),
    # an apposition needs its name before it: a clause between commas is no speaker's
    ("In 1986, when exports fell 5 pct, analysts said little.", "5 pct", "", "narration"),
    ("Sales rose. Exports, which fell 5 pct in 1986, said nothing of it.", "5 pct", "", "none"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", MORE, ids=[f"{t[:40]}|{p}" for t, p, *_ in MORE])
def test_credit_with_an_apposition_or_a_second_verb(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


@pytest.mark.parametrize("text, phrase, credit, attribution", [
    ("As the dollar fell to a 40-year low against the yen Friday, currency traders said the Fed acted.", "40", "",
     "narration"),  # a day is no speaker, and "currency traders" no apposition of it
    ("Sales rose 5% on Monday, Jane Doe said.", "5%", "Jane Doe", "explicit"),
], ids=["a day before traders said", "a name after a day"])
def test_a_day_is_never_a_speaker(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


@pytest.mark.parametrize("text, phrase, credit, attribution", [
    # "it said" stands for the organisation just named as a speaker
    ("Interior wants to open the 1.5 million acre plain, but it said only with safeguards. It said the region could "
     "hold billions of barrels.", "billions", "Interior", "inferred"),
    # a group speaks in between: "they" stands for the group, never for the person named further back ("he": no one)
    ("Hofer said the tax would hurt. Dealers said the rate is 12 pct. They said it would fall to 5 pct.", "5 pct",
     "Dealers", "inferred"),
    ("Hofer said the tax would hurt. Gold dealers said trade fell. He said it would fall to 5 pct.", "5 pct", "",
     "none"),
    # a quotation opening its sentence after a "he said" is the speaker that pronoun stands for
    ("But Mr Example said Britain had fallen. “Can we compete?” he said. “We plan on saving £12bn by 2008.”", "£12bn",
     "Example", "inferred"),
], ids=["it said", "they after dealers", "he after dealers", "quote after he said"])
def test_a_pronoun_stands_for_the_nearest_speaker(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


def test_a_word_opening_the_sentence_is_no_part_of_the_name():
    test_credit_as_news_writes_it("But Mr Example said Britain had fallen 7 places.", "7", "Example", "explicit")


def test_a_subject_s_but_said_credits_what_follows_it_only():
    text = "Interior wants to open the 1.5 million acre plain, but it said only 19 pct of it may hold oil."
    test_credit_as_news_writes_it(text, "1.5", "", "narration")
    test_credit_as_news_writes_it(text, "19", "Interior", "explicit")


def test_a_capitalised_subject_after_a_comma_is_the_speaker_not_an_apposition():
    text = "The drop came from exports from Centrally Planned Economies, the IEA said, to 15.5 bpd."
    test_credit_as_news_writes_it(text, "15.5", "IEA", "explicit")


# a quotation over paragraphs opens each again without closing the one before (BBC style)
RUNS_ON = [
    ('"I am fit again," said Dana Example. "I trained every day. "It would take two or three months. '
     '"Those five months were long."', "five", "Dana Example", "inferred"),
    ('Joe Example, a specialist at Example Thornton, said support was "utterly crucial". "The bid needs it. '
     '"The shares will need a price of about 300 pence, maybe 305. "Then it could go ahead."', "305",
     "Joe Example", "inferred"),
    ('"We sold 40 cars." The firm sold 30 vans. "It was hard," said Jane Doe.', "30", "", "narration"),
    ('He said "yes" to 3 offers.', "3", "", "none"),  # someone says it: never the narrator's
]


@pytest.mark.parametrize("text, phrase, credit, attribution", RUNS_ON, ids=[f"{t[:40]}|{p}" for t, p, *_ in RUNS_ON])
def test_a_quotation_running_on_over_paragraphs_is_its_speaker_s(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


def test_quotations_are_found_in_one_pass_and_an_unclosed_mark_opens_nothing():
    from kzfigures.figures.draft import quotations

    text = 'A "b" c. "D e. "F g." H "' + "x" * 3100
    assert quotations(text) == [(2, 5), (9, 21)]


# lower-case and institutional sources (issue 30): phrases written here in the shapes news uses; each rule is written
# once in docs/conventions.md
SOURCES = [
    # a group that speaks, as written, for the words it reports
    ("Copper fell 3 pct in thin trade, metal dealers said.", "3 pct", "dealers", "explicit"),
    ("Some analysts said profit would rise 10 pct.", "10 pct", "analysts", "explicit"),
    ("Example Valley researchers say the dam will be full in 15 years.", "15 years", "Example Valley researchers",
     "explicit"),
    ("Officials estimate 300 homes were flooded.", "300", "Officials", "explicit"),
    ("When the pound fell to a 12-year low on Monday, currency traders said the bank sold 3 billion dlrs.", "12", "",
     "narration"),  # before the reporting clause, mid-sentence: the narrator's
    ("When the pound fell to a 12-year low on Monday, currency traders said the bank sold 3 billion dlrs.",
     "3 billion", "currency traders", "explicit"),
    # a source named by its role: the speaker named before it whose name holds the role's word, or as written
    ("Imports rose 4 pct, according to the ministry.", "4 pct", "the ministry", "explicit"),
    ("About 900 people work at the quay, according to the port authority.", "About 900", "the port authority",
     "explicit"),
    # a body whose data or figures show it
    ("Example Statistical Board data published in the weekly Example Gazette showed output was up 0.8 pct.",
     "0.8 pct", "Example Statistical Board", "explicit"),
    ("Official figures show output fell 2 pct.", "2 pct", "", "narration"),  # no one named
    ("<Example Mills Inc> said it would close a plant. The company said sales fell 12 pct.", "12 pct",
     "Example Mills Inc", "explicit"),
    ("The Example Rivers Federation said the plan was flawed. The federation, in letters to mayors, proposed a "
     "nine-member panel.", "nine", "Example Rivers Federation", "explicit"),
    ("The Example Rivers Federation opposed the plan. The federation, in letters to mayors, proposed a "
     "nine-member panel.", "nine", "The federation", "explicit"),  # no speaker holds its word: as written
    ("The company reported an operating profit of 33 mln dlrs.", "33", "", "narration"),  # posting a result: no saying
    # a spokesman's body; a person's age between commas
    ("A spokeswoman for the Example Rail Authority said 40 trains were cancelled.", "40", "Example Rail Authority",
     "explicit"),
    ("The Treasury's spokesman said 40 staff left.", "40", "The Treasury", "explicit"),
    ("An Example Water spokesman said 70 pct of pipes were checked.", "70 pct", "Example Water", "explicit"),
    ("Dana Example, 52, said she paid 300 dlrs for the permit.", "300", "Dana Example", "explicit"),
    # the source after the verb; a newswire's headline
    ("Emissions fell 12 pct last year, said the EPA.", "12 pct", "EPA", "explicit"),
    ("EXAMPLE CORP SAYS PROFIT UP 15 PCT", "15", "EXAMPLE CORP", "explicit"),
    # a source merely mentioned is no credit
    ("More than 63,000 phones were lost, according to a survey.", "63,000", "", "none"),
    ("The report sent to officials puts the cost at 5 mln dlrs.", "5 mln", "", "none"),  # the report's, not ours
    ("Analysts said rates would rise. He said they would reach 6 pct.", "6 pct", "", "none"),  # a group is no "he"
    # a source named after a few words ("according to a report by X"); a role with a word before it, as written
    ("According to a report by the Example Transit Institute, more than 40,000 residents ride buses.", "40,000",
     "Example Transit Institute", "explicit"),
    ("Spending grew by 8 percent last year, the health ministry said.", "8 percent", "the health ministry",
     "explicit"),
    ("Rents rose 6 pct, said the housing ministry.", "6 pct", "the housing ministry", "explicit"),
    # someone unnamed says it: no one named, and never the narrator's
    ("An official, who asked not to be named, said the real figure was closer to 30.", "30", "", "none"),
    # an age describing a speaker is the reporter's words, not the speaker's
    ("Fares rose, said Dana Example, 34, who rides the bus daily.", "34", "", "narration"),
    ("Dana Example, 52, said she paid 300 dlrs for the permit.", "52", "", "narration"),
    ("Jane Doe said that in Paris, 12, 15 and 20 homes burned.", "12", "Jane Doe", "explicit"),  # a list, no age
    ("The council has a say over 30 homes.", "30", "", "narration"),  # "a say" says nothing
    ("All told, 300 people came.", "300", "", "narration"),  # "all told" tells nothing
    # a run of "she said" sentences, each standing for the one before, however long
    ("Jane Doe said sales rose 1 pct. She said costs rose 2 pct. She said profit fell 3 pct. She added that staff "
     "fell 4 pct. She said rents rose 5 pct.", "5 pct", "Jane Doe", "inferred"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", SOURCES, ids=[f"{t[:40]}|{p}" for t, p, *_ in SOURCES])
def test_a_lower_case_or_institutional_source(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


# with a publisher: the article's own words are its publisher's; a sentence that credits someone of its own never is
WITH_PUBLISHER = [
    ("The firm sold 30 vans.", "30", "The Daily Example"),
    # someone else's count, after the number or before it (a fourth adversarial pass): never the publisher's; the
    # one who counts or puts the number at it when named
    ("Some 300 people marched, police estimated.", "300", ""),
    ("Organisers put the number at 2,000.", "2,000", "Organisers"),
    ("Witnesses counted at least 20 tanks.", "20", "Witnesses"),
    ("The Example Institute puts the cost of the repairs at $5 million.", "$5", "Example Institute"),
    ("Some estimates put the total at 15,000.", "15,000", ""),  # no one named, and not the narrator
    ("Reports have put the offer at 300 pence a share.", "300", ""),
    ("Figures put the loss at 300 jobs.", "300", ""),
    ("An estimated 300 people marched.", "300", "The Daily Example"),  # a bound word, said by the narrator
    ("According to a report by the Example Transit Institute, more than 40,000 residents ride buses.", "40,000",
     "Example Transit Institute"),
    ("Spending grew by 8 percent last year, the health ministry said.", "8 percent", "the health ministry"),
    ("An official, who asked not to be named, said the real figure was closer to 30.", "30", ""),
    ("More than 63,000 phones were lost, according to a survey.", "63,000", ""),
    ("Jane Doe said it. Sales rose. Costs rose. Prices rose. He said profit fell 5%.", "5%", ""),
    ("Fares rose, said Dana Example, 34, who rides the bus daily.", "34", "The Daily Example"),
    ("When the pound fell to a 12-year low on Monday, currency traders said the bank sold 3 billion dlrs.", "12",
     "The Daily Example"),  # the narrator's clause before the reporting one
]


@pytest.mark.parametrize("text, phrase, credit", WITH_PUBLISHER, ids=[f"{t[:40]}|{p}" for t, p, _ in WITH_PUBLISHER])
def test_a_publisher_is_credited_with_the_narration_only(text, phrase, credit):
    at = text.index(phrase)
    table = draft_text(text, publisher="The Daily Example")
    (row,) = table[(table.number_start <= at) & (at < table.number_end)].itertuples()
    assert row.credit == credit


def test_closer_to_a_number_is_about_it():
    (row,) = draft_text("An official said the real figure was closer to 30.").itertuples()
    assert (row.lower, row.upper, row.bound) == (30, 30, "approximate")


# issue 30's known misses, in phrases written here: a relative clause of saying, a group tied to a body, an
# organisation named in lower case, an apposition with an age and a relative clause
SPEAKERS = [
    # "who told … that": the clause is the speaker's, the rest of the sentence the narrator's
    ("Bush, who told reporters on Tuesday that the deficit would fall 40 pct by 2009, left for Ohio.", "40 pct",
     "Bush", "explicit"),
    ("Bush, who told reporters that the deficit would fall by 4,000 dlrs, left for Ohio.", "4,000", "Bush",
     "explicit"),
    ("The plan was praised by Jane Example, who said that 300 homes would be built.", "300", "Jane Example",
     "explicit"),
    ("Bush, who told reporters that the deficit would fall 40 pct, left with 300 aides.", "300", "", "narration"),
    ("The latest was President Jane Example herself, who told the Example Summit (ES) in Lima that she would cut "
     "the deficit by 40 pct.", "40 pct", "Jane Example", "explicit"),
    # a group tied to a body ("sources close to the ministry"): the group, never the body, never whom they told
    ("Sources close to the ministry told Example News that 300 people were detained.", "300",
     "Sources close to the ministry", "explicit"),
    ("300 troops left, sources close to the Ministry of Defence told Example News.", "300",
     "sources close to the Ministry of Defence", "explicit"),
    ("People close to the Ministry of Defence said 300 troops left.", "300", "", "none"),
    ("According to sources close to the Ministry of Defence, 300 troops left.", "300", "", "none"),
    ("Officials in Example Province said 5 pct of plants closed.", "5 pct", "Officials in Example Province",
     "explicit"),
    ("Sources close to the ministry said 300 people were held. He said 40 were freed.", "40", "", "none"),
    ("Prices fell 5 pct, traders told reporters.", "5 pct", "traders", "explicit"),
    # an organisation as speaker, what it is of in lower case
    ("The ministry of labour said 4,000 jobs were lost.", "4,000", "The ministry of labour", "explicit"),
    ("Jobs fell by 4,000, according to the ministry of labour.", "4,000", "the ministry of labour", "explicit"),
    ("The president of the company said profit rose 5 pct.", "5 pct", "The president of the company", "explicit"),
    # a role with two words before it; a body whose data, report or study shows it
    ("Inflation eased to 0.4% in June, according to the national statistics office.", "0.4%",
     "the national statistics office", "explicit"),
    ("Fares will rise by 8% in April, the operator said on Tuesday.", "8%", "the operator", "explicit"),
    ("Data from the Office for Example Statistics showed prices rose 5 pct in May.", "5 pct",
     "Office for Example Statistics", "explicit"),
    ("A report by the Example Transit Institute found that 40% of riders walk.", "40%", "Example Transit Institute",
     "explicit"),
    ("A new study from Example University suggests 30 pct of bees died.", "30 pct", "Example University",
     "explicit"),
    ("The study found 40% of riders walk.", "40%", "", "narration"),  # no one named
    ("Data from the survey showed 5 pct of people agreed.", "5 pct", "", "narration"),
    ("The ruling party in the national assembly said 30 seats were won.", "30", "", "none"),
    # more verbs of saying, a speaker's and an unnamed one's (never the narrator's)
    ("Jane Example explained that 40 pct of the fleet was idle.", "40 pct", "Jane Example", "explicit"),
    ("Fares rose 5 pct, Jane Example argued.", "5 pct", "Jane Example", "explicit"),
    ("An official explained that 30 boats were idle.", "30", "", "none"),
    ("Jane Example said boats were idle. She stressed that 30 were.", "30", "Jane Example", "inferred"),
    # an apposition with an age and a relative clause between the name and "said"
    ("Dana Example, 34, who rides the bus, said fares rose 5 pct.", "5 pct", "Dana Example", "explicit"),
    ("Dana Example, who rides the bus, said fares rose 5 pct.", "5 pct", "Dana Example", "explicit"),
    ("Dana Example, 34, who paid 300 dlrs, said fares rose 5 pct.", "300", "", "narration"),
    ("Dana Example, 34, who rides the bus, said fares rose 5 pct.", "34", "", "narration"),
    ("Voters in Example County, who lost jobs, said 5 pct of plants closed.", "5 pct", "", "none"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", SPEAKERS, ids=[f"{t[:40]}|{p}" for t, p, *_ in SPEAKERS])
def test_a_relative_clause_a_tied_group_or_an_organisation_speaks(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


def test_whom_a_source_told_is_never_the_publisher():
    text = "300 troops left, sources close to the ministry told Example News."
    table = draft_text(text, publisher="Example News")
    (row,) = table[table.number_text == "300"].itertuples()
    assert row.credit == "sources close to the ministry"


@pytest.mark.parametrize("name, kind", [
    ("the ministry of labour", "organisation"), ("Ministry of Labour", "organisation"),
    ("Bank of England", "organisation"), ("Example Trading Co", "organisation"), ("EXAMPLE CORP", "organisation"),
    ("EPA", "organisation"), ("the port authority", "organisation"), ("Office for Example Statistics", "organisation"),
    ("The president of the company", "person"), ("the mayor", "person"), ("Dana Okafor", "person"),
    ("sources close to the ministry", "person"), ("Officials", "person"),
])
def test_a_credit_s_kind_is_an_organisation_when_its_head_word_says_so(name, kind):
    from kzfigures.figures.draft import credit_kind

    assert credit_kind(name) == kind


# the test set's misses and the dev set's one credit too many, in sentences written here
NAMED_ELSEWHERE = [
    # an acronym in brackets after a name is no part of it, nor stands between it and its verb
    ("The Example Trade Association (ETA) has predicted that sales will reach $40 billion.", "$40",
     "Example Trade Association", "explicit"),
    ("The Office for Tests (OFT) said exports fell 4 pct.", "4 pct", "Office for Tests", "explicit"),
    ("The Example Association (EA) sold 30 cars.", "30", "", "narration"),
    # "they said" stands for the group just named as speaker, never for a person or an organisation
    ("Prices fell 2 pct, dealers said. The tax would fall to five pct from 15 pct, they said.", "five", "dealers",
     "inferred"),
    ("Prices fell 2 pct, dealers said. The tax would fall to five pct from 15 pct, they said.", "15 pct", "dealers",
     "inferred"),
    ("Gold rose, currency traders said. They expect it to reach 500 dlrs.", "500", "currency traders", "inferred"),
    ("Jane Doe said sales rose. They said profit fell 5%.", "5%", "", "none"),
    ("The Example Bank said rates rose. They said costs fell 5%.", "5%", "", "none"),
    ("Dealers said prices fell. Jane Doe said sales rose. They said costs fell 5 pct.", "5 pct", "", "none"),
    ("Prices fell, dealers said. Sales rose. Costs rose. Taxes rose. They said tax fell 5 pct.", "5 pct", "", "none"),
    # a contrast that opens another, unnamed source's clause ends the credit; a plain contrast keeps it
    ("The Example Institute is still expecting growth of three pct but some other institutes have revised "
     "forecasts down to below two pct.", "two pct", "", "none"),
    ("The Example Institute is still expecting growth of three pct but some other institutes have revised "
     "forecasts down to below two pct.", "three", "Example Institute", "explicit"),
    ("Jones expects growth of 3 pct, while many economists expect 1 pct.", "1 pct", "", "none"),
    ("Jones said sales rose 5 pct but costs fell 3 pct.", "3 pct", "Jones", "explicit"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", NAMED_ELSEWHERE,
                         ids=[f"{t[:40]}|{p}" for t, p, *_ in NAMED_ELSEWHERE])
def test_an_acronym_a_group_s_they_or_another_source_s_clause(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


# a second speaker in the same sentence is credited from its name on; the first keeps what comes before
SECOND_SPEAKER = [
    ("Jones said exports fell 4 pct, while Smith said they rose 2 pct.", "2 pct", "Smith", "explicit"),
    ("Jones said exports fell 4 pct, while Smith said they rose 2 pct.", "4 pct", "Jones", "explicit"),
    ("The Office for Tests forecast 3 pct growth, while the Example Bank expects 2 pct.", "2 pct", "Example Bank",
     "explicit"),
    ("The Office for Tests forecast 3 pct growth, while the Example Bank expects 2 pct.", "3 pct", "Office for Tests",
     "explicit"),
    # the same name again is no second speaker
    ("Jones said exports fell 4 pct and Jones added that imports rose 2 pct.", "2 pct", "Jones", "explicit"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", SECOND_SPEAKER,
                         ids=[f"{t[:40]}|{p}" for t, p, *_ in SECOND_SPEAKER])
def test_a_second_speaker_in_one_sentence_is_credited_from_its_name_on(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)


# a source that reports or thinks, and brackets between a name and its verb
REPORTS = [
    ("Example Wire reports that exports fell 4 pct in March.", "4 pct", "Example Wire", "explicit"),
    ("Exports fell 4 pct in March, Example Wire reports.", "4 pct", "Example Wire", "explicit"),
    ("Jones thinks exports will fall 4 pct.", "4 pct", "Jones", "explicit"),
    ("The IMF (International Monetary Fund) said growth was 3 pct.", "3 pct", "IMF", "explicit"),
    ("Jones (pictured) said 300 homes were flooded.", "300", "Jones", "explicit"),
    ("The Example Institute's study found that 30 pct of firms failed.", "30 pct", "Example Institute", "explicit"),
    ("The Example Institute's latest survey suggests 30 pct of firms failed.", "30 pct", "Example Institute",
     "explicit"),
    ("Jones's report on 40 firms was late.", "40", "", "narration"),
    # "reports" as a noun, or reporting to someone, says nothing
    ("Jones reports to a board of 12 members.", "12", "", "narration"),
    ("Press reports said 300 homes were flooded.", "300", "", "none"),
]


@pytest.mark.parametrize("text, phrase, credit, attribution", REPORTS, ids=[f"{t[:40]}|{p}" for t, p, *_ in REPORTS])
def test_a_source_that_reports_or_thinks_and_brackets_after_a_name(text, phrase, credit, attribution):
    test_credit_as_news_writes_it(text, phrase, credit, attribution)
