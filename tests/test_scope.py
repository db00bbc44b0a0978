"""The scope check: foreign subjects, anchors, domain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.features import Normalizer
from faqbot.scope import (
    MAX_QUESTION_PARTS,
    Scope,
    ScopeConfig,
    ScopeConfigError,
    ends_after_it,
    one_slip,
    then_feels,
    verb_only,
    without_asides,
    zipf,
)
from faqbot.service import FaqBot

TEXTS = [
    "Nanofat grafting uses emulsified fat. Sedation and swelling after the harvest are common.",
    "Fat transfer to the cheeks; the origins of the technique are in Belgium.",
]


def assert_answered_from(bot, question: str, evidence: str) -> None:  # type: ignore[no-untyped-def]
    """``question`` is answered, and the answer's text or its passages hold ``evidence``."""
    r = bot.ask(question)
    assert r.status.value == "answered", question
    assert evidence in (r.answer.text + " ".join(s.passage for s in r.answer.sources)).lower()


@pytest.fixture()
def scope() -> Scope:
    config = ScopeConfig(anchors=("nanofat", "fat transfer", "fat harvest"))
    return Scope(config, Normalizer([["fat transfer", "fat grafting"]]), TEXTS)


def test_zipf_knows_common_and_rare_words() -> None:
    assert zipf("the") > 6 > zipf("rhinoplasty") > 0
    assert zipf("qwxzzv") == 0.0


def test_another_procedure_is_foreign_and_out_of_scope(scope: Scope) -> None:
    check = scope.check("how long does swelling last after rhinoplasty")
    assert check.foreign == ("rhinoplasty",)
    assert check.out_of_scope


def test_anchor_keeps_a_question_in_scope(scope: Scope) -> None:
    check = scope.check("can someone with rosacea get nanofat")
    assert check.anchored and "rosacea" in check.foreign
    assert not check.out_of_scope


def test_comparator_without_anchor_is_out_of_scope() -> None:
    config = ScopeConfig(anchors=("nanofat",), comparators=("botox", "lip filler"))
    s = Scope(config, Normalizer(), [*TEXTS, "Botox and lip filler are temporary."])
    assert s.check("how long does botox take to work").out_of_scope
    assert s.check("how long does lip filler last").out_of_scope
    assert not s.check("is nanofat better than botox").out_of_scope
    assert not s.check("how long does filler last").comparator  # "lip filler" is the phrase
    check = s.check("is botox or lip filler better")
    assert check.comparators == {("botox",), ("lip", "filler")} and check.comparator_only
    assert not s.check("is nanofat better than botox").comparator_only  # anchored
    assert not s.check("botox for rhinoplasty scars").comparator_only  # also a foreign word
    assert s.comparators_named("Nanofat vs Botox, or lip fillers?") == {
        ("botox",),
        ("lip", "filler"),
    }


def test_multi_word_anchor_and_synonyms(scope: Scope) -> None:
    assert scope.check("is fat grafting painful").anchored  # synonym of "fat transfer"
    assert scope.check("they sedate you for the fat harvest").anchored
    assert not scope.check("how to lose belly fat").anchored  # "fat" alone is not the subject


def test_typos_and_word_forms_are_not_foreign(scope: Scope) -> None:
    assert scope.check("do they sedate you").foreign == ()  # "sedation" is in the texts
    assert scope.check("where did it originate").foreign == ()  # "origins"
    assert scope.check("nanofta swelingg").foreign == ()  # unknown to wordfreq: a typo
    # other forms of the texts' words: "emulsified", "common", "sedation"
    assert scope.check("do they emulsify it commonly").foreign == ()
    assert scope.check("is the harvest usually sedated").foreign == ()


def test_a_shared_beginning_is_not_a_word_form() -> None:
    s = Scope(ScopeConfig(anchors=()), Normalizer(), ["Statistics on the components."])
    assert s.check("side effects of statins").foreign == ("statin",)  # not "statistics"
    assert s.check("how does compound interest work").foreign == ("compound",)  # not "component"


def test_small_talk_with_the_bot_is_out_of_scope(scope: Scope) -> None:
    for question in (
        "who are you",
        "how are you?",
        "what can you do",
        "where are you",
        "are you a real person?",
        "are you a bot or a human",
        # greetings and thanks
        "thanks so much!",
        "Thank you for your help",
        "hello is anyone there?",
        # ... whether it is awake
        "g'day mate, you awake?",
    ):
        assert scope.check(question).small_talk, question
        assert scope.check(question).out_of_scope, question
    # a question with no subject is still a question about the knowledge base's subject
    for question in ("how is it done", "who does it", "how long does it last"):
        assert not scope.check(question).small_talk, question
    assert not scope.check("can you tell me about swelling").small_talk  # a domain word
    assert not scope.check("are you awake during nanofat").small_talk
    assert not scope.check("thanks, and how long is the swelling?").small_talk
    assert not scope.check("who are you, and what is nanofat").out_of_scope  # anchored


def test_words_about_feelings_can_be_declared_neutral() -> None:
    config = ScopeConfig(anchors=(), neutral=("nervous", "wimp"))
    plain = Scope(ScopeConfig(anchors=()), Normalizer(), TEXTS)
    with_neutral = Scope(config, Normalizer(), TEXTS)
    question = "nervous and a wimp here, is the swelling bad"
    assert plain.check(question).foreign == ("nervous", "wimp")
    assert with_neutral.check(question).foreign == ()
    assert with_neutral.check("nervous about rhinoplasty").foreign == ("rhinoplasty",)


def test_shipped_scope_file_anchors_the_ways_people_say_fat_is_taken() -> None:
    config = ScopeConfig.load(Path(__file__).resolve().parent.parent / "faq" / "scope.yaml")
    s = Scope(config, Normalizer(), TEXTS)
    for question in (
        "is it common to be sore where they take the fat",
        "the spot where they took the fat from is bruised, is that common",
    ):
        assert s.check(question).anchored, question
    assert not s.check("how do they take the stitches out").anchored


def test_shipped_scope_file_reads_and_keeps_family_words_neutral() -> None:
    config = ScopeConfig.load(Path(__file__).resolve().parent.parent / "faq" / "scope.yaml")
    s = Scope(config, Normalizer(), TEXTS)
    assert s.check("my mum and my coworker ask how bad the swelling is").foreign == ()
    assert s.check("is a skin graft like nanofat").anchored  # a strong anchor
    assert not s.check("how does a skin graft heal").anchored
    assert s.check("how long is recovery after a nose job").foreign == ("nose job",)
    assert s.check("downtime after morpheus8").comparators == {("morpheus8",)}


def test_ends_after_it_needs_a_bare_after_or_before() -> None:
    assert ends_after_it(["can", "i", "swim", "two", "days", "after"])
    assert ends_after_it(["what", "should", "i", "take", "before", "and", "after"])
    assert not ends_after_it(["can", "i", "swim", "after", "a", "root", "canal"])
    assert ends_after_it(["how", "much", "tylenol", "should", "i", "take", "after", "mine"])
    assert not ends_after_it([])


