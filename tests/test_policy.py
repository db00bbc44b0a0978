"""The refusal policy on the real model: personal advice refused, general questions answered.

The examples are the product's own definitions (issue text), not evaluation questions; the
figures on held-out data come from `faqbot eval`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from faqbot.features import Normalizer
from faqbot.policy import (
    URGENT_MIN_PROBABILITY,
    Decision,
    PolicyDataError,
    asks_about_my_case,
    asks_how_much_they_need,
    asks_if_it_works_for_me,
    asks_if_ok_for_me,
    asks_if_own_state_is_normal,
    asks_if_suited,
    asks_in_general,
    asks_leave_after,
    asks_should_i,
    asks_to_have_it,
    asks_to_judge_my_state,
    asks_what_it_does_to_me,
    asks_what_suits_me,
    asks_whether_i,
    asks_whether_they,
    asks_your_view_of_me,
    comments_only,
    fit_policy,
    goes_on,
    happened_recently,
    load_policy_rows,
    looks_for_a_place,
    names_no_one_to_judge,
    names_own_procedure,
    nb_scale,
    reports_a_sign,
    reports_then_asks_what_it_is,
    speaks_then_asks_whether_i,
    takes_a_medicine,
    tells_own_state,
    train_policy,
    urgent_sign,
)
from faqbot.service import FaqBot

PERSONAL = [
    "I'm 47 and had chemo last year, would I qualify?",
    "microneedling or nanofat for my pitted cheeks?",
    "how many cc should they harvest from my hips?",
    "is it ok for me to keep taking fish oil before surgery?",
    "my forehead has been itchy and bumpy for five days since the injections, is that an allergy?",
    "can I go to the beach a week after my treatment?",
    "I had microfat to my temples in June and now there is a small firm bump near my hairline, what could it be?",
]
GENERAL = [
    "Can nanofat be done on people over 60?",
    "What makes someone a poor candidate for fat grafting?",
    "Will I have bruises after the procedure?",
    "Do patients usually need more than one session?",
    "Can people with darker skin have nanofat?",
    "what is nanofat",
    "how much does nanofat cost",
]
URGENT = [
    "I suddenly have blurry vision after my injection",
    "my cheek turned white and blotchy right after the injection",
    "the pain in my temple is getting worse every hour since the procedure",
    "I have a fever and there is pus where they took the fat",
    "the redness around my injection site is spreading",
    "I'm having trouble breathing after my fat transfer",
    "my thigh where they did the lipo keeps bleeding and it won't stop",
    "I bled a lot at the donor site and my dressing is soaked through, is that normal?",
    "my mum had nanofat yesterday and her under eyes are swollen shut this morning",
    "thermometer says 38.9 two days after my microfat",
    "I have a temperature and my cheek is swollen after the nanofat",
    "since the injection this morning I see double",
    "the skin by my nose turned black after the fat graft",
    "my eye is swollen shut the day after under eye nanofat",
    "my left eye went blurry half an hour after the fat was injected near my brow",
    "my partner has shaking chills the day after his fat transfer",
    "there is thick yellow fluid leaking from the harvest site on my thigh",
    "since the microfat this morning I can barely breathe",
    "my thigh has been bleeding through the gauze since the harvest",
    "blisters are forming on my cheek where they injected me, my skin is blistering",
    "I have a stiff neck and a pounding headache since my fat transfer yesterday",
    # no person named, but "got" puts the sign in someone's situation
    "got a fever after the fat grafting",
    "got pus at the injection site after fat transfer",
    # trouble swallowing; severe pain said as "strong"
    "since the lip injections my throat feels odd and it is hard to swallow",
    "very strong pain in my thigh where the fat was taken, since this morning",
    "strong pain in the cheek since the nanofat yesterday",
    # infection signs in other words: a pink patch growing and warm, foul-smelling drainage
    "the pink area around the entry point is warm and has spread since this morning",
    "drainage with a foul smell from where they took the fat, 3 days out",
]


@pytest.mark.parametrize(
    "question",
    [
        # the classifier alone scores these 0.33 and 0.24, under the threshold
        "my upper lip graft feels firm, what can I do about it",
        "the graft in my temple feels firm, what should i do",
        # "what to do" / "what now" of someone the question names
        "the graft in my lip feels hard, what to do",
        "my cheek still looks uneven after nanofat what now",
        # as typed by someone writing in a second language
        "my temple looks flat again after the nanofat, what I do",
        "the graft in my cheek feels hard, what i must do",
    ],
)
def test_asking_what_to_do_is_personal(real_bot: FaqBot, question: str) -> None:
    """The eval sample refuses "my face feels numb after nanofat, what should I do?"."""
    d = real_bot.policy.decide(question)
    assert d.refuse and d.reason == "personal_advice", d


@pytest.mark.parametrize(
    "question",
    [
        "on TRT at the moment, will my own graft take better or worse",
        "on hormone therapy, will my graft take",
    ],
)
def test_whether_the_askers_own_graft_will_take_is_personal(
    real_bot: FaqBot, question: str
) -> None:
    """The refusal model learnt it from training rows of the kind ("I take levothyroxine, will
    my fat graft still take"): with another subject's word ("trt") and no "nanofat", no rule
    catches it."""
    assert real_bot.ask(question).status.value == "refused"


@pytest.mark.parametrize("question", PERSONAL)
def test_personal_questions_are_refused(real_bot: FaqBot, question: str) -> None:
    d = real_bot.policy.decide(question)
    assert d.refuse and d.reason in ("personal_advice", "urgent_symptoms"), d


@pytest.mark.parametrize("question", GENERAL)
def test_general_questions_are_not_refused(real_bot: FaqBot, question: str) -> None:
    d = real_bot.policy.decide(question)
    assert not d.refuse and d.reason == "general", d


@pytest.mark.parametrize("question", URGENT)
def test_urgent_symptoms_are_urgent(real_bot: FaqBot, question: str) -> None:
    d = real_bot.policy.decide(question)
    assert d == Decision(True, "urgent_symptoms", True, d.probability)


@pytest.mark.parametrize(
    "question",
    [
        "can nanofat cause blindness?",
        "what are the signs of infection after fat grafting?",
        "is fever a known side effect of fat transfer?",
        "what temperature counts as a fever after fat transfer?",
        "can lip nanofat make it hard to swallow?",
        "is the pain strong after nanofat?",
        "is some bleeding normal after the fat harvest?",
        # an urgent word in the asker's reading, not in their situation
        "I saw a news story saying fat injections can blind people, how common is that?",
        "is nanofat painful?? I have a terrible pain threshold",
        # "got" in a question about people in general
        "if you got a fever after fat transfer what does it mean",
        # "sudden" in what the asker heard, "still" of people in general
        "I heard fat injections can cause sudden blindness, is that true?",
        "since blindness is a risk, why do people still get fat grafting",
        "do patients still get blurry vision after nanofat",
        # stiff skin is not a stiff neck with a headache
        "my grandad's neck skin is stiff after radiotherapy, is nanofat used on radiated skin?",
        # darkness of the skin around the eyes, not in them
        "the darkness around my eyes runs in the family, could nanofat help me",
    ],
)
def test_general_questions_about_urgent_signs_are_not_urgent(
    real_bot: FaqBot, question: str
) -> None:
    assert not real_bot.policy.decide(question).urgent


@pytest.mark.parametrize(
    "question",
    [
        "fever 101 after fat transfer",
        "chest pain and short of breath after fat transfer",
        "eye pain and cant see well after fat injection",
        "blurry vision after fat injection under eye help",
        # five words dated "after", or a report dated to now
        "short of breath after lipo",
        "calf swollen painful after liposuction",
        "sudden double vision after nanofat",
        "morning fat injection in forehead, now skin look grey, cold to touch, what happening",
        # two colours of a skin starved of blood
        "help please, tip of nose after fat injection is pale like paper and now blueish",
        # throbbing is pain ("pain" in synonyms.yaml), here worse than the day before
        "the cheek they injected is throbbing, way worse than yesterday, is this normal",
        "agonizing cheek pain post-op",
        # darkness in an eye, not under it
        "sudden darkness in my left eye after fat was put in my temple",
        "one eye went black an hour after nanofat near the brow",
    ],
)
def test_a_reported_urgent_sign_is_urgent_without_a_pronoun(
    real_bot: FaqBot, question: str
) -> None:
    """Typed as a report, not a question: the sign is the asker's present situation."""
    assert real_bot.policy.decide(question).urgent, question


@pytest.mark.parametrize(
    "question",
    ["nanofat blindness risk", "fever after fat grafting", "vision loss after fat injection"],
)
def test_an_urgent_sign_in_a_keyword_query_is_not_urgent(real_bot: FaqBot, question: str) -> None:
    """Keyword queries look like reports too: the classifier floor, or a word about chances,
    keeps them general."""
    assert not real_bot.policy.decide(question).refuse, question


def test_an_urgent_sign_dated_to_now_beside_the_asker_is_urgent(real_bot: FaqBot) -> None:
    """A question, not a report, and the classifier is unsure; but "suddenly" beside "i" dates
    the sign to the asker's present."""
    question = "suddenly i see double after nanofat under eye, it is emergency?"
    d = real_bot.policy.decide(question)
    assert d.probability < URGENT_MIN_PROBABILITY and d.urgent, d


def test_an_urgent_sign_that_started_recently_is_urgent_below_the_floor(real_bot: FaqBot) -> None:
    """The classifier is nearly sure this is general (under the floor), but "last night" makes
    the sign someone's present situation."""
    question = "got chest pain after the sedation last night"
    d = real_bot.policy.decide(question)
    assert d.probability < URGENT_MIN_PROBABILITY and d.urgent, d


def test_happened_recently_needs_a_time_not_the_verb_last() -> None:
    assert happened_recently(["chest", "pain", "last", "night"])
    assert happened_recently(["fever", "since", "2", "day", "ago"])
    assert happened_recently(["blurry", "vision", "yesterday"])
    assert not happened_recently(["how", "long", "doe", "the", "pain", "last"])
    assert not happened_recently(["last", "session", "fever"])


def test_goes_on_says_a_state_continues() -> None:
    assert goes_on(["cut", "keep", "bleeding"])
    assert goes_on(["bleeding", "hasnt", "stopped"])
    assert goes_on(["it", "won", "t", "stop", "bleeding"])
    assert not goes_on(["doe", "bleeding", "stop", "after", "nanofat"])
    assert not goes_on(["why", "do", "people", "still", "get", "fat_transfer"])


@pytest.mark.parametrize(
    "question", ["the cannula hole keeps bleeding", "harvest site bleeding hasnt stopped"]
)
def test_an_urgent_sign_that_goes_on_is_urgent(real_bot: FaqBot, question: str) -> None:
    decision = real_bot.policy.decide(question)
    assert decision.refuse and decision.urgent, question


def test_asks_should_i_wants_a_recommendation_not_information() -> None:
    assert asks_should_i(["should", "i", "pick", "local", "or", "general"])
    assert asks_should_i(["what", "cream", "shud", "i", "use"])
    assert asks_should_i(["should", "we", "do", "it", "before", "the", "implant"])
    assert not asks_should_i(["what", "should", "i", "know", "before", "nanofat"])
    assert not asks_should_i(["what", "should", "i", "ask", "at", "the", "consultation"])
    assert not asks_should_i(["should", "people", "stop", "smoking", "first"])
    assert not asks_should_i(["what", "age", "should", "i", "start", "nanofat"])
    # "must i" asks the same; checking a surgeon is information
    assert asks_should_i(["how", "long", "must", "i", "stay", "off", "cigarette"])
    assert not asks_should_i(["what", "should", "i", "be", "checking", "about", "a", "surgeon"])


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # what the asker should do about this subject: a recommendation for them
        ("should I pick local or general anaesthesia for my nanofat", "refused"),
        ("my cheeks are peeling after nanofat microneedling, what lotion should I use", "refused"),
        # what they should learn is information
        ("what should i know before getting nanofat", "answered"),
        # another subject: not a medical question about this one
        ("how often should i change my car oil", "no_match"),
        # how much or how many the asker's own body needs: advice for them too
        ("what volume of nanofat would you put into my tear troughs, per side?", "refused"),
        ("how many sessions will my arm burn scar take to look normal?", "refused"),
        # ... or after the asker names their own, what "they" will take
        ("my under eyes are very hollow, how much fat will they need", "refused"),
        ("nanofat sounds great, how many sessions will it take", "answered"),
        # the same amount asked in general, or a price, is information
        ("how much nanofat is usually injected into the tear troughs?", "answered"),
        ("how much does nanofat cost, my daughter says it's thousands of dollars", "answered"),
    ],
)
def test_should_i_about_this_subject_is_personal(
    real_bot: FaqBot, question: str, status: str
) -> None:
    assert real_bot.ask(question).status.value == status, question