def test_a_part_that_ends_after_it_counts_anywhere_in_the_message(scope: Scope) -> None:
    assert scope.a_part_ends_after_it("I go to the lake 4 days after, is ok for me?")
    assert scope.a_part_ends_after_it("can i swim two days after")
    assert not scope.a_part_ends_after_it("I go to the lake after work, is it open late?")
    assert not scope.a_part_ends_after_it("")


def test_a_bare_after_names_the_procedure_unless_another_subject_is_named(scope: Scope) -> None:
    assert scope.check("is it normal to get swelling after").anchored
    check = scope.check("rhinoplasty swelling how long after")
    assert not check.anchored and check.out_of_scope


def test_a_slip_on_a_common_word_of_the_subject_is_not_another_subject() -> None:
    texts = [
        "Swelling usually settles; a simple style of aftercare is enough to benefit.",
        "It may help stretch marks.",
    ]
    s = Scope(ScopeConfig(anchors=("nanofat",)), Normalizer(), texts)
    # misspellings English text makes often enough for wordfreq to count them
    assert s.check("is swelling usualy worse under the eyes").foreign == ()
    assert s.check("will i benifit, is one enought").foreign == ()
    # ... and on a word of the subject that is less common ("stretch", Zipf 4.35)
    assert s.check("does it help strech marks").foreign == ()
    # a real word one edit from a common one is not a slip ("pimple" / "simple"), and short
    # words have too many neighbours ("stye" / "style")
    assert s.check("how to pop a pimple").foreign == ("pimple",)
    assert s.check("what causes a stye").foreign == ("stye",)


def test_a_word_no_language_knows_names_another_subject_unless_the_subject_is_there(
    scope: Scope,
) -> None:
    # another language's name for an operation, beside everyday words: another subject
    check = scope.check("menisektomia, how many weeks until walking is normal")
    assert check.foreign == ("menisektomia",) and check.out_of_scope
    # a slip on a word of the subject, or a prefix on one, is that word
    assert scope.check("swelingg, how many weeks").foreign == ()
    assert scope.check("preharvest, how many weeks").foreign == ()
    # with the subject named, or a word specific to it, the unknown word is the asker's own
    assert not scope.check("menisektomia and nanofat, how many weeks").out_of_scope
    assert scope.check("menisektomia, how long is the swelling").foreign == ()


def test_leading_question_is_the_question_before_a_comment(scope: Scope) -> None:
    q = "how long does the swelling last? my sister is getting married soon"
    assert scope.leading_question(q) == "how long does the swelling last"
    # another question follows, or the first part asks nothing (no question mark), or names
    # nothing of the subject
    assert scope.leading_question("how long does the swelling last? what does it cost") is None
    assert scope.leading_question("swelling is bad. my sister is getting married") is None
    assert scope.leading_question("is swelling bad, my sister is getting married") is None
    assert scope.leading_question("how are you? my sister is getting married") is None
    assert scope.leading_question("how long does the swelling last") is None


def test_chat_slang_is_never_foreign(scope: Scope) -> None:
    assert scope.check("ngl lowkey curious, how long does the swelling last lol").foreign == ()


def test_everyday_question_has_no_domain_word(scope: Scope) -> None:
    assert not scope.check("how do I reset my router").domain
    assert scope.check("is swelling normal").domain


def test_config_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "scope.yaml"
    bad.write_text("anchors: nanofat\n", encoding="utf-8")
    with pytest.raises(ScopeConfigError, match="scope.yaml"):
        ScopeConfig.load(bad)
    bad.write_text("anchors: [nanofat]\nneutral: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ScopeConfigError, match="neutral"):
        ScopeConfig.load(bad)
    assert ScopeConfig.load(tmp_path / "missing.yaml").anchors == ()


# The real knowledge base: other subjects get no_match, everyday first-person questions are not
# refused, and questions that name nanofat keep their answers.
@pytest.mark.parametrize(
    "question",
    [
        "how long does swelling last after rhinoplasty",
        "are porcelain veneers worth it",
        "how do I renew my passport",
        "what should I cook for my kids tonight",
        # other operations named by a word no source, entry or alternate uses on its own
        "hair transplant healing time",
        "tummy tuck scar care",
        "what are common side effects of statins",
        "who are you",
        # losing fat is not taking it for grafting, and an anchor would outweigh "coolsculpting"
        "best way to take fat off my belly",
        "does coolsculpting remove the fat permanently",
        # a facelift is a comparator: the sources name it only beside fat grafting
        "how much does a facelift cost",
        # stem cells name the subject only when nothing else names another one
        "stem cell therapy for alzheimers",
        "how much does stem cell banking cost",
        # other_subjects phrases made of words the sources use
        "what training do you need to become a plastic surgeon",
        "how do I register as a bone marrow donor",
        "what is a bone marrow biopsy like",
        "what is graft versus host disease",
        # losing weight is not taking fat for grafting, however close the scores
        "what is the quickest way to lose belly fat",
        # weight-loss medicines and joint replacements: English hardly knows the drug names
        # (so they read as slips on this subject's words) and the sources use "knee" and "hip"
        "does wegovy cause hair loss",
        "how long is the recovery from a hip replacement",
        "how long does a brazilian butt lift take to heal",
        # other body-contouring operations and devices, in words the sources use
        "how long is the recovery after a breast lift",
        "how much do a pair of hearing aids cost",
        "how long is lipo 360 recovery",
        # a weak anchor with no other word of the subject
        "grafting a tree in spring",
        # another language's name for an operation, and no word of this subject
        "histerektomia, how many weeks until going back to work",
        # everyday complaints and questions in words an entry uses ("athletes", "exercise")
        "what helps athlete's foot",
        "how to relieve lower back pain",
        "what is the meaning of life",
        # an everyday word too common to be foreign, beside one an entry uses ("weekend")
        "will the weather be nice over the long weekend",
    ],
)
def test_real_kb_other_subjects_get_no_match(real_bot, question: str) -> None:  # type: ignore[no-untyped-def]
    assert real_bot.ask(question).status.value == "no_match"


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        # feelings are not another subject
        ("I'm a bit anxious, how long does the swelling usually last?", "swelling"),
        # taking the fat is the subject even without its name
        ("I'm fairly lean, which parts of the body can they take the fat from?", "abdomen"),
        # ... but a question about combining the two reaches the entry that names it
        ("can fat be added during a facelift", "facelift"),
        # bone marrow as a stem cell source is the sources' own subject
        ("is fat a better stem cell source than bone marrow", "bone marrow"),
        # words that only qualify (scope.yaml's neutral) and clinical words for the sources'
        # lay ones (synonyms.yaml) are not another subject
        ("low pain tolerance, how painful is it", "tenderness"),
        ("are sutures needed where the cannula goes in", "stitches"),
        # a comment after the question buries it: the question is ranked on its own
        ("does it sting when they inject the fat? im a total baby", "discomfort"),
        ("what is microfat?? everyone at my gym keeps raving about it lately honestly", "microfat"),
        # who the people are, in words of their own or a clinical name for the sources' one
        ("menopausal women with crepey necks, does nanofat help", "crepey"),
        ("patients with chloasma, is nanofat used for it", "melasma"),
        ("super skinny gym rats, is there enough fat to harvest", "skinny"),
        # the group's word ("people", "persons") lowers every score below an answer's: what
        # describes them is asked on its own when the whole finds nothing
        ("people with red or brown marks left from acne", "acne"),
        ("persons with pores very big", "pore size"),
        # a request to be walked through is no request about the asker, and an aside's words
        # ("someone", "five") are left out of the ranking too
        ("walk me through the activation and repair phases after the injection", "repair"),
        ("can someone explain nanofat like im five", "emulsif"),
        # another name, or a shorthand, for a word of the sources (synonyms.yaml)
        ("fractional carbon dioxide laser paired with nanofat", "co2"),
        ("rf microneedling with nanofat on top", "radiofrequency"),
        ("do people usually wfh for a few days after nanofat", "work from home"),
        ("arthritic joints and fat-derived stem cells, any research", "arthrosis"),
        ("post-pregnancy striae, can nanofat soften them in general", "stretch marks"),
        ("postpartum women with tiger stripes, is nanofat a thing for that", "stretch marks"),
        ("do the little holes get sutured after harvesting", "stitches"),
        # "how much" asks the amount of pain, not the price
        ("how much does nanofat hurt", "discomfort"),
        # lay names for the liquid itself
        ("how many ml of the fat juice goes in per area", "ml"),
        ("reason the liquid fat doesn't add any volume to the face", "volume"),
        # "autoimmune" alone, as "autoimmune disease" already was, is a medical condition
        ("autoimmune patients nanofat", "medical"),
        ("silvery old stretchmarks on hips can fat cells fix em", "stretch marks"),
        ("lil holes where the cannula went in do they scar", "puncture"),
        ("vapers nanofat recovery", "nicotine"),
        ("can smokers get the fat face thing or does ciggies mess up the healing", "nicotine"),
        # sucking the fat out is the harvest: it names the subject, as "take the fat from" does
        ("which body part do they usually suck the fat outta", "abdomen"),
        ("r u asleep when they suck the fat out or just numbed up", "awake"),
        ("people who freak out over needles, should they skip the fat thing", "needle"),
        ("caesarean scars in general and fat grafting", "post-surgical"),
        ("balding crown, any regrowth with adipose cells", "alopecia"),
        ("how far under the skin do they squirt the stuff", "depth"),
        ("whats the split between fat cells and stem cells in the goo", "stem cells"),
        ("whose idea was nanofat in the first place", "belgium"),
        ("nursing mums and nanofat in general", "medical"),
        ("open sores that never close, any use for nanofat", "wound"),
        ("nanofat inventor name and country", "belgium"),
        ("what goes on at the consult before fat grafting", "consultation"),
        # clinicians' names for them
        ("rhytidectomy patients, is nanofat layered in during the same operation", "facelift"),
        ("gravid patients and elective nanofat, generally deferred?", "medical"),
        ("raccoon eyes, can nanofat fix them", "dark circles"),
        ("saddlebag fat as the donor site for nanofat", "both thighs"),
        ("creaky knees and fat stem cells, any research", "arthrosis"),
        ("can fat transfer do boobs and bums too", "buttocks"),
        ("wear and tear in the hips, has fat been tried", "arthrosis"),
        ("muffin top or the gut, which do they take the fat from", "flanks"),
        ("mesenchymal or adipose, which kind are in nanofat", "stem cells"),
        ("why such super fine needles for the runny fat", "gauge"),
        ("fatgraft to the hands, does it work", "hands"),
        # slang for taking it
        ("which parts of the body do surgeons pinch the fat from", "abdomen"),
        ("what body part do surgeons raid for the fat, the thighs?", "thighs"),
    ],
)
def test_real_kb_questions_in_the_askers_words_are_answered(real_bot, question, evidence) -> None:  # type: ignore[no-untyped-def]
    assert_answered_from(real_bot, question, evidence)


def test_real_kb_words_about_the_people_asked_about_are_not_foreign(real_bot) -> None:  # type: ignore[no-untyped-def]
    # "dieters" and "skeletal-looking" describe people, as "pensioners" does: no other subject
    assert real_bot.scope.check("yo-yo dieters and fat grafting").foreign == ()
    assert real_bot.scope.check("skeletal-looking temples, fat or filler").foreign == ()
    assert real_bot.scope.check("octogenarian patients and nanofat").foreign == ()
    assert real_bot.scope.check("cardio junkies, are they poor candidates").foreign == ()
    assert real_bot.scope.check("stepwise, how does nanofat get made").foreign == ()
    assert real_bot.scope.check("for filler addicts do they have to get it dissolved").foreign == ()
    assert real_bot.scope.check("for tanning bed lovers do the results fade faster").foreign == ()
    assert real_bot.scope.check("my derm says the results take patience").foreign == ()
    assert real_bot.scope.check("can they take it from wherever there is spare fat").foreign == ()
    assert real_bot.scope.check("do stem cells survive the filtering, seems brutal").foreign == ()
    # "pose a problem" is how a question is put, not what it is about
    check = real_bot.scope.check
    assert (
        check("does twilight sleep pose a problem for people with heart conditions").foreign == ()
    )


def test_real_kb_billing_values_are_a_gap(real_bot) -> None:  # type: ignore[no-untyped-def]
    assert real_bot.ask("RVU values for autologous fat grafting").status.value == "no_match"


def test_without_group_leaves_what_describes_them(scope: Scope) -> None:
    assert scope.without_group("people with red or brown marks left from acne") == (
        "red or brown marks left from acne"
    )
    assert scope.without_group("pts w/ eczema - general contraindication?") == (
        "eczema - general contraindication?"
    )
    assert scope.without_group("what about women who've had lipo") == "had lipo"
    assert scope.without_group("is nanofat safe for people with eczema") is None
    assert scope.without_group("people say it hurts") is None


def test_real_kb_anchored_question_with_unusual_word_is_answered(real_bot) -> None:  # type: ignore[no-untyped-def]
    r = real_bot.ask("where did nanofat originate")
    assert r.status.value == "answered"
    assert "belgium" in (r.answer.text + " ".join(s.passage for s in r.answer.sources)).lower()


def test_real_kb_unknown_word_beside_a_word_of_the_subject_is_answered(real_bot) -> None:  # type: ignore[no-untyped-def]
    # "mililiters" is no word English or the knowledge base knows, and no slip on one of the
    # knowledge base's words; "injected" is specific to the subject
    r = real_bot.ask("how many mililiters are injected in each area")
    assert r.status.value == "answered" and r.answer.id == "technique-dose-volume"