def test_asks_if_own_state_is_normal_needs_a_dated_report() -> None:
    assert asks_if_own_state_is_normal(["cheek", "still", "hard", "normal"])
    assert asks_if_own_state_is_normal(["numb", "chin", "5", "day", "after", "nanofat", "ok"])
    assert asks_if_own_state_is_normal(["itchy", "on", "day", "4", "is", "that", "normal"])
    # a question that opens as one asks in general
    assert not asks_if_own_state_is_normal(["is", "it", "normal", "to", "still", "bruise"])
    # nothing dates it to someone's procedure
    assert not asks_if_own_state_is_normal(["bruising", "after", "nanofat", "normal"])


@pytest.mark.parametrize(
    "question",
    [
        "chin still numb, normal??",
        "lumpy cheek 6 wks after microfat, is that ok",
        "day 5 and swollen normal?",
    ],
)
def test_a_dated_report_asking_if_it_is_normal_is_personal(real_bot: FaqBot, question: str) -> None:
    decision = real_bot.policy.decide(question)
    assert decision.refuse and decision.reason == "personal_advice", question


def test_asks_in_general_names_nobody_and_points_back_at_nothing() -> None:
    assert asks_in_general(["do", "fat", "graft", "help", "burn", "scar"])
    assert asks_in_general(["is", "the", "neck", "a", "common", "area"])
    assert not asks_in_general(["will", "nanofat", "work", "on", "it"])
    assert not asks_in_general(["is", "that", "normal"])
    assert not asks_in_general(["would", "you", "recommend", "nanofat"])
    assert not asks_in_general(["can", "i", "have", "nanofat"])
    assert not asks_in_general(["nanofat", "for", "burn", "scar"])  # not a question
    # a preposition before the question word ("at what point ...", "in which cases ...")
    assert asks_in_general(["at", "what", "point", "do", "surgeon", "say", "fat_transfer", "work"])
    assert asks_in_general(["in", "which", "case", "is", "fat", "transfer", "used"])
    assert not asks_in_general(["at", "my", "age", "is", "it", "worth"])
    assert not asks_in_general([]) and not asks_in_general(["at"])  # nothing after it


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # the asker's context, then a question anyone could ask: general information
        ("I have a burn scar on my arm. Do fat grafts help burn scars?", "answered"),
        # the question is about the asker's own case
        ("I have a burn scar on my arm. Will nanofat work on it?", "refused"),
        ("I have a burn scar on my arm, would you recommend nanofat?", "refused"),
    ],
)
def test_context_then_an_impersonal_question_is_general(
    real_bot: FaqBot, question: str, status: str
) -> None:
    assert real_bot.ask(question).status.value == status, question


def test_asks_leave_after_asks_permission_after_the_procedure() -> None:
    assert asks_leave_after(["can", "i", "take", "a", "bath", "the", "night", "after", "nanofat"])
    assert asks_leave_after(["could", "we", "go", "swimming", "after", "fat_transfer"])
    assert not asks_leave_after(["can", "i", "take", "a", "bath", "before", "nanofat"])
    assert not asks_leave_after(["after", "nanofat", "can", "people", "swim"])
    assert not asks_leave_after(["can", "it", "swell", "after", "nanofat"])


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # what the asker may do after their procedure, that no entry answers: their own
        # aftercare instructions
        ("can i take a hot bath the night after nanofat", "refused"),
        ("can we go swimming the week after fat transfer", "refused"),
        # no entry answers it at the plain threshold; the familiar one finds the donor-area
        # entry, which does not answer it
        ("can I sleep on my side after fat transfer", "refused"),
        # an entry answers it
        ("can i return to the office after nanofat", "answered"),
        # a gap entry says the sources leave it open
        ("can i fly after nanofat", "no_match"),
        # another subject
        ("can i eat pizza after a root canal", "no_match"),
    ],
)
def test_may_i_after_the_procedure_is_personal_unless_answered(
    real_bot: FaqBot, question: str, status: str
) -> None:
    assert real_bot.ask(question).status.value == status, question