def test_a_word_known_only_as_a_verb_names_no_other_subject(scope: Scope) -> None:
    # "weigh" is a verb and nothing else: it says what is done, not what the question is about
    assert scope.check("do they weigh the fat harvest").foreign == ()
    # a word that can be a noun still names one ("tattoo", "mortgage")
    assert scope.check("do they tattoo the fat harvest").foreign == ("tattoo",)
    # the verb is still a word of the question's own: with no word of the subject it names
    # another subject
    assert scope.check("how do i knit faster").other_subject


def test_a_verb_the_asker_wants_to_do_names_another_subject(scope: Scope) -> None:
    # after "to" or the asker, the verb is what the question is about
    assert "cancel" in scope.check("how do i cancel my sedation").foreign
    assert "cancel" in scope.check("how to cancel the sedation").foreign
    assert scope.check("do they cancel the sedation").foreign == ()


def test_a_participle_before_a_word_describes_it(scope: Scope) -> None:
    # "sprained" is only a verb, but before a noun it says what kind of thing that is
    assert "sprained" in scope.check("sedation for a sprained harvest").foreign
    assert scope.check("is the fat harvest sprained").foreign == ()


@pytest.mark.parametrize(
    ("word", "only_a_verb"),
    [
        ("weigh", True),
        ("liquefied", True),
        ("enumerate", True),
        ("ditching", True),
        ("poke", False),
        ("tattoo", False),
        ("mortgage", False),
        ("swelling", False),
        ("procedure", False),
        ("", False),
    ],
)
def test_verb_only_reads_the_shipped_lexicon(word: str, only_a_verb: bool) -> None:
    assert verb_only(word) is only_a_verb


def test_real_kb_a_verb_beside_a_strong_match_is_answered(real_bot) -> None:  # type: ignore[no-untyped-def]
    r = real_bot.ask("people with autoimmune disease, how do clinicians weigh medical risk factors")
    assert r.status.value == "answered" and r.answer.id == "candidates-medical-conditions"
    r = real_bot.ask("Exosomes thrown off by fat stem cells - what's their job?")
    assert r.status.value == "answered" and r.answer.id == "composition-exosomes"
    # the asker's own action on something else stays out of scope
    assert real_bot.ask("how do I cancel my appointment").status.value == "no_match"
    assert real_bot.ask("how do I reschedule my consultation").status.value == "no_match"


@pytest.mark.parametrize(
    ("a", "b", "slip"),
    [
        ("naonfat", "nanofat", True),  # neighbours swapped
        ("nanofta", "nanofat", True),
        ("nanaofat", "nanofat", True),  # a letter added
        ("nanfat", "nanofat", True),  # a letter dropped
        ("nanofax", "nanofat", True),  # a letter changed
        ("nanofat", "nanofat", False),  # the same word is no slip
        ("nonafat", "nanofat", False),  # two changes
        ("anofatn", "nanofat", False),
        ("microfat", "nanofat", False),
    ],
)
def test_one_slip(a: str, b: str, slip: bool) -> None:
    assert one_slip(a, b) is slip
    assert one_slip(b, a) is slip


def test_a_misspelt_anchor_still_anchors(scope: Scope) -> None:
    assert scope.check("naonfat cost").anchored
    assert scope.check("how long is nanofta recovery").anchored
    assert not scope.check("nanoparticles").anchored  # more than one slip


def test_an_english_word_one_slip_from_an_anchor_is_that_word() -> None:
    grafting = Scope(ScopeConfig(anchors=("grafting",)), Normalizer(), TEXTS)
    assert grafting.check("grafitng ideas").anchored  # not a word: a slip
    assert not grafting.check("crafting ideas").anchored  # a word of its own


def test_weak_anchor_names_the_subject_only_when_nothing_else_is_named() -> None:
    config = ScopeConfig(
        anchors=("nanofat",),
        comparators=("botox",),
        weak_anchors=("graft",),
        other_subjects=("skin graft", "bone graft"),
    )
    s = Scope(config, Normalizer(), [*TEXTS, "The graft is permanent. Skin and bone heal."])
    assert s.check("is the graft permanent").anchored
    # a foreign word, a comparator or another subject's phrase: the graft is not ours
    check = s.check("how many grafts for a hair transplant")
    assert not check.anchored and check.out_of_scope and "transplant" in check.foreign
    assert not s.check("graft or botox").anchored
    check = s.check("does a skin graft heal")
    assert check.foreign == ("skin graft",) and check.out_of_scope
    assert s.check("bone graft pain").out_of_scope
    # a strong anchor keeps the question in scope whatever else it names
    assert not s.check("can nanofat help a skin graft heal").out_of_scope
    # another word of the subject must second the weak anchor: "graft" and common words alone
    # ("how do you graft an apple tree" has none the sources do not use) are not enough
    assert not s.check("how do you graft it").anchored
    assert s.check("how do you graft it so it is permanent").anchored


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        # "this treatment" in this chat is the procedure, seconded by a word of the subject
        # ("needle"); "nightmare" only judges it
        ("for folks with a proper needle phobia, is this treatment a nightmare", "needle"),
    ],
)
def test_real_kb_this_treatment_is_ours(real_bot, question, evidence) -> None:  # type: ignore[no-untyped-def]
    assert real_bot.scope.check(question).anchored
    assert_answered_from(real_bot, question, evidence)


def test_scope_file_reads_conditions(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\nconditions: [medical condition]\n")
    config = ScopeConfig.load(path)
    assert config.conditions == ("medical condition",)
    scope = Scope(config, Normalizer([["medical condition", "diabetes"]]), TEXTS)
    assert scope.conditions == {"medical_condition"}  # the group head, as questions normalise
    path.write_text("anchors: [nanofat]\nconditions: diabetes\n")
    with pytest.raises(ScopeConfigError, match="conditions"):
        ScopeConfig.load(path)


def test_scope_file_reads_weak_anchors_and_other_subjects(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\nweak_anchors: [graft]\nother_subjects: [skin graft]\n")
    config = ScopeConfig.load(path)
    assert config.weak_anchors == ("graft",) and config.other_subjects == ("skin graft",)


def test_scope_file_reads_area_topics_and_aspects(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\narea_topics: [indications]\naspects: [how many, awake]\n")
    config = ScopeConfig.load(path)
    assert config.area_topics == ("indications",) and config.aspects == ("how many", "awake")
    s = Scope(config, Normalizer(), TEXTS)
    assert s.area_topics == {"indications"}
    assert s.aspects_named("How many sessions? Am I awake?") == {("how", "many"), ("awake",)}
    assert s.aspects_named("many people stay awake") == {("awake",)}  # "how many" is one phrase


def test_a_gap_is_out_of_scope_even_when_anchored(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\ncomparators: [botox]\ngaps: [insurance, payment plan]\n")
    config = ScopeConfig.load(path)
    assert config.gaps == ("insurance", "payment plan")
    s = Scope(config, Normalizer(), [*TEXTS, "Botox is temporary."])
    check = s.check("does insurance cover nanofat")
    assert check.anchored and check.gaps == ("insurance",) and check.out_of_scope
    assert s.check("do you offer payment plans for nanofat").gaps == ("payment plan",)
    assert not s.check("how do I plan for nanofat").out_of_scope  # "plan" alone is no gap
    assert not s.check("is botox covered by insurance").comparator_only  # no entry lifts a gap


def test_a_business_subject_is_a_gap_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\ngaps: [cellulite]\nbusiness: [refund, payment plan]\n")
    config = ScopeConfig.load(path)
    assert config.business == ("refund", "payment plan")
    s = Scope(config, Normalizer(), TEXTS)
    refund = s.check("can I get a refund for my nanofat")
    assert refund.gaps == ("refund",) and refund.business and refund.out_of_scope
    assert s.check("do you offer payment plans for nanofat").business
    cellulite = s.check("nanofat for my cellulite")
    assert cellulite.gaps == ("cellulite",) and not cellulite.business
    assert not s.check("what is nanofat").business


def test_rating_or_finding_one_provider_is_a_business_gap(tmp_path: Path) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text("anchors: [nanofat]\nproviders: [dr, clinic]\nprovider_gaps: [reviews]\n")
    config = ScopeConfig.load(path)
    assert config.providers == ("dr", "clinic") and config.provider_gaps == ("reviews",)
    s = Scope(config, Normalizer(), TEXTS)
    found = s.check("any good reviews for dr jones and his nanofat?")
    assert found.gaps == ("reviews",) and found.business and found.out_of_scope
    assert s.check("that clinic in town, reviews?").gaps == ("reviews",)
    # the word as typed: "review" is what a clinician does at a consultation
    assert not s.check("what does the dr review before nanofat").gaps
    # no provider near it: reviews of the evidence
    assert not s.check("what do systematic reviews say about nanofat").gaps
    assert not s.check("the clinic said the systematic literature on nanofat has reviews").gaps


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("other_subjects", "skin graft"),
        ("gaps", "insurance"),
        ("business", "refund"),
        ("providers", "dr"),
        ("provider_gaps", "reviews"),
        ("area_topics", "indications"),
        ("aspects", "how many"),
    ],
)
def test_a_scope_list_given_as_one_string_is_an_error_naming_it(
    tmp_path: Path, key: str, value: str
) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text(f"anchors: [nanofat]\n{key}: {value}\n")
    with pytest.raises(ScopeConfigError, match=key):
        ScopeConfig.load(path)


def test_shipped_gaps_are_words_no_source_or_entry_uses(real_bot) -> None:  # type: ignore[no-untyped-def]
    """A gap the sources did cover would turn answerable questions away."""
    scope = real_bot.scope
    assert scope.gaps.set, "scope.yaml lists gaps"
    kb = real_bot.kb
    texts = [src.text for src in kb.sources.values()]
    texts += [t for e in kb.entries for t in (e.question, *e.alternates, e.answer)]
    for text in texts:
        assert not scope.check(text).gaps, text[:80]


@pytest.mark.parametrize(
    "question",
    [
        "does insurance cover nanofat",
        "nanofat for cellulite?",
        "do you offer financing for fat transfer",
        "0% finance on facial fat grafting",
        # about paying, not health: no match rather than a refusal, though it speaks of "my"
        "can i use my hsa for nanofat",
        "can I get a refund if I'm not happy with my nanofat results",
        # one provider's reviews or whereabouts; taxes; training courses
        "are dr jones's reviews good for nanofat?",
        "are Dr. Ben Talei's patient reviews any good?",  # "talei's" is two words
        "what is dr tonnard's email",
        "is the clinic open on sundays for nanofat",
        "which clinic in Boston is the cheapest for fat grafting",
        "can i claim my nanofat on my taxes",
        "where can a nurse get certification in nanofat injection",
        # an insurer by name; buying the equipment
        "will cigna pay for my fat transfer",
        "where can i purchase nanofat filters online",
        # regulation and registration
        "icd-10 code for fat transfer to the face",
        "is fat grafting banned anywhere",
        "what is the regulatory status of nanofat in europe",
        # billing codes; practitioners' continuing education
        "HCPCS code for fat harvesting",
        "how many CE credits does a nanofat course give nurses",
        # the market
        "global market size of regenerative aesthetics by 2030",
        # suing a provider; who regulates clinics
        "how to sue a clinic for a botched cosmetic procedure",
        "any malpractice lawsuits over fat grafting?",
        "who regulates stem cell clinics in Mexico",
        # whether a provider takes new patients; a provider's following online
        "which fat grafting clinics are accepting new patients",
        "does dr tonnard have many followers",
        "jane doe md before and afters, legit or not?",
        "kami parsa google rating",
        # finding and reaching a clinic, health-fund rebates, the business as an investment
        "nanofat clinic near my postcode",
        "is there parking at the fat grafting clinic",
        "does my health fund give a rebate for fat grafting",
        "nanofat company stock price",
        # a clinic's own terms; whether someone may legally do it; a device's approval
        "what is the cancellation fee for a nanofat appointment",
        "is it legal for a beautician to do fat grafting",
        "can a nurse legally inject nanofat in texas",
        "which nanofat kits are CE marked",
        # one provider's affiliations and schooling
        "dr cohen's practice: hospital affiliations?",
        "which hospital is dr chang affiliated with",
        "what medical school did dr roostaeian go to",
        # a sales tax by its name; reimbursement and procedure codes
        "nanofat gst included in quote?",
        "what reimbursement code applies when nanofat is done alongside a blepharoplasty",
        "what is the procedure code for nanofat",
        "which diagnosis code do surgeons bill nanofat under",
        "which countries ban nanofat",
    ],
)
def test_real_kb_gaps_get_no_match_without_suggestions(real_bot, question: str) -> None:  # type: ignore[no-untyped-def]
    r = real_bot.ask(question)
    assert r.status.value == "no_match" and r.related == [], question


def test_contractions_are_not_foreign(scope: Scope) -> None:
    # split by the tokenizer ("doesn", "t") or typed without the apostrophe ("doesnt")
    for question in (
        "if a patient doesn't have much fat, is the harvest common",
        "if a patient doesnt have much fat",
        "theyre saying swelling isnt common and i havent seen it",
    ):
        assert scope.check(question).foreign == (), question
    assert scope.check("the swelling isn't rhinoplasty").foreign == ("rhinoplasty",)


def test_shorthand_for_medicines_is_not_foreign(real_bot: FaqBot) -> None:
    question = "what gets reviewed at the consult - meds, supplements, lifestyle?"
    assert real_bot._scope(question).foreign == ()
    response = real_bot.ask(question)
    assert response.answer is not None
    assert response.answer.id == "technique-consultation-before"


def test_chat_shorthand_is_not_foreign(scope: Scope) -> None:
    for question in (
        "do ppl get swelling after the harvest tbh",
        "swelling for 2 wks, pls help",
        "the harvest leaves swelling, tru?",  # "true?" typed fast
    ):
        assert scope.check(question).foreign == (), question
    assert scope.check("ppl say rhinoplasty swelling lasts").foreign == ("rhinoplasty",)


def test_foreign_words_about_the_asker_are_context(scope: Scope) -> None:
    # the asker's job is context; the question after it is about this subject
    asked = "I'm a hairdresser and on my feet all day. Is there sedation for the harvest?"
    assert scope.check(asked).foreign == ()
    assert scope.check("I work nights, is sedation used for the harvest?").foreign == ()
    # the same word in the question itself, or a procedure the asker is having, still counts
    assert scope.check("is sedation for the harvest like a hairdresser's?").foreign
    assert scope.check("I'm having a rhinoplasty soon. Is the swelling common?").foreign == (
        "rhinoplasty",
    )
    assert scope.check("I'd like a rhinoplasty. Is the swelling common?").foreign == (
        "rhinoplasty",
    )
    assert scope.check("My client wants a rhinoplasty. Is the swelling common?").foreign
    # ... and so does context followed by a question without any word of the subject
    assert scope.check("I'm a hairdresser. What should I charge?").foreign
    # someone else's context is not the asker's
    assert scope.check("hairdressers love it. is the swelling common?").foreign


def test_foreign_words_in_the_askers_comment_after_the_question_are_context(
    scope: Scope,
) -> None:
    # a question, then the asker saying where the question came from
    asked = "Is sedation used for the harvest? I saw a diagram and wondered."
    assert scope.check(asked).foreign == ()
    assert scope.check("is sedation used for the harvest? im a hairdresser").foreign == ()
    # the same word in the question, or a procedure the asker is having, still counts
    assert scope.check("Is sedation used for a diagram? I saw one and wondered.").foreign
    assert scope.check("is the swelling common? I'm having a rhinoplasty soon").foreign == (
        "rhinoplasty",
    )
    # ... and so does a comment that is not the asker's, or a second question
    assert scope.check("is the swelling common? hairdressers say so").foreign
    assert scope.check("is the swelling common? i saw a diagram, what is it").foreign


def test_real_kb_a_question_in_the_subjects_words_only_is_familiar(real_bot) -> None:  # type: ignore[no-untyped-def]
    check = real_bot.scope.check
    assert check("old op scars generally").familiar
    assert check("do they grow the cells in a lab first").familiar
    # a word of its own, a foreign word, or no word of the subject
    assert not check("how do i reset my router").familiar
    assert not check("rhinoplasty swelling how long").familiar
    assert not check("who painted the mona lisa").familiar
    # words the sources use, but everyday English
    assert not check("recommend me a good book for the weekend").familiar


def test_real_kb_what_something_is_likened_to_is_not_foreign(real_bot) -> None:  # type: ignore[no-untyped-def]
    scope = real_bot.scope
    assert scope.check("people who bruise like a peach, is bruising common").foreign == ()
    assert scope.check("is the needle thin like a flu jab").foreign == ()
    # a comparison with the thing's own is about that thing
    assert scope.check("is the sedation like a dentist's").foreign
    # what someone would like is what they ask about
    assert scope.check("i'd like a rhinoplasty, how long is the swelling").foreign
    # ... and so is what someone needs ("it" is then that procedure, not this one)
    assert scope.check("my dad needs hernia surgery, will he be asleep for it").foreign
    assert scope.check("rhinoplasty tip still looks like a potato, is swelling normal").foreign == (
        "rhinoplasty",
    )


def test_real_kb_a_procedure_someone_needs_is_another_subject(real_bot) -> None:  # type: ignore[no-untyped-def]
    response = real_bot.ask("my uncle needs gallbladder surgery, is it done awake")
    assert response.status.value == "no_match", response


def test_a_group_named_before_its_description_is_context(scope: Scope) -> None:
    # the group's own name is who the question is about, not another subject
    for question in (
        "ballerinas and other lean folks - how long is the harvest sedation",
        "endurance athletes with little fat - how long is the harvest sedation",
        "keen swimmers who train daily - how long is the harvest sedation",
        "cooks or bakers left with little fat - how long is the harvest sedation",
        # users, sufferers, parents or a population of them
        "snus users - how long is the harvest sedation",
        "lean populations such as jockeys: how long is the harvest sedation",
    ):
        assert scope.check(question).foreign == (), question
    # what describes them may be another subject
    assert (
        "shin"
        in scope.check("runners with shin splints - how long is the harvest sedation").foreign
    )


def test_question_part_is_the_question_after_the_askers_context(scope: Scope) -> None:
    asked = "I'm a nurse on nights. My shifts are long. Is sedation used for the harvest?"
    assert scope.question_part(asked) == "is sedation used for the harvest"
    assert scope.question_part("I work nights, is sedation used for the harvest?") == (
        "is sedation used for the harvest"
    )
    assert scope.question_part("Is sedation used for the harvest?") is None  # one part
    # context that mentions a procedure the asker had is kept with the question
    assert scope.question_part("I had botox last week. Is the swelling common?") is None
    # someone else's context, or a last part without a word of the subject, is no question part
    assert scope.question_part("Nurses say so. Is sedation used for the harvest?") is None
    assert scope.question_part("I'm a nurse. What should I charge?") is None


def test_question_parts_are_the_parts_that_ask_about_the_subject(scope: Scope) -> None:
    asked = "can a student afford the harvest, what does the nanofat cost"
    assert scope.question_parts(asked) == [
        "can a student afford the harvest",
        "what does the nanofat cost",
    ]
    # a part that asks nothing, or asks about nothing of the subject, is left out
    assert scope.question_parts("I'm a nurse. What is the sedation?") == ["what is the sedation"]
    assert scope.question_parts("how are you? what is the weather") == []
    assert scope.question_parts("what is the sedation") == []  # one part
    # a pasted wall of questions: only the first few parts are read, each ranked alone
    assert len(scope.question_parts("what is the sedation? " * 40)) == MAX_QUESTION_PARTS
    # a message that also asks about something else has no part of this subject to answer
    assert scope.question_parts("who won the cup? what is the sedation") == []
    # two questions joined by "and" before a wh-word
    assert scope.question_parts("what does the nanofat cost and how is the harvest done") == [
        "what does the nanofat cost",
        "how is the harvest done",
    ]
    assert scope.question_parts("what is the sedation and why") == []  # "why" asks nothing alone
    # clauses: a question, then a comment after a comma
    asked = "so what is the sedation, my coworker keeps bringing it up"
    assert scope.question_parts(asked) == []
    assert scope.question_parts(asked, clauses=True) == ["so what is the sedation"]


@pytest.mark.parametrize(
    "question",
    [
        "roughly what is the price and what are the main risks",
        "what does it cost roughly and what are the risks",
    ],
)
def test_two_questions_joined_by_and_are_answered(real_bot, question: str) -> None:  # type: ignore[no-untyped-def]
    """Each question of the two is ranked on its own when the whole message finds nothing
    (the price and the risks are two entries; neither scores enough for both)."""
    response = real_bot.ask(question)
    assert response.status.value == "answered", question
    assert response.answer is not None and response.answer.topic in ("cost", "risks")


def test_a_message_of_only_question_and_neutral_words_names_no_other_subject() -> None:
    config = ScopeConfig(anchors=("nanofat",), neutral=("recommend",))
    s = Scope(config, Normalizer(), TEXTS)
    assert s.check("recommend me a good movie for tonight").other_subject
    check = s.check("what would you recommend for me")
    assert not check.domain and not check.content and not check.other_subject


def test_forum_shorthand_nf_names_nanofat(real_bot) -> None:  # type: ignore[no-untyped-def]
    """Forum regulars write "NF" for nanofat (synonyms.yaml): the question names the subject
    and finds what the spelled-out question finds."""
    assert real_bot.scope.check("how bad is the bruising after NF").anchored
    short = real_bot.ask("how bad is the bruising after NF")
    assert short.status.value == "answered"
    assert short.answer.id == real_bot.ask("how bad is the bruising after nanofat").answer.id


def test_baldness_is_hair_loss(real_bot) -> None:  # type: ignore[no-untyped-def]
    """The entry on hair loss also speaks of baldness (its alternates), so "going bald" is no
    foreign subject and a question about baldness finds it."""
    for question in (
        "fellas going bald on top, is nanofat used for that?",
        "can nanofat help with male pattern baldness",
    ):
        response = real_bot.ask(question)
        assert response.answer is not None and response.answer.id == "indications-hair-loss"


def test_a_slip_on_a_question_word_is_no_foreign_subject(real_bot) -> None:  # type: ignore[no-untyped-def]
    """ "hoe" is an English word (a garden tool) but here a slip on "how" (synonyms.yaml)."""
    question = "hoe do they get the fat out, is it like lipo"
    assert real_bot.scope.check(question).foreign == ()
    response = real_bot.ask(question)
    assert response.answer is not None and response.answer.id == "basics-harvest-method"


def test_a_question_then_a_comment_after_a_comma_is_answered(real_bot) -> None:  # type: ignore[no-untyped-def]
    """The comment's words, unknown to every entry, lowered the whole message below the answer
    threshold; its first clause alone is the question."""
    response = real_bot.ask("so what is nanofat exactly, my coworker keeps bringing it up lately")
    assert response.answer is not None
    assert response.answer.id == "basics-what-is-nanofat-grafting"


# Who or what a question is about (this session's scope rules): each row is a question and the
# status it must get.
ABOUT = [
    # who the question is about, then a question in this subject's own words
    (
        "patients with stubborn love handles - is slimming the donor area a side benefit",
        "answered",
    ),
    (
        "for frail seniors who dread general anaesthesia, is the harvest done under local",
        "answered",
    ),
    # the same shape, but the question after the description could be about anything:
    # the description names the subject
    ("for patients with vertigo - what is the best treatment", "no_match"),
    ("people with a sprained ankle - how long is the recovery", "no_match"),
    # the foreign word is in the question itself
    ("people with bunions, how long does recovery from bunion surgery take", "no_match"),
    # who the general question is about: neutral words (scope.yaml), not another subject
    ("do golfers who are out in the sun a lot lose their results faster?", "answered"),
    # the same words in a question about another subject
    ("what do vegetarians eat for protein", "no_match"),
    ("best running shoes for marathon runners", "no_match"),
    # only the question's frame matches ("how long ... last", "how many ... time"), and a
    # word no source uses says what it is about
    ("how long does a phone battery last", "no_match"),
    ("how many time zones are there in canada", "no_match"),
    # the frame alone, about the procedure left unnamed; a word of substance matched
    ("how long does it last", "answered"),
    ("how much time off work do people need", "answered"),
]


@pytest.mark.parametrize(("question", "status"), ABOUT)
def test_what_a_question_is_about(real_bot, question: str, status: str) -> None:  # type: ignore[no-untyped-def]
    assert real_bot.ask(question).status.value == status, question


def test_unknown_content_words_are_common_english_the_sources_never_use(real_bot) -> None:  # type: ignore[no-untyped-def]
    scope = real_bot.scope
    assert scope.unknown_content(scope.normalize("how long does a phone battery last")) == [
        "battery"
    ]
    # slips and everyday words are left out; so are the sources' own words
    assert scope.unknown_content(scope.normalize("peeple usualy go to school")) == []
    assert scope.unknown_content(scope.normalize("how long does the swelling last")) == []


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("underweight people enough fat?", "candidates-thin-low-fat"),
        ("does weight fluctuation affect how long results last in patients", None),
        ("is fat harvest feasible for very lean patients", "candidates-thin-low-fat"),
    ],
)
def test_words_of_method_caution_and_weight_are_neutral(
    real_bot: FaqBot, question: str, entry: str | None
) -> None:
    """ "feasible", "precautions", "fluctuation", "underweight": words any subject uses, not
    another subject's name."""
    assert real_bot._scope(question).foreign == (), question
    response = real_bot.ask(question)
    assert response.status.value == "answered", question
    assert entry is None or response.answer.id == entry  # type: ignore[union-attr]