def test_asks_about_someone_the_asker_names() -> None:
    toks = ["can", "my", "mother", "sleep", "on", "her", "side", "after", "nanofat"]
    assert asks_leave_after(toks)
    assert asks_should_i(["what", "cream", "should", "my", "husband", "use"])
    assert not asks_should_i(["what", "should", "my", "surgeon", "know"])
    assert not asks_leave_after(["can", "my", "results", "change", "after", "nanofat"])


def test_asks_what_it_does_to_me_opens_with_will_it_and_me() -> None:
    assert asks_what_it_does_to_me(["will", "nanofat", "give", "me", "keloid"])
    assert asks_what_it_does_to_me(["would", "it", "leave", "me", "bruised"])
    assert asks_what_it_does_to_me(["will", "the", "fat", "make", "me", "look", "puffy"])
    assert not asks_what_it_does_to_me(["can", "you", "tell", "me", "what", "it", "is"])
    assert not asks_what_it_does_to_me(["could", "it", "show", "me", "result"])
    assert not asks_what_it_does_to_me(["could", "the", "doctor", "tell", "me", "more"])
    assert not asks_what_it_does_to_me(["will", "nanofat", "give", "people", "keloid"])
    assert not asks_what_it_does_to_me(["will", "i", "get", "me", "time"])  # asks_whether_i's


def test_asks_whether_i_opens_with_can_or_will_i() -> None:
    assert asks_whether_i(["can", "i", "get", "nanofat"])
    assert asks_whether_i(["will", "i", "scar", "from", "fat_transfer"])
    assert not asks_whether_i(["can", "i", "ask", "what", "nanofat", "is"])
    assert not asks_whether_i(["can", "people", "get", "nanofat"])
    assert not asks_whether_i(["how", "can", "i", "find", "a", "clinic"])
    assert asks_whether_i(["do", "i", "need", "antivirals", "before", "nanofat"])
    assert asks_whether_i(["will", "my", "result", "last", "as", "long"])
    assert not asks_whether_i(["do", "i", "need", "to", "know", "anything"])
    assert not asks_whether_i(["do", "people", "need", "antivirals"])


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # the asker's own context, then whether they can or will: their own case
        ("i have freckles, will i scar from fat grafting", "refused"),
        ("i am vegan, can i get nanofat", "refused"),
        # ... or what the procedure will do to them, whatever they had done before
        ("I had botox before, will nanofat give me lumps?", "refused"),
        ("I bruise like a peach, will nanofat leave me bruised?", "refused"),
        ("I had nanofat last year. will it make me look older when it fades?", "refused"),
        # the asker's context, then a request to be told
        ("I'm writing an article, can you tell me what nanofat is", "answered"),
        # the asker's context, then a general question
        ("I'm a student writing an essay. Can I ask what nanofat is made of?", "answered"),
        # another subject, but "before and after" is the asker's own procedure
        ("how much vitamin c should i take before and after", "refused"),
        # another subject, with its own event
        ("can i eat pizza after a root canal", "no_match"),
        # another subject, but a part ends on a bare "after": the asker's own procedure
        ("I go to the lake 4 days after, is ok for me?", "refused"),
        # another subject, but "my appt" is the asker's own procedure
        ("had the flu last wk, can i still go ahead with my appt on monday", "refused"),
        # the asker's own context, then "ok for me": the procedure, left unnamed
        ("i take methotrexate weekly, is it ok for me", "refused"),
        ("i have a defibrillator implanted, is it okay for me", "refused"),
        # typed tersely: the procedure left unnamed
        ("my thyroid meds ok?", "refused"),
        ("i have sjogrens, ok?", "refused"),
        # what is asked about is named: another subject
        ("is salmon good for me", "no_match"),
    ],
)
def test_own_context_then_can_i_is_personal(real_bot: FaqBot, question: str, status: str) -> None:
    assert real_bot.ask(question).status.value == status, question


def test_going_on_taking_ones_own_medicine_is_taking_it(real_bot: FaqBot) -> None:
    toks = ["do", "i", "keep", "taking", "my", "metformin", "a", "usual"]
    assert takes_a_medicine(toks, frozenset(["metformin"]))
    # "stop taking vitamins in general" names none of the asker's own
    toks = ["do", "i", "need", "to", "stop", "taking", "vitamin", "in", "general"]
    assert not takes_a_medicine(toks, frozenset(["vitamin"]))
    # the medicine's name makes the message out of scope; it is still the asker's own medicine
    question = "do i keep taking my metformin as usual around the procedure"
    assert real_bot.ask(question).status.value == "refused"


def test_takes_a_medicine_needs_a_foreign_word_after_on_or_taking() -> None:
    assert takes_a_medicine(["im", "on", "warfarin"], frozenset(["warfarin"]))
    assert takes_a_medicine(["while", "on", "my", "antibiotic"], frozenset(["antibiotic"]))
    assert not takes_a_medicine(["i", "m", "on", "a", "budget"], frozenset())
    assert not takes_a_medicine(["put", "on", "warfarin"], frozenset(["warfarin"]))
    # a telegraphic message that opens with the medicine: the asker's own
    assert takes_a_medicine(["on", "warfarin", "can", "i"], frozenset(["warfarin"]))
    assert not takes_a_medicine(["on", "the", "day", "of", "nanofat"], frozenset())
    assert not takes_a_medicine(["on", "the", "diagram", "for", "fat"], frozenset(["diagram"]))


def test_what_the_asker_takes_or_injects_is_their_medicine(real_bot: FaqBot) -> None:
    toks = ["i", "inject", "testosterone", "weekly"]
    assert takes_a_medicine(toks, frozenset(["testosterone"]))
    assert takes_a_medicine(["i", "take", "spironolactone"], frozenset(["spironolactone"]))
    # someone else's, or no medicine named
    assert not takes_a_medicine(["they", "inject", "testosterone"], frozenset(["testosterone"]))
    assert not takes_a_medicine(["i", "take", "a", "few", "supplement"], frozenset())
    question = "i inject testosterone weekly, is nanofat safe with that"
    assert real_bot.ask(question).status.value == "refused"


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # the asker's own medicine
        ("can i get nanofat while on spironolactone", "refused"),
        ("im on prednisone, ok to do it", "refused"),
        ("on spironolactone when nanofat", "refused"),
        # no medicine
        ("i'm on a budget, what does nanofat cost", "answered"),
        ("on the day of nanofat what happens", "answered"),
    ],
)
def test_own_medicine_is_personal(real_bot: FaqBot, question: str, status: str) -> None:
    assert real_bot.ask(question).status.value == status, question


def test_someone_elses_medicine_in_general_is_not_refused(real_bot: FaqBot) -> None:
    assert not real_bot.decide("can people get nanofat while on spironolactone")[0].refuse


def test_a_state_dated_years_back_is_not_recent_or_going_on() -> None:
    assert not happened_recently(["radiation", "year", "ago"])
    assert happened_recently(["injection", "2", "hour", "ago"])
    assert not goes_on(["still", "blotchy", "from", "radiation", "year", "ago"])
    assert not goes_on(["still", "blotchy", "for", "year"])
    assert goes_on(["still", "blotchy"])


def test_a_long_standing_sign_then_a_general_question_is_answered(real_bot: FaqBot) -> None:
    q = (
        "my mum's neck skin is still blotchy from radiation years ago. is fat grafting used "
        "for radiation damaged skin in general"
    )
    assert real_bot.ask(q).status.value == "answered"
    assert real_bot.ask("my cheek is still blotchy from the injection 2 hours ago").refusal.urgent


def test_teens_as_a_time_of_life_name_no_one(real_bot: FaqBot) -> None:
    assert names_no_one_to_judge("adults still bothered by deep acne scars from their teens")
    assert names_no_one_to_judge("grown ups still scarred from spots as a teen")
    assert not names_no_one_to_judge("my teen daughter has acne scars")
    r = real_bot.ask("adults still bothered by deep acne scars from their teens")
    assert r.status.value == "answered"
    assert real_bot.ask("my teen has acne scars, can nanofat help her").status.value == "refused"


def test_blotches_of_pigment_are_no_urgent_sign(real_bot: FaqBot) -> None:
    assert not urgent_sign(["brown", "blotchy", "patche", "on", "cheek", "melasma"])
    assert urgent_sign(["cheek", "went", "blotchy", "after", "the", "injection"])
    r = real_bot.ask("brown blotchy patches on cheeks (melasma), any use doing nanofat")
    assert r.status.value == "answered"


def test_the_colours_of_stretch_marks_are_no_urgent_sign(real_bot: FaqBot) -> None:
    assert not urgent_sign(["are", "purple", "and", "white", "stretch", "mark", "treated"])
    assert not urgent_sign(["red", "stretch", "mark", "vs", "silver", "one"])
    # a colour that changes, or blue with white, is still skin starved of blood
    assert urgent_sign(["stretch", "mark", "turned", "white", "after", "injection"])
    assert urgent_sign(["stretch", "mark", "now", "white", "and", "blue"])
    assert urgent_sign(["skin", "white", "and", "purple", "after", "injection"])
    r = real_bot.ask("do the white and purple stretch marks on thighs get better with nanofat")
    assert r.status.value == "answered"


@pytest.mark.parametrize("question", ["what to do before nanofat", "what now after fat transfer"])
def test_what_to_do_of_nobody_is_general(real_bot: FaqBot, question: str) -> None:
    assert not real_bot.policy.decide(question).refuse, question


@pytest.mark.parametrize(
    "question",
    ["my lips lumpy after nanofat", "tingling in my cheek after fat transfer"],
)
def test_a_statement_of_someones_state_after_a_procedure_is_personal(
    real_bot: FaqBot, question: str
) -> None:
    d = real_bot.policy.decide(question)
    assert d.refuse and d.reason == "personal_advice", (question, d)


def test_tells_own_state_needs_a_statement_a_person_and_after() -> None:
    assert tells_own_state("my lips lumpy after nanofat", ["my", "lip", "lumpy", "after"])
    assert not tells_own_state("my lips lumpy after nanofat?", ["my", "lip", "lumpy", "after"])
    assert not tells_own_state("lips lumpy after nanofat", ["lip", "lumpy", "after"])
    assert not tells_own_state("my lips lumpy", ["my", "lip", "lumpy"])
    assert not tells_own_state(
        "i have pigment after acne, nanofat in general",
        ["i", "have", "pigment", "after", "acne", "nanofat", "in", "general"],
    )
    assert not tells_own_state(
        "how long is my swelling after nanofat", ["how", "long", "my", "swelling", "after"]
    )


def test_tells_own_state_dated_by_where_it_was_done() -> None:
    """ "where fat removed" dates a state to the procedure as "after" does; a "where" that asks
    is still a question."""
    toks = ["hard", "knot", "in", "my", "belly", "where", "fat", "removed"]
    assert tells_own_state("hard knot in my belly where fat removed", toks)
    assert not tells_own_state(
        "where is my fat removed from", ["where", "is", "my", "fat", "removed", "from"]
    )
    assert not tells_own_state(
        "can my lumps form where fat was removed",
        ["can", "my", "lump", "form", "where", "fat", "wa", "removed"],
    )
    assert not tells_own_state("my belly where it is", ["my", "belly", "where", "it", "is"])
    # chat spellings are not question words: the message still only states ("shud" = should)
    assert tells_own_state(
        "face uneven after nanofat shud i get more",
        ["face", "uneven", "after", "nanofat", "shud", "i", "get", "more"],
    )
    assert not tells_own_state(
        "must i rest after nanofat", ["must", "i", "rest", "after", "nanofat"]
    )


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("best pizza near me", False),
        ("where can i get a flu shot near me", False),
        # "near me" inside a personal question does not make it a search
        ("which surgeon near me should I book for my nanofat", True),
    ],
)
def test_a_local_search_is_not_a_personal_question(
    real_bot: FaqBot, question: str, refused: bool
) -> None:
    assert real_bot.policy.decide(question).refuse is refused, question
    assert looks_for_a_place(real_bot.policy.normalize(question)) is not refused


def test_reports_a_sign_reads_the_shape_of_the_question() -> None:
    assert reports_a_sign("fever 101 after fat transfer", ["fever", "101", "after"])
    assert not reports_a_sign("fever after fat transfer?", ["fever", "after"])
    assert not reports_a_sign("can nanofat cause blindness", ["can", "nanofat", "cause"])
    assert not reports_a_sign("nanofat blindness risk", ["nanofat", "blindness", "risk"])
    assert not reports_a_sign("", [])


# Adversarial shapes of the same personal requests.
@pytest.mark.parametrize(
    "question",
    [
        # a personal request wrapped in general words
        "Generally speaking, for someone like me with rosacea and two rounds of filler, would nanofat be a good idea?",
        # capitals, no punctuation
        "IM 47 AND HAD CHEMO LAST YEAR WOULD I QUALIFY",
        "should i get nanofat for my acne scars or try a laser first",
        # a personal question followed by a general one
        "I'm on blood thinners, can I still have the procedure? Also, what is microfat?",
        # a general question followed by a personal one typed without its question mark
        "Is more than one session usual? how many would I need for the deep lines on my forehead",
        # very long, with context
        "Hi, thanks for this service. " * 10
        + "I had nanofat under my eyes three weeks ago and one side is still lumpy, is that normal for me?",
    ],
)
def test_adversarial_personal_requests_are_refused(real_bot: FaqBot, question: str) -> None:
    assert real_bot.policy.decide(question).refuse


# What a treatment does, asked in the first person with no detail about the asker, is general;
# the same question with the asker's condition or history is personal.
@pytest.mark.parametrize(
    ("question", "personal"),
    [
        ("will fat grafting make my skin smoother", False),
        ("will my nanofat results fade over time", False),
        ("will nanofat change the way my face moves", False),
        ("will nano fat make my wrinkles go away", False),
        ("will nanofat make my lips bigger? mine have thinned a lot since I turned 60", True),
        (
            "will nanofat fill my hollow temples, I lost a lot of weight after my cancer treatment",
            True,
        ),
    ],
)
def test_what_a_treatment_does_is_general_unless_the_asker_is_described(
    real_bot: FaqBot, question: str, personal: bool
) -> None:
    assert real_bot.policy.decide(question).refuse is personal


def test_each_question_of_a_message_is_judged() -> None:
    """The classifier sees the whole message and each question in it, including a last one
    typed without a question mark, but not a trailing remark that asks nothing."""
    from faqbot.policy import Policy

    class Recorder:
        threshold = 0.5

        def __init__(self) -> None:
            self.seen: list[str] = []

        def probability(self, text: str) -> float:
            self.seen.append(text)
            return 0.0

    model = Recorder()
    policy = Policy(model, Normalizer(), 0.5)  # type: ignore[arg-type]
    policy.decide("is it common? how many will I need")
    assert model.seen[1:] == ["is it common?", "how many will I need?"]
    model.seen.clear()
    policy.decide("what is nanofat? I read about it online")
    assert model.seen[1:] == ["what is nanofat?"]
    model.seen.clear()
    policy.decide("what is nanofat?")
    assert model.seen == ["what is nanofat?"]
    model.seen.clear()
    policy.decide("how long does swelling last")  # one question, no mark: judged once
    assert model.seen == ["how long does swelling last"]


def test_a_question_naming_nobody_is_never_refused_as_personal(real_bot: FaqBot) -> None:
    """Non-urgent refusal needs someone whose situation is judged. With a classifier that
    would refuse everything, questions naming the asker or someone they know are refused,
    questions naming nobody are general, and urgent symptoms stay urgent either way."""
    from faqbot.policy import Policy

    class RefuseAll:
        threshold = 0.5

        def probability(self, text: str) -> float:
            return 0.9

    policy = Policy(RefuseAll(), real_bot.policy.normalize)  # type: ignore[arg-type]
    for q in [
        "I'm 47, would I qualify?",
        "is it ok for HER to fly after microfat",
        "should my mum stop aspirin before fat grafting",
        "we booked nanofat for next week, can we still travel?",
    ]:
        assert policy.decide(q).refuse, q
    for q in [
        "nanofat healing stages day by day",
        "do patients need more than one session",
        "nanofat under eyes or eyelid surgery for puffy bags",
    ]:
        d = policy.decide(q)
        assert not d.refuse and d.reason == "general", q
    assert policy.decide("sudden vision loss after fat injection today").urgent


def test_urgent_rule_needs_a_sign_not_just_a_word() -> None:
    assert urgent_sign(["vision", "blurry"])
    assert urgent_sign(["fever"])
    assert not urgent_sign(["vision"])
    assert not urgent_sign(["white", "fat", "cell"])
    assert not urgent_sign(["i", "can", "t", "see", "any", "result"])
    assert urgent_sign(["i", "can", "t", "see", "out", "of", "my", "eye"])
    # darkness in an eye is a sign; darkness under or around the eyes is the skin's colour
    assert urgent_sign(["total", "blackness", "in", "the", "right", "eye"])
    assert urgent_sign(["my", "eye", "has", "gone", "dark"])
    assert not urgent_sign(["darkness", "around", "the", "eye", "area"])
    assert not urgent_sign(["darkness", "under", "my", "eye"])
    assert not urgent_sign(["the", "dark", "eye", "circle"])