def test_definition_asked_is_the_thing_named_before_what_is_it(scope: Scope) -> None:
    assert scope.definition_asked("SVF - what exactly is it?") == "what is svf"
    assert scope.definition_asked("nanofat?? whats that") == "what is nanofat"
    assert scope.definition_asked("fat harvest, what's that about?") == "what is fat harvest"
    assert scope.definition_asked("nanofat.. what actually is the stuff") == "what is nanofat"
    # where the asker came across it is dropped; rare words joined to the name are kept
    heard = "my dermatologist mentioned nanofat today. what is that?"
    assert scope.definition_asked(heard) == "what is nanofat"
    assert scope.definition_asked("my friend keeps talking about fat transfer, what is it") == (
        "what is fat transfer"
    )
    combined = "my doctor mentioned microbotox with nanofat microneedling, what is that?"
    assert scope.definition_asked(combined) == "what is microbotox with nanofat microneedling"
    # asked as a request, or with how plainly to put it
    asked = "My granddaughter keeps talking about nanofat. Could you explain what it actually is?"
    assert scope.definition_asked(asked) == "what is nanofat"
    asked = "my barber mentioned nanofat. what is it, short version"
    assert scope.definition_asked(asked) == "what is nanofat"
    assert scope.definition_asked("SVF. please explain in plain words what it is") == "what is svf"
    # typed in chat shorthand, or asked in everyday words
    asked = "my sister keeps going on about nanofat, wat is it in normal words"
    assert scope.definition_asked(asked) == "what is nanofat"
    asked = "SVF. can you explain in layman's terms what it is"
    assert scope.definition_asked(asked) == "what is svf"
    assert scope.definition_asked("nanofat. could you explain how it is made") is None
    # the rare name right after where it was heard of is the thing, unless the subject is named
    asked = "the clinic leaflet mentions a biocream for home use. what is that?"
    assert scope.definition_asked(asked) == "what is biocream"
    assert scope.definition_asked("saw a tiktok about nanofat, what is it") == "what is nanofat"
    assert (
        scope.definition_asked("I heard a celebrity had nanofat, what is it") == "what is nanofat"
    )
    # heard of something that is not the subject: nothing to explain here
    assert scope.definition_asked("my friend mentioned a new phone, what is it") is None
    # the last part asks more than what it is, or there is nothing before it
    assert scope.definition_asked("nanofat, what is it made of") is None
    assert scope.definition_asked("nanofat, is it safe") is None
    assert scope.definition_asked("what is it") is None


def test_without_pleasantries_is_the_question_without_greetings_and_thanks(
    scope: Scope,
) -> None:
    wp = scope.without_pleasantries
    assert wp("Good morning. I was wondering, is sedation used?") == "is sedation used?"
    assert wp("thanks for your help earlier. what is nanofat?") == "what is nanofat?"
    assert wp("quick q - how long does the swelling last") == "how long does the swelling last"
    assert wp("who is tonnard? Cheers!") == "who is tonnard?"
    assert wp("is sedation used? Many thanks in advance.") == "is sedation used?"
    assert wp("I'd like to know what is nanofat") == "what is nanofat"
    assert wp("can you tell me how long the swelling lasts") == "how long the swelling lasts"
    # a scene set in words of its own says what the question is about and stays
    assert wp("people with burns from kitchen accidents, can nanofat help them") is None
    assert wp("I had botox last week. how long does the swelling last") is None
    # a part that says whose case it is, or has no word of greeting or thanks, stays
    assert wp("is nanofat safe? for me?") is None
    assert wp("is nanofat safe? can i?") is None
    assert wp("is nanofat safe? i want it") is None
    assert wp("what is nanofat") is None


def test_without_asides_drops_who_the_question_is_for() -> None:
    assert without_asides("is nanofat safe? asking for my mum") == "is nanofat safe?"
    assert without_asides("what does nanofat cost (asking for a friend)") == (
        "what does nanofat cost"
    )
    assert without_asides("asking for a friend: she is 58, would she qualify?") == (
        "she is 58, would she qualify?"
    )
    assert without_asides("is nanofat safe") is None
    assert without_asides("asking for my mum") is None