def test_urgent_rule_is_linear_on_adversarial_input(real_bot: FaqBot) -> None:
    # 1,000 characters of repetition: the rule is set look-ups, so this returns at once.
    d = real_bot.policy.decide("my vision " * 99 + "x")
    assert isinstance(d, Decision)


def test_policy_rows_errors_name_file_and_line(tmp_path) -> None:
    f = tmp_path / "train.tsv"
    f.write_text("label\turgent\tquestion\npersonal\t0\tok question\nmaybe\t0\tbad label\n")
    with pytest.raises(PolicyDataError, match=r"train.tsv:3"):
        load_policy_rows(f)


def test_last_clause_is_the_request_after_the_context() -> None:
    from faqbot.policy import last_clause

    assert last_clause("I'm 45 and my skin is dry, does nanofat help with dryness?") == (
        "does nanofat help with dryness"
    )
    assert last_clause("what is nanofat") == "what is nanofat"
    assert last_clause("My sister had it. Is that usual?\nThanks") == "Thanks"
    assert last_clause("is it\nusual for me") == "is it\nusual for me"  # a line break alone
    assert last_clause("what is it?? ") == "what is it?"  # a run: split at its last mark
    assert last_clause("") == ""


def test_policy_features_mark_the_request_clause(real_bot: FaqBot) -> None:
    from faqbot.policy import PolicyAnalyzer

    feats = PolicyAnalyzer(real_bot.policy.normalize)("I'm 45, is there a minimum age?")
    assert "q:minimum" in feats and "q:NOPERSON" in feats and "q:i" not in feats
    assert "i" in feats  # the whole question's n-grams are still there
    feats = PolicyAnalyzer(real_bot.policy.normalize)("I'm 45, can I have it?")
    assert "q:i" in feats and "q:PERSON" in feats


@pytest.mark.parametrize(
    "question",
    [
        "how do I reset my router",
        "my fridge is leaking water, what should I do?",
        "I forgot my login, can you help me?",
    ],
)
def test_personal_questions_about_another_subject_are_not_refused(
    real_bot: FaqBot, question: str
) -> None:
    decision, scope = real_bot.decide(question)
    assert scope.other_subject
    assert not decision.refuse
    assert real_bot.ask(question).status.value == "no_match"


@pytest.mark.parametrize(
    "question",
    [
        "at 72 am i too old for this",
        "i'm 72, am i too old for it",
        "im 60 will it work on me",
        "my daughter 19 wants it, should she",
    ],
)
def test_personal_questions_are_refused_without_a_subject_word(
    real_bot: FaqBot, question: str
) -> None:
    """The words "it" and "this" name no subject, so the scope check finds no word of it; but
    nor does the question name another subject with a word of its own: in this chat "it" is the
    procedure, and the question is personal."""
    decision, scope = real_bot.decide(question)
    assert not scope.domain and not scope.other_subject
    assert decision.refuse and decision.reason == "personal_advice"
    assert real_bot.ask(question).status.value == "refused"


def test_personal_questions_without_rare_words_are_still_refused(real_bot: FaqBot) -> None:
    """The scope gate only lets a personal question through when it uses no word of the
    subject; a personal question in everyday words is about this one, and so is one whose only
    unusual words are slips or words the sources never use."""
    for question in (
        "my results look good at three months, will I keep all of it?",
        # "numbness" is not in the sources; "away" is, and it is not among the commonest words
        "my numbness will go away?",
        "is my brusing normal",  # a slip, not another subject
    ):
        decision, scope = real_bot.decide(question)
        assert scope.domain and not scope.other_subject, question
        assert decision.refuse, question


# The shortest shape of a candidacy question: a condition or medicine of the asker's, and "can
# I have it?". The conditions and medicines here are not in the training set.
@pytest.mark.parametrize(
    ("personal", "general"),
    [
        ("I have lichen planus, can I get nanofat?", "Can people with lichen planus have nanofat?"),
        (
            "i have graves disease can i have microfat",
            "is microfat done on people with graves disease",
        ),
        (
            "I take spironolactone, can I still get fat grafting?",
            "is fat grafting safe for people on spironolactone?",
        ),
    ],
)
def test_short_candidacy_questions_and_their_general_twins(
    real_bot: FaqBot, personal: str, general: str
) -> None:
    assert real_bot.decide(personal)[0].refuse
    assert not real_bot.decide(general)[0].refuse


def test_nb_scale_weighs_separating_features_up() -> None:
    """A feature found only in personal questions is scaled up; one found equally in both
    labels is scaled to nothing; the sign of the ratio is dropped (the regression learns it)."""
    # columns: only-personal, both labels alike, only-general
    x = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1]], dtype=float))
    y = np.array([1, 1, 0, 0])
    scale = nb_scale(x, y)
    assert scale[1] == pytest.approx(0.0)
    assert scale[0] > 1.0 and scale[0] == pytest.approx(scale[2])