def test_without_asides_drops_a_request_to_put_it_simply() -> None:
    assert without_asides("angiogenesis nanofat explain like im 5") == "angiogenesis nanofat"
    assert without_asides("eli5 how nanofat works") == "how nanofat works"
    assert without_asides("explain it like i'm five: what is svf") == "what is svf"
    assert without_asides("explain nanofat like i am 5") == "explain nanofat"
    assert without_asides("what is svf, explain like im a five-year-old") == "what is svf"
    # an age the asker gives is no aside
    assert without_asides("im 5 weeks post op, is swelling normal") is None
    assert without_asides("i am 5 foot tall, is there enough fat") is None


def test_without_asides_drops_a_polite_request_to_be_told() -> None:
    asked = "Would you be so kind as to tell me whether the fat is taken from the stomach?"
    assert without_asides(asked) == "whether the fat is taken from the stomach?"
    grateful = "Good day. I should be most grateful if you could explain to me what nanofat is."
    assert without_asides(grateful) == "good day. what nanofat is."
    assert without_asides("tell me about nanofat") is None


def test_without_asides_drops_a_formal_request_to_be_told() -> None:
    cases = {
        "I would be obliged if you would indicate whether the graft is spun in a centrifuge.": (
            "whether the graft is spun in a centrifuge."
        ),
        "Good morning. Kindly inform me how the fat is filtered.": (
            "good morning. how the fat is filtered."
        ),
        "I should like to know the price of nanofat.": "the price of nanofat.",
        "I'd be grateful to learn whether it needs a general anaesthetic": (
            "whether it needs a general anaesthetic"
        ),
        "I would appreciate knowing how long the swelling lasts.": "how long the swelling lasts.",
        "May I enquire whether nanofat helps acne scars?": "whether nanofat helps acne scars?",
        "Please advise as to the usual recovery time.": "as to the usual recovery time.",
        "Could you kindly describe the steps of processing?": "the steps of processing?",
        "what is svf, if you would be so kind?": "what is svf, ?",
    }
    for asked, question in cases.items():
        assert without_asides(asked) == question, asked
    # the asker's own case stays in what is asked
    assert without_asides("I would like to know if I am a candidate") == "if i am a candidate"
    # only a request to be told: advice asked for, or an opinion, is the question itself
    assert without_asides("would you advise me to get nanofat") is None
    assert without_asides("would you say nanofat beats filler") is None
    assert without_asides("i would like to have nanofat in my cheeks") is None


def test_real_kb_formal_requests_are_answered_not_refused(real_bot) -> None:  # type: ignore[no-untyped-def]
    # the "I" of "I would be glad to know" is the asker's manners, not their case
    for asked, evidence in {
        "I would be glad to know whether the hands may be treated with nanofat.": "hands",
        "I would be obliged if you would tell me how much fat is removed for nanofat.": "fat",
        "Would you kindly inform me whether nanofat leaves scars where the cannula goes in?": (
            "scar"
        ),
    }.items():
        assert_answered_from(real_bot, asked, evidence)
    # and a formal request about the asker's own case is still refused
    own = "I would be grateful to know whether I am suitable for nanofat with my lupus."
    assert real_bot.ask(own).status.value == "refused"


def test_without_asides_drops_a_request_to_spell_it_out() -> None:
    # "for me" here asks to be told, not about the asker
    spelled = "PHAT keeps popping up next to nanofat, spell it out for me?"
    assert without_asides(spelled) == "phat keeps popping up next to nanofat, ?"
    assert without_asides("what is SVF. break it down for me") == "what is svf."


def test_without_asides_drops_a_request_to_be_walked_through() -> None:
    assert without_asides("walk me through the repair phase after nanofat") == (
        "the repair phase after nanofat"
    )
    assert without_asides("walk me thru the lab part") == "the lab part"
    assert without_asides("can someone explain how nanofat is made") == "how nanofat is made"
    assert without_asides("could anybody please tell me what svf is") == "what svf is"
    # "someone" who is the subject of the question stays
    assert without_asides("can someone with diabetes have nanofat") is None


def test_real_kb_a_request_to_spell_it_out_is_not_personal(real_bot) -> None:  # type: ignore[no-untyped-def]
    r = real_bot.ask("the acronym PHAT keeps popping up next to nanofat, spell it out for me?")
    assert r.status.value != "refused"


def test_without_asides_drops_give_me_where_a_part_opens() -> None:
    assert without_asides("needle gauge and how many mL per spot - give me both") == (
        "needle gauge and how many ml per spot - both"
    )
    assert without_asides("give me the full list of side effects") == (
        "the full list of side effects"
    )


def test_then_feels_splits_a_question_from_how_the_asker_feels() -> None:
    question = "will the harvest leave marks? both freak me out a little"
    assert then_feels(question) == ("will the harvest leave marks?", "both freak me out a little")
    # no feeling, a case, or a question that points at the asker's own: no split
    assert then_feels("will the harvest leave marks? i wonder") is None
    assert then_feels("does it hurt? i have lupus and i'm scared") is None
    assert then_feels("is this swelling normal? im so worried") is None
    assert then_feels("i'm scared") is None