def test_stored_policy_model_scores_as_scikit_learn(real_bot: FaqBot) -> None:
    """The pickle-free model (vocabulary, IDF, coefficients with the Naive-Bayes scaling folded
    in) gives scikit-learn's own probabilities, including for words it has never seen."""
    rows = load_policy_rows(real_bot.kb.root / "policy" / "train.tsv")[::4]
    normalizer = real_bot.policy.normalize
    fit = fit_policy(rows, normalizer)
    model = train_policy(rows, normalizer)
    questions = [r.question for r in rows[:40]] + [
        "I'm 47 and had chemo last year, would I qualify?",
        "Can people with darker skin have nanofat?",
        "zxqv blorf nanofat??",
        "MY FOREHEAD IS ITCHY AND BUMPY FIVE DAYS AFTER THE INJECTIONS",
    ]
    expected = fit.probability(questions)
    got = np.array([model.probability(q) for q in questions])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_cross_validation_script_reports_errors_per_setting() -> None:
    """scripts/policy_cv.py (how C and the threshold were chosen) runs on the real data and
    prints one line of errors per setting; a quick two-fold run."""
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "policy_cv.py"),
            "--folds",
            "2",
            "--seeds",
            "0",
            "--threshold",
            "0.5",
            "0.9",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert out.returncode == 0, out.stderr
    assert "2-fold, seeds [0]" in out.stdout
    rows = re.findall(r"^\s+32\s+(0\.\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out.stdout, re.M)
    assert [r[0] for r in rows] == ["0.5", "0.9"]
    (_, fn_low, fp_low, _), (_, fn_high, fp_high, _) = rows
    # a higher threshold refuses less: more personal questions missed, fewer general refused
    assert float(fn_high) > float(fn_low) and float(fp_high) < float(fp_low)


def test_context_then_do_i_need_is_refused(real_bot: FaqBot) -> None:
    decision, _ = real_bot.decide("i get cold sores often, do i need antivirals before nanofat")
    assert decision.refuse and decision.reason == "personal_advice"
    assert not real_bot.decide("do people with cold sores need antivirals before nanofat")[0].refuse


@pytest.mark.parametrize(
    "question",
    ["recommend me a good book for the weekend", "suggest a nice restaurant for my birthday"],
)
def test_asking_for_a_recommendation_on_another_subject_is_not_refused(
    real_bot: FaqBot, question: str
) -> None:
    assert real_bot.ask(question).status.value == "no_match"


def test_asking_for_a_recommendation_on_nothing_named_is_refused(real_bot: FaqBot) -> None:
    assert real_bot.ask("what would you recommend for me").status.value == "refused"


def test_where_the_asker_read_of_it_is_no_other_subject(real_bot: FaqBot) -> None:
    scope = real_bot.scope.check("what is PHAT, someone on a forum mentioned it")
    assert scope.foreign == ()
    assert real_bot.ask("what is PHAT, someone on a forum mentioned it").status.value == "answered"


@pytest.mark.parametrize(
    "question",
    [
        "do patients on aspirin have to tell the clinic beforehand",
        "for retirees, what is the usual price",
        "does being out in the sun heaps shorten results",
        "does it work for acne scar sufferers in sunny places? im a worrier",
        "why do docs say to wait before a second session",
        "for night shift workers, how long is the swelling",
        # words of how skin looks, who (pensioners), how much (single digit, barely)
        "old burn scars going tight and shiny, used for that?",
        "pensioners and over 60s, do their old stem cells still work",
        "cyclists with single digit body fat, is there barely enough to harvest",
    ],
)
def test_words_that_only_qualify_who_or_when_name_no_other_subject(
    real_bot: FaqBot, question: str
) -> None:
    assert real_bot.scope.check(question).foreign == (), question


def test_asks_what_suits_me_wants_a_choice_for_the_asker() -> None:
    assert asks_what_suits_me(["what", "anaesthesia", "is", "best", "for", "me"])
    assert asks_what_suits_me(["do", "you", "recommend", "local", "or", "general", "for", "me"])
    assert asks_what_suits_me(["which", "one", "you", "recommend", "me", "prp", "or", "prf"])
    assert asks_what_suits_me(["is", "it", "right", "for", "my", "scar"])
    assert not asks_what_suits_me(["what", "anaesthesia", "is", "best", "for", "nanofat"])
    assert not asks_what_suits_me(["can", "you", "tell", "me", "what", "is", "best"])
    # for someone the asker named as their own
    assert asks_what_suits_me(["my", "dad", "ha", "rosacea", "which", "is", "better", "for", "him"])
    assert not asks_what_suits_me(["dr", "tonnard", "say", "which", "is", "better", "for", "him"])
    assert not asks_what_suits_me(
        ["which", "is", "better", "for", "her", "nanofat", "or", "microfat"]
    )


@pytest.mark.parametrize(
    "question",
    [
        "which anaesthesia would be best for me",
        "would you recommend microfat or nanofat for my temples",
        "which one do you recommend for me, prp or prf",
        "my mum has deep smile lines, what is better for her, nanofat or filler?",
    ],
)
def test_asking_which_option_suits_the_asker_is_refused(real_bot: FaqBot, question: str) -> None:
    decision, _ = real_bot.decide(question)
    assert decision.refuse and decision.reason == "personal_advice", question
    # the same choice asked in general is answered
    assert not real_bot.decide("which anaesthesia is used for nanofat")[0].refuse


def test_more_than_another_treatment_is_no_worsening_pain() -> None:
    assert not urgent_sign(["does", "it", "pain", "more", "than", "botox", "my", "friend"])
    # more than an earlier time is pain getting worse
    assert urgent_sign(["my", "face", "pain", "more", "than", "it", "did", "yesterday"])
    assert urgent_sign(["my", "pain", "more", "than", "before"])
    assert urgent_sign(["my", "cheek", "pain", "more", "and", "more"])


def test_asks_to_have_it_reads_it_as_the_procedure(real_bot: FaqBot) -> None:
    assert asks_to_have_it(["i", "have", "lupus", "can", "i", "do", "this"])
    assert asks_to_have_it(["could", "we", "get", "it"])
    assert not asks_to_have_it(["can", "i", "do", "anything"])
    assert not asks_to_have_it(["can", "people", "do", "this"])
    # the asker named before a verb of having it, "it" or "this" ending the message
    assert asks_to_have_it(["i", "have", "gout", "can", "i", "still", "do", "it"])
    assert asks_to_have_it(["is", "it", "ok", "for", "me", "to", "do", "this"])
    assert asks_to_have_it(["am", "i", "allowed", "to", "have", "this", "done"])
    assert not asks_to_have_it(["i", "wonder", "how", "they", "do", "it"])  # named, but not asking
    assert not asks_to_have_it(["is", "it", "ok", "for", "me", "to", "do", "this", "stretch"])
    # a condition the sources never name and no word of the subject: still a personal
    # question about this one
    decision, scope = real_bot.decide("i have shingles, can i do this")
    assert scope.other_subject
    assert decision.refuse and decision.reason == "personal_advice"


def test_speaking_of_oneself_then_asking_whether_i_in_one_sentence() -> None:
    assert speaks_then_asks_whether_i(["im", "breastfeeding", "can", "i", "get", "nanofat"])
    assert speaks_then_asks_whether_i(["my", "skin", "is", "thin", "will", "i", "bruise"])
    assert not speaks_then_asks_whether_i(["what", "can", "i", "expect"])
    assert not speaks_then_asks_whether_i(["i", "wonder", "can", "i", "ask", "what", "it", "is"])


@pytest.mark.parametrize(
    "question",
    [
        "im pregnant can i get nanofat done",
        "i'm 58, will my results last as long as someone younger",
    ],
)
def test_context_then_can_i_without_punctuation_is_refused(real_bot: FaqBot, question: str) -> None:
    decision, _ = real_bot.decide(question)
    assert decision.refuse and decision.reason == "personal_advice", question


def test_a_swollen_calf_is_an_urgent_sign(real_bot: FaqBot) -> None:
    assert urgent_sign(["left", "calf", "swelling", "after", "harvest"])
    assert not urgent_sign(["my", "calf", "pain", "after", "the", "gym"])  # sore, not swollen
    decision = real_bot.policy.decide("my right calf is swollen 3 days after the thigh harvest")
    assert decision.refuse and decision.urgent
    assert not real_bot.policy.decide("is calf swelling a risk after fat harvest").refuse


def test_fainting_since_the_procedure_is_urgent(real_bot: FaqBot) -> None:
    assert urgent_sign(
        ["got", "dizzy", "and", "fainted", "at", "home", "after", "the", "procedure"]
    )
    # once, long ago, is the asker's history, not a present sign
    assert not urgent_sign(["i", "fainted", "during", "a", "blood", "test", "once"])
    assert real_bot.policy.decide("i fainted at home after my nanofat").urgent


def test_a_group_is_no_one_to_judge_read_as_typed() -> None:
    assert names_no_one_to_judge("can breastfeeding mums have fat grafting")
    assert names_no_one_to_judge("do teenagers and their parents ask about it")  # "their" + plural
    assert not names_no_one_to_judge("my mums cheek is lumpy")  # her own mother
    assert not names_no_one_to_judge("can mothers like me have it")
    assert not names_no_one_to_judge("is it safe for my kids")
    assert not names_no_one_to_judge("what is nanofat")  # names nobody at all


@pytest.mark.parametrize(
    "question",
    [
        "is it ok for breastfeeding mums",
        "can mums with stretch marks from pregnancy have it for them",
    ],
)
def test_a_question_about_a_group_is_not_refused(real_bot: FaqBot, question: str) -> None:
    decision, _ = real_bot.decide(question)
    assert not decision.refuse, question
    decision, _ = real_bot.decide("my mum is breastfeeding, is nanofat safe for her")
    assert decision.refuse


def test_a_wound_leaking_yellowish_fluid_is_an_urgent_sign(real_bot: FaqBot) -> None:
    assert urgent_sign(["thigh", "incision", "leaking", "cloudy", "fluid"])
    assert not urgent_sign(["my", "tap", "is", "leaking"])
    decision = real_bot.policy.decide("the harvest site on my thigh is leaking yellowish fluid")
    assert decision.refuse and decision.urgent


def test_a_report_of_ones_state_after_then_what_is_it_is_personal(real_bot: FaqBot) -> None:
    ask = reports_then_asks_what_it_is
    assert ask(["my", "lip", "is", "tingly", "after", "the", "procedure", "is", "that", "normal"])
    assert not ask(
        ["my", "friend", "was", "sore", "after", "fat", "transfer", "is", "that", "true"]
    )
    # asked in general
    assert not ask(["my", "lip", "was", "sore", "after", "it", "is", "that", "generally", "so"])
    for question in (
        "my temple is itchy after the procedure, is that an allergy",
        "there are little bumps on my jaw after nanofat what is it",
    ):
        decision, _ = real_bot.decide(question)
        assert decision.refuse, question


def test_comments_only_asks_and_reports_nothing() -> None:
    assert comments_only(["mine", "look", "older", "than", "my", "face", "lol"])
    assert not comments_only(["mine", "are", "still", "swollen"])  # a state that goes on
    assert not comments_only(["mine", "look", "lumpy", "3", "week", "after"])  # dated
    assert not comments_only(["i", "want", "to", "know", "if", "it", "s", "ok", "for", "me"])


def test_a_general_question_then_a_comment_on_mine_is_answered(real_bot: FaqBot) -> None:
    decision, _ = real_bot.decide("can nanofat help the neck? mine looks crepey")
    assert not decision.refuse
    decision, _ = real_bot.decide("can nanofat help the neck? mine is still bruised 2 weeks after")
    assert decision.refuse


def test_the_asker_who_only_heard_a_claim_is_no_one_to_judge(real_bot: FaqBot) -> None:
    assert names_no_one_to_judge("when did nanofat start? I understood it began in Belgium")
    assert names_no_one_to_judge("is it true it lasts for years, someone told me so")
    assert names_no_one_to_judge("I was told it lasts forever, is that right")
    assert not names_no_one_to_judge("i read bruising lasts 2 weeks, mine has lasted 3")
    assert not names_no_one_to_judge("i heard it hurts, i have low pain tolerance")
    assert not names_no_one_to_judge("what is nanofat")  # names nobody at all
    decision, _ = real_bot.decide("when did nanofat start? I understood it began in Belgium")
    assert not decision.refuse


def test_an_eyelid_swollen_shut_is_an_urgent_sign(real_bot: FaqBot) -> None:
    assert urgent_sign(["left", "eyelid", "swollen", "shut"])
    decision = real_bot.policy.decide("my eyelid is swollen shut the morning after treatment")
    assert decision.refuse and decision.urgent


def test_character_block_keeps_only_training_words(real_bot: FaqBot) -> None:
    """Scoring word by word remembers the n-grams of the refusal model's own training words
    only: a name or a typo in a question is not kept, and a second look gives the same score."""
    chars = real_bot.policy.model.chars
    assert chars is not None
    question = "my name is Zyxwvuta and my cheeks are hollow"
    first = real_bot.policy.model.probability(question)
    assert "zyxwvuta" not in chars._grams and "cheek" in chars._grams
    assert chars.words and set(chars._grams) <= chars.words
    assert real_bot.policy.model.probability(question) == first


def test_asks_if_ok_for_me_needs_the_asker_first_and_ok_for_me_last() -> None:
    assert asks_if_ok_for_me(["i", "have", "a", "pacemaker", "ok", "for", "me"])
    assert asks_if_ok_for_me(["i", "take", "prednisone", "is", "it", "safe", "for", "me"])
    assert not asks_if_ok_for_me(["is", "salmon", "ok", "for", "me"])
    assert not asks_if_ok_for_me(["i", "have", "a", "pacemaker", "ok", "for", "my", "mum"])
    assert not asks_if_ok_for_me([])


def test_names_own_procedure_needs_a_possessive_right_before_it() -> None:
    assert names_own_procedure(["can", "i", "go", "ahead", "w", "my", "appt", "friday"])
    assert names_own_procedure(["the", "morning", "of", "her", "procedure"])
    assert not names_own_procedure(["before", "my", "dentist", "appointment"])
    assert not names_own_procedure(["how", "long", "is", "the", "procedure"])
    assert not names_own_procedure([])


def test_asks_whether_they_names_someone_close_then_he_or_she() -> None:
    assert asks_whether_they(["my", "brother", "has", "lupus", "can", "he", "get", "nanofat"])
    assert asks_whether_they(["grandma", "is", "on", "warfarin", "could", "she", "have", "it"])
    assert asks_whether_they(["can", "my", "wife", "wear", "her", "contact", "after"])
    assert asks_whether_they(["should", "dad", "stop", "his", "aspirin"])
    assert asks_whether_they(["how", "many", "will", "my", "dad", "need", "on", "his", "hand"])
    assert asks_whether_they(["my", "wife", "want", "to", "swim", "how", "soon", "can", "she"])
    # "does he need" after naming him, as "can he" does
    assert asks_whether_they(
        ["my", "son", "vape", "how", "long", "before", "does", "he", "need", "to", "stop"]
    )
    assert not asks_whether_they(["who", "is", "tonnard", "what", "does", "he", "have", "to", "do"])
    # nobody close named first, or only what they may ask
    assert not asks_whether_they(["can", "he", "get", "nanofat"])
    assert not asks_whether_they(
        ["my", "sister", "wonders", "can", "she", "ask", "what", "it", "is"]
    )
    # their own case is not spoken of: "can my husband come to the consultation"
    assert not asks_whether_they(["can", "my", "husband", "come", "to", "the", "consultation"])
    assert not asks_whether_they([])


def test_asks_your_view_of_me_needs_the_asker_after_you_think() -> None:
    assert asks_your_view_of_me(["do", "you", "think", "i", "have", "enough", "fat"])
    assert asks_your_view_of_me(["do", "you", "think", "my", "skin", "is", "too", "thin"])
    assert not asks_your_view_of_me(["do", "you", "think", "nanofat", "work"])
    assert not asks_your_view_of_me(["you", "think"])
    # someone the asker named as their own, spoken of again
    toks = ["my", "dad", "ha", "thin", "hair", "you", "think", "it", "help", "him"]
    assert asks_your_view_of_me(toks)
    assert not asks_your_view_of_me(["you", "think", "it", "help", "him"])


def test_asks_about_my_case_names_the_askers_case() -> None:
    assert asks_about_my_case(
        ["i", "bruise", "easily", "in", "my", "case", "local", "or", "general"]
    )
    assert asks_about_my_case(["given", "my", "situation", "is", "it", "wise"])
    assert not asks_about_my_case(["is", "that", "the", "case", "for", "everyone"])
    # permission asked is not always the asker's case: the training set labels it general
    assert not asks_about_my_case(["am", "i", "allowed", "to", "eat", "before", "sedation"])


@pytest.mark.parametrize(
    "question",
    [
        "I get very anxious, in my case is sedation or general anaesthesia better for nanofat?",
        "given my situation (psoriasis flares), is fat grafting a good idea?",
    ],
)
def test_a_question_about_the_askers_case_is_refused(real_bot: FaqBot, question: str) -> None:
    decision, _ = real_bot.decide(question)
    assert decision.refuse and decision.reason == "personal_advice", question


def test_a_clinicians_his_or_her_is_no_one_to_judge(real_bot: FaqBot) -> None:
    assert names_no_one_to_judge("Tell me about Dr Talei and her practice")
    assert not names_no_one_to_judge("my surgeon said his patients heal fast, is that true")
    assert not names_no_one_to_judge("my mum saw dr x and her cheek is numb")
    response = real_bot.ask("Tell me about Dr Talei and her practice")
    assert response.answer is not None and response.answer.id == "history-people-talei"


def test_an_asker_who_passes_the_answer_on_is_no_one_to_judge() -> None:
    assert names_no_one_to_judge("can you give me a definition of nanofat for my essay")
    assert names_no_one_to_judge("complication rates of nanofat (for my thesis)")
    # "give me" without a work it is for, or with the asker's own case beside it
    assert not names_no_one_to_judge("give me the right dose of arnica")
    assert not names_no_one_to_judge("for my blog: my scars are bad, what should i do")
    # a work named with what it is on, and what the asker needs for it
    assert names_no_one_to_judge("for my biology notes: where is the fat taken from")
    assert names_no_one_to_judge("what size are the particles? i need the figure for my homework")
    assert not names_no_one_to_judge("i need it for my scar, how many sessions")
    assert not names_no_one_to_judge("my c section scar is indented, would fat fix it")


def test_someone_who_only_asked_is_no_one_to_judge(real_bot: FaqBot) -> None:
    assert names_no_one_to_judge("my gran wants to know how long the swelling lasts")
    assert names_no_one_to_judge("roughly how many sessions do people need? my dad is curious")
    assert names_no_one_to_judge("grandad asked me where the fat is usually taken from")
    # ... unless they are named again as the one it is for
    assert not names_no_one_to_judge("my mum wants to know if she can have it with her lupus")
    decision, _ = real_bot.decide("my aunt wants to know who usually performs nanofat")
    assert not decision.refuse


def test_someone_whose_claim_is_judged_is_no_one_to_judge(real_bot: FaqBot) -> None:
    assert names_no_one_to_judge("my brother reckons nanofat is just liposuction, is he right")
    assert names_no_one_to_judge("gran thinks it lasts forever, correct her or not")
    assert not names_no_one_to_judge("my gran thinks her cheek is lumpy, should she go back")
    decision, _ = real_bot.decide("my cousin claims nanofat has no fat cells in it, is she wrong?")
    assert not decision.refuse


def test_a_question_for_the_askers_work_is_answered(real_bot: FaqBot) -> None:
    response = real_bot.ask("For my revision notes: which filter size is used for nanofat?")
    assert response.status.value == "answered", response


def test_asks_if_it_works_for_me_needs_help_or_work_then_me() -> None:
    assert asks_if_it_works_for_me(["will", "nanofat", "help", "me"])
    assert asks_if_it_works_for_me(["would", "it", "work", "on", "me"])
    assert asks_if_it_works_for_me(["will", "fat_transfer", "work", "for", "me"])
    assert asks_if_it_works_for_me(
        ["does", "that", "change", "whether", "nanofat", "work", "for", "me"]
    )
    # what it does, as the training set labels it, or for whom in general
    assert not asks_if_it_works_for_me(["will", "nanofat", "make", "my", "lip", "bigger"])
    assert not asks_if_it_works_for_me(["will", "nanofat", "help", "wrinkle"])
    assert not asks_if_it_works_for_me(["help", "me"])


def test_whether_it_helps_the_asker_is_personal_whatever_the_classifier(real_bot: FaqBot) -> None:
    question = "had radiation for throat cancer, will fat grafting help me"
    assert real_bot.ask(question).status.value == "refused"


def test_face_weakness_is_urgent_only_when_the_words_stand_close() -> None:
    assert urgent_sign(["one", "side", "of", "my", "face", "feel", "numb", "and", "weak"])
    assert urgent_sign(["weakness", "in", "my", "face", "since", "this", "morning"])
    far = "face have become thin and hollow with age doe the fat_transfer still work well or"
    assert not urgent_sign([*far.split(), "are", "the", "adsc", "too", "weak"])


def test_a_general_question_about_weak_stem_cells_in_older_faces_is_answered(
    real_bot: FaqBot,
) -> None:
    question = (
        "For women in their seventies whose faces have become thin and hollow with age, does "
        "fat transfer still work well, or are the stem cells too weak by then?"
    )
    assert real_bot.ask(question).status.value == "answered"


def test_asks_how_much_they_need_is_about_someone_and_not_time_off() -> None:
    assert asks_how_much_they_need(["how", "many", "unit", "do", "i", "need"])
    assert asks_how_much_they_need(
        ["how", "many", "treatment", "is", "grandma", "going", "to", "need"]
    )
    # time off asks about recovery in general; nobody's needs; no "need"
    assert not asks_how_much_they_need(["how", "many", "day", "off", "will", "i", "need"])
    assert not asks_how_much_they_need(["how", "many", "session", "do", "people", "need"])
    assert not asks_how_much_they_need(["how", "much", "doe", "it", "cost"])


def test_asks_how_much_they_need_of_the_askers_own_body() -> None:
    toks = ["what", "volume", "of", "nanofat", "would", "you", "put", "into", "my", "under_eye"]
    assert asks_how_much_they_need(toks)
    assert asks_how_much_they_need(["how", "many", "session", "will", "my", "scar", "take"])
    assert asks_how_much_they_need(["the", "right", "number", "of", "syringe", "for", "my", "neck"])
    # an amount in general, a price, or "my" far from the amount asked
    assert not asks_how_much_they_need(["how", "much", "nanofat", "per", "area"])
    toks = ["how", "much", "doe", "nanofat", "cost", "my", "daughter", "say", "thousand"]
    assert not asks_how_much_they_need(toks)
    toks = ["how", "many", "session", "do", "people", "need", "if", "their", "scar", "are", "old"]
    assert not asks_how_much_they_need(toks + ["my", "friend", "had", "three"])


def test_asks_if_suited_needs_am_i_and_a_closing_for_this() -> None:
    assert asks_if_suited(["i", "m", "70", "am", "i", "too", "old", "for", "this"])
    assert asks_if_suited(["i", "am", "a", "smoker", "is", "that", "ok", "for", "it"])
    assert not asks_if_suited(["am", "i", "too", "old", "to", "run"])
    assert not asks_if_suited(["is", "nanofat", "good", "for", "this"])


# The request's form, whatever the classifier says (this session's rules): each row is a question,
# the status it must get and whether it is flagged urgent.
BY_FORM = [
    # someone close, then whether they can have it: the procedure, left unnamed
    ("my uncle had a kidney transplant and takes tacrolimus, can he do it", "refused", False),
    ("my brother is on dialysis, could he do it", "refused", False),
    # what someone close should do before their own procedure
    ("what should my husband avoid eating before his procedure", "refused", False),
    ("can my wife use her retinol cream on the treated area", "refused", False),
    ("should mum have nanofat at the same time as her knee surgery", "refused", False),
    # an urgent sign after someone's own procedure is their present situation
    (
        "grandad is struggling to breathe after the liposuction part of his procedure",
        "refused",
        True,
    ),
    # someone close, but nothing about their own case
    ("can my husband come to the consultation with me", "answered", False),
    ("my sister read that nanofat lasts years, is that true", "answered", False),
    # what the bot thinks of the asker's own case: personal advice
    ("I'm a size 6. Do you think I have enough fat for nanofat to be done?", "refused", False),
    ("so thin lol do you think i have enough fat for fat transfer", "refused", False),
    # someone close, asked about last
    (
        "my husband wants to go back to the gym, how soon after fat transfer can he?",
        "refused",
        False,
    ),
    # what the bot thinks of the procedure
    ("do you think nanofat works for acne scars", "answered", False),
    # an asker who passes the answer on; "give me" alone still asks for the asker
    ("can you give me a short definition of nanofat for my essay", "answered", False),
    ("complication rates of nanofat grafting (for my thesis)", "answered", False),
    ("how painful is nanofat on a scale of 1 to 10, asking for my followers", "answered", False),
    ("give me the right dose of arnica before my nanofat", "refused", False),
    # how many or how much someone needs; time off and people in general are general
    ("how many units of hyaluronidase do I need before nanofat", "refused", False),
    ("how many treatments is grandma going to need on her hands", "refused", False),
    ("how much arnica do i need after", "refused", False),
    ("how many days off work will i need after fat transfer", "answered", False),
    ("how many sessions do people usually need", "answered", False),
    # an aside on the asking names no one whose case is judged
    (
        "what is nanofat microneedling, and how deep do the needles go? sounds a bit scary "
        "if I'm honest",
        "answered",
        False,
    ),
    ("how big are the cannulas, a friend of mine says they're tiny", "answered", False),
    # ... while the asker's own case, beside one, still does
    ("I was wondering if I can get nanofat with my lupus", "refused", False),
    # a report dated "after" something, long enough not to be a keyword query
    (
        "having a hard time breathing after the anaesthetic wore off, is that from the procedure",
        "refused",
        True,
    ),
    (
        "chest feels tight after the sedation wore off, is that from the fat transfer",
        "refused",
        True,
    ),
    ("blindness after nanofat", "answered", False),
    # the asker's own state after the procedure, then "does it ..."
    (
        "got a firm lump in my cheek after nanofat, does it need to be dissolved",
        "refused",
        False,
    ),
    # suited to the procedure left unnamed, whatever else the message names
    ("I'm 58 and still compete in bodybuilding, am I too old for this", "refused", False),
]


@pytest.mark.parametrize(("question", "status", "urgent"), BY_FORM)
def test_personal_by_form(real_bot: FaqBot, question: str, status: str, urgent: bool) -> None:
    response = real_bot.ask(question)
    assert response.status.value == status, question
    assert (response.refusal is not None and response.refusal.urgent) == urgent, question


def test_asks_to_judge_my_state(real_bot: FaqBot) -> None:
    """What is wrong with it, what this is on me, can you tell if my ...: a judgement of the
    asker's own state. Not what can go wrong in general, nor someone else's."""
    norm = real_bot.policy.normalize
    for question in (
        "the skin on my chin feels tight and shiny after fat grafting, whats wrong with it",
        "what is this rash on my face after nanofat microneedling",
        "can you tell if my swelling is an allergic reaction",
        "is something wrong with my cheek",
    ):
        assert asks_to_judge_my_state(norm(question)), question
        assert real_bot.ask(question).status.value == "refused", question
    for question in (
        "what can go wrong with nanofat",
        "my friend asked what is this nanofat thing",
        "can you tell if nanofat is safe",
    ):
        assert not asks_to_judge_my_state(norm(question)), question


def test_a_temperature_reading_beside_fever_is_a_report(real_bot: FaqBot) -> None:
    from faqbot.policy import reads_a_temperature

    assert reads_a_temperature(["fever", "101", "after", "nanofat"])
    assert reads_a_temperature(["temp", "38.5", "after", "nanofat"])
    assert not reads_a_temperature(["fever", "after", "nanofat"])
    assert not reads_a_temperature(["101", "day", "after", "nanofat"])
    # a reading in a question about risks stays a question
    assert not real_bot.policy.decide("does nanofat cause fever over 38").urgent
    # a reading in a short report is someone's state, whatever the classifier's probability
    assert real_bot.policy.decide("temp 38.5 two days after nanofat").urgent
