"""Precision rules used when the tagger fuses its layers (coach.nlp.tagger `_fuse` and `_dedupe`).

Why: the phrasebank head and the nearest examples judge a sentence by its meaning only, and the AnnoMI heads were
trained on another kind of conversation. A few facts about form settle what meaning alone gets wrong:
- a sentence that ends with "?" is not a reflection, a worry, a bottom line, an explanation or an affirmation;
- a simple reflection says back what the person said; a complex one adds meaning, and the added meaning has marks
  of form (both sides, a feeling or meaning the person did not name, amplification): see reflection_kind;
- a reflection that gathers three or more things in one statement is a summary;
- a scaling question that asks for a number is closed (TECHNIQUES.md / phrasebank README convention), one that asks
  what a step up would look like or take is open.
No heavy imports here: the module is plain Python so the rules can be read and tested on their own.
"""

from __future__ import annotations

import re


def _low(sentence: str) -> str:
    """Lower case with curly apostrophes made straight, as every pattern here is written."""
    return sentence.lower().replace("\u2019", "'")


# Tags that are statements by definition: never reported on a sentence that ends with a question mark.
STATEMENT_ONLY = frozenset(
    (
        "giving_information",
        "statement_of_concern",
        "authority_transparency",
        "bottom_line",
        "explaining_process",
        "affirmation",
        "acknowledging_feelings",
        "emphasizing_autonomy",
        "simple_reflection",
        "complex_reflection",
    )
)
# A summary gathers several things: at least this many words and list separators.
SUMMARY_MIN_WORDS = 20
SUMMARY_MIN_SEPARATORS = 3
SUMMARY_OPENERS = (
    "so ",
    "so,",
    "right, so",
    "let me",
    "to sum up",
    "pulling",
    "over the last",
    "you've told me",
    "you've said",
    "from what you've said",
)
# With an opener that gathers ("So, from what you've said, ..."), a shorter list is a summary too.
SUMMARY_MIN_WORDS_OPENED = 15
# Words of a scaling question that asks for a description (open) rather than a number (closed).
_SCALING_OPEN = re.compile(
    r"\b(why|would it take|look like|looks like|notice|helped|helps|happen|different|moved? up|go from|get from|"
    r"gone up|go up|went up|slip\w*|gone down|go down|went down)\b"
)


def is_question_sentence(sentence: str) -> bool:
    """A sentence written as a question (ends with '?')."""
    return sentence.rstrip().rstrip("\"')").endswith("?")


# Simple or complex (TECHNIQUES.md, MITI 4.2.1): a complex reflection adds meaning beyond what was said. Its
# marks by form, in order: both sides of ambivalence or the unsaid part; a meaning named ("it matters to you",
# "feels like"); a feeling the person did not name; an amplification (never, nothing...) of words with no absolute.
# A reflection whose only feeling is one the person named ("You're fed up" after "I'm sick of it") says it back:
# simple. With no mark either way the AnnoMI reflection head decides (p(complex) >= COMPLEX_HEAD); leave-one-set-out
# over the four seen sets chose its threshold. Embedding similarity to what was said (the old rule: simple at
# cosine >= 0.70) is a weak sign: a plain paraphrase ("You haven't touched a drop since Saturday") adds nothing,
# yet sits far from "I've not had a drink since the weekend" (cosine 0.51).
COMPLEX_HEAD = 0.45
_DOUBLE_SIDED = re.compile(
    r"\b(on the one hand|on the other|part of you|at the same time|and yet|underneath|deep down|"
    r"(and|but) you (also|still) (know|want|feel|love|can see|care)|you also (know|want|feel|love|care))\b"
)
_MEANING = re.compile(
    r"\b(matters?( most)? to you|important to you|means? (a lot|so much|everything|the world)|meant|"
    r"feels? like|a way (of|to)|what you're (really )?(saying|working for)|really about)\b"
)
_AMPLIFY = re.compile(r"\b(anything|everything|nothing|nobody|no one|never|always|completely|totally|at all|whole)\b")
# Absolutes of the person's own: a reflection that keeps them does not amplify.
_ABSOLUTE = re.compile(
    r"\b(anything|everything|nothing|nobody|no one|never|always|completely|totally|at all|whole|no|none|every|"
    r"everyone|everybody|all|any ?more|can't|cannot)\b"
)
# Feelings, grouped so that "fed up" says back "sick of it" and "worn out" says back "shattered".
FEELINGS: dict[str, str] = {
    "fear": r"scared|scary|frighten\w*|afraid|terrified|petrified|fears?|on edge|panick?\w*|dread\w*|nervous",
    "worry": r"worr(y|ied|ies|ying)|anxious|anxiety|stress\w*",
    "anger": r"angry|anger|furious|cross|livid|annoyed|irritated|wound up|resent\w*|frustrat\w*|rage",
    "sadness": r"sad|upset|miserable|heartbroken|griev\w*|grief|gutted|hurts|hurting|stings?|lonely|isolated",
    "shame": r"ashamed|shame|embarrass\w*|guilt\w*|judged|humiliat\w*|failing|failure|failed",
    "tiredness": r"tired|exhausted|shattered|worn (out|down)|worn you|knackered|drained|weary|running on nothing",
    "weariness": r"fed up|sick of|sick and tired|had enough|tired of",
    "difficulty": r"(?<!worked )(?<!working )(?<!work )hard(?! work)|difficult|tough|struggl\w*|overwhelm\w*|too much",
    "relief": r"relie\w*|glad|happy|pleased|proud|hop(e|es|ing|eful)|excited|grateful",
    "stuck": r"stuck|trapped|helpless|hopeless|powerless|torn|confused",
    "love": r"love|loves|loving|miss(es|ing)?|care (about|for)",
    # a dislike or a wish against something: "You're not happy with the nursery" says back "I don't like the nursery",
    # "You'd rather they didn't stay over" says back "I don't want them staying over" (said back only, never new)
    "preference": r"(don't|do not|doesn't|didn't) (like|want)|dislike|unhappy|hate|"
    r"can't stand|(would|'d) rather|prefer",
}
# Families that count only as said back: a reflection naming one the person did not name adds no feeling by it.
SAID_BACK_ONLY = frozenset(("preference",))
_FEELING = {name: re.compile(rf"\b({words})\b") for name, words in FEELINGS.items()}


# "not happy", "not entirely happy", "not very keen": a dislike, not relief
_NOT_GLAD = re.compile(r"\b(not|n't)( \w+)? (happy|pleased|glad|keen|comfortable)\b")


def feelings_named(sentence: str) -> set[str]:
    """The feeling families a sentence names ('I'm sick of it' -> {'weariness'})."""
    low = _NOT_GLAD.sub(" dislike ", _low(sentence))
    return {name for name, rx in _FEELING.items() if rx.search(low)}


def _own_words(family: str, low: str, prev: str) -> bool:
    """Every word of a feeling family in the reflection is a word the person used ("miss" after "I've missed a couple
    of appointments"): said back, not a feeling added, whatever sense the family gives the word."""
    stems = {w[:4] for w in re.findall(r"[a-z']+", prev) if len(w) >= 4}
    found = [m.group(0) for m in _FEELING[family].finditer(low)]
    return bool(found) and all(len(w) >= 4 and w[:4] in stems for w in found)


def complex_mark(text: str, previous: str) -> str | None:
    """Why a reflection adds meaning to what was said (a short reason), or None."""
    low, prev = _low(text), _low(previous)
    if _DOUBLE_SIDED.search(low):
        return "both sides or the unsaid part"
    if _MEANING.search(low):
        return "names what it means to them"
    new = feelings_named(low) - feelings_named(prev) - SAID_BACK_ONLY
    new = {f for f in new if not _own_words(f, low, prev)}
    if new:
        return f"a feeling they did not name ({', '.join(sorted(new))})"
    amplified = {m.group(0) for m in _AMPLIFY.finditer(low)}
    if amplified and not _ABSOLUTE.search(prev):  # "never" after "I've got no time" says it back
        return f"amplified ({', '.join(sorted(amplified))})"
    return None


def reflection_kind(text: str, previous: str, p_complex: float) -> tuple[str, str]:
    """('simple' | 'complex', reason) for a reflection of `previous`; p_complex is the AnnoMI reflection head's."""
    mark = complex_mark(text, previous)
    if mark:
        return "complex", mark
    named = feelings_named(text)
    low, prev = _low(text), _low(previous)
    named = {f for f in named if f in feelings_named(previous) or not _own_words(f, low, prev)}
    if named - SAID_BACK_ONLY or named & feelings_named(previous):
        return "simple", "says back a feeling they named"
    if p_complex >= COMPLEX_HEAD:
        return "complex", f"adds meaning, by the reflection classifier (complex {p_complex:.2f})"
    return "simple", f"repeats or rephrases what they said (reflection classifier: complex {p_complex:.2f})"


def looks_like_summary(text: str) -> bool:
    """A long reflective statement that lists several things (commas, semicolons, 'and')."""
    low = _low(text).strip()
    words = low.split()
    opened = low.startswith(SUMMARY_OPENERS)
    if len(words) < (SUMMARY_MIN_WORDS_OPENED if opened else SUMMARY_MIN_WORDS):
        return False
    separators = low.count(",") + low.count(";") + low.count(":") + len(re.findall(r"\band\b", low))
    if opened and len(words) < SUMMARY_MIN_WORDS:  # a short list needs an opener that gathers, not a bare "so"
        opened = bool(re.match(r"^\W*(so,? )?(from what you've said|you've (said|told me)|to sum up|let me sum)", low))
        opened = opened or bool(re.match(r"^\W*so,? (there's|that's) ", low))  # "So there's the move, the baby and..."
    return separators >= SUMMARY_MIN_SEPARATORS and (opened or separators >= SUMMARY_MIN_SEPARATORS + 1)


# A scaling question asked with "what" ("What would tell you it had gone up to a five?") asks for a description;
# "what number would you give it?" still asks for a number.
_SCALING_WHAT = re.compile(r"\bwhat(?!( number| score| mark|'s the number| would you (give|rate|score|put)))\b")


def scaling_kind(sentence: str) -> str:
    """'open' for a scaling question that asks what a step would look like or take, else 'closed'."""
    low = _low(sentence)
    return "open" if _SCALING_OPEN.search(low) or _SCALING_WHAT.search(low) else "closed"


# A sentence opening like this reflects what the person feels or means; it is not information, advice or blame.
_REFLECTIVE_FRAME = re.compile(
    r"^\W*(so,? )?(it sounds (like|as if|as though)|it seems (like|as if|as though)|you sound|"
    r"what i'm hearing|part of you|on the one hand|it matters to you|you feel like|you're feeling)\b"
)
# Tags that a reflective frame rules out (a reflection may still be found by the reflection path); an acknowledgement
# frame ("I can see how worried you've been") rules out a worry of the worker's as well.
NOT_IN_REFLECTION = frozenset(
    (
        "giving_information",
        "explaining_process",
        "authority_transparency",
        "bottom_line",
        "persuasion",
        "confrontation",
    )
)
NOT_IN_ACKNOWLEDGEMENT = NOT_IN_REFLECTION | {"statement_of_concern"}
# Praise that a put-down would not contain (unless it is sarcasm, which "finally", "oh" or "I'm sure" mark).
_PRAISE = re.compile(
    r"\b(brave|courage|right thing|well done|proud of|strength|good call|credit|"
    r"(clearly|really|obviously|genuinely) (care|love|want the best))\b"
)
_SARCASM = re.compile(r"\b(finally|oh|i'm sure|bothering)\b")
# Preferred-future question: a hypothetical or a future point ...
_PF_WHEN = re.compile(
    r"\b(if|imagine|picture|suppose|say (i|we|you)|once|when (you're|you are|things are|it's|the plan)|"
    r"by the time|from now|next (year|spring|summer)|in (a|six|three|a few) (months?|years?)( time)?)\b"
)
# ... and what would be seen, be different or be happening then.
_PF_WHAT = re.compile(
    r"\b(notice|first sign|be different|have changed|look like|be doing|be happening|will .{1,30} know|"
    r"would .{1,30} know|want things to be|like things to be)\b"
)


def is_reflective_frame(sentence: str) -> bool:
    """'It sounds like...', 'Part of you...': the sentence reflects rather than informs, advises or blames."""
    return bool(_REFLECTIVE_FRAME.search(_low(sentence)))


def is_praise(sentence: str) -> bool:
    """Praise words with no sign of sarcasm: such a sentence is not a confrontation."""
    low = _low(sentence)
    return bool(_PRAISE.search(low)) and not _SARCASM.search(low)


def is_preferred_future(sentence: str) -> bool:
    """An open question about a hypothetical or future time and what would be noticed, different or happening."""
    low = _low(sentence)
    if not is_question_sentence(low) or re.search(r"\blike (me|us) to\b", low):
        return False
    if re.search(r"\b(your|the) best hopes?\b", low):  # the solution-focused opener: "What are your best hopes..."
        return True
    return bool(_PF_WHEN.search(low)) and bool(_PF_WHAT.search(low))


# Family talk. Change talk is a first-person stance toward the change (DARN-CAT: desire, ability, reason, need,
# commitment, activation, taking steps) about the worrying behaviour or the children's care; a plain plan ("I'm
# going to repaint the kitchen") or small talk ("My sister's coming round at six") is neutral, however close its
# meaning is to a phrasebank example. The meaning-only layers propose change talk; this rule must agree.
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'll|i'd|me|we|we're|we've|we'll|myself)\b")
_STANCE = re.compile(
    r"\b(want|wanna|wish|(would|'d)( really)? like|hope|hoping|need|needs|have to|has to|got to|must|could|can|able|"
    r"will|'ll|going to|gonna|ready|willing|determined|decided|promise|try|trying|tried|start|started|stop|stopped|"
    r"quit|cut|cutting|booked|(i|i've|we) (rang|phoned|called)|"
    r"signed up|blocked|changed|poured|told|managed|been to|know|hate|sick of|put (my|our) names? down|enrolled|"
    r"ashamed|deserve|deserves|do anything|carry on|keep|not had|haven't had|without|off it|poured)\b"
)
_CHANGE_TOPIC = re.compile(
    r"\b(drink|drinking|drinks|drunk|a drop|booze|cans|vodka|wine|beer|alcohol|sober|drugs?|weed|smok\w*|using|"
    r"gambl\w*|temper|shout\w*|hit|hitting|smack\w*|violen\w*|rows?|argu\w*|fight\w*|kids?|kids'|children|child|"
    r"baby|son|daughter|mum|mam|dad|mother|father|parent|school|nursery|appointments?|gp|doctor|counsell\w*|"
    r"service|course|group|session|meetings?|(get|some|for|ask for) help|support|plan|routine|bedtime|mornings?|"
    r"house|locks?|sorted|sort (myself|my head|it|things|my life)|better|safe|change|lose|losing|keep (him|her) away|"
    r"for (the kids|them|her|him)|sake|worse|any ?more|proud|"
    r"growing up|the way i (did|was)|down the sink|cut down|cutting down|a can|off it|can do (it|this)|"
    r"whatever it takes|keep them|get them (up|to)|drop-in|(would|will|'d|might|could) help|end up like|"
    r"turn out like)\b"
)
# "I've got to pick my mum up from the hospital": the speaker's own parent is not the children's care.
_OWN_PARENT = re.compile(r"\bmy (mum|mam|dad|mother|father|nan|nana|gran|grandad)('s)?\b")
# "I'm not going to stop him coming round", "I can't just stop": first-person refusal of the change is sustain talk.
_REFUSED_CHANGE = re.compile(
    r"\b(i'm not|i am not|i won't|i will not|i'm never|i can't|i cannot|i don't need to|no way i'm|not going to)\b"
    r"(\s+\w+){0,3}?\s+(stop|stopping|give up|giving up|change|changing|cut|cutting|quit|leave|leaving)\b"
    r"(?! (thinking|worrying|crying|blaming))"
)
# "never did me any harm", "nothing wrong with", "what's the point": arguments for the status quo.
_STATUS_QUO = re.compile(
    r"\b(never (hurt|harmed|killed|did (me|us|them|him|her|anyone|anybody) any harm)|nothing wrong with|"
    r"turned out (fine|alright|ok|okay)|what's the point|"
    r"no point (trying|in|(me |us )?(going|doing|changing|stopping))|waste of time|never been a problem|"
    r"doesn't bother (the kids|them)|don't even notice|(they're|they are|kids are) used to it|need a drink to|"
    r"can't (manage|cope) without|don't need (a course|any course|your help|you lot|social services)|"
    r"(we|i) (don't|do not) need (a |any |the |your )?(counsell\w*|course|group|social services|social worker|therapy|"
    r"parenting (course|class\w*|group))|"
    r"(i'll|i will|i'm going to|we'll|we will) (keep|carry on) \w+ing\b.{0,30}\bwhatever you (say|think)|"
    r"can't stop me|see who i want|they'll have to manage|want him to stay|(weed|drink|a drink|smoking) helps me|"
    r"be worse without|(doesn't|does not|didn't|did not|won't|will not) work for (me|us)|"
    r"(i|we) (can't|cannot|won't|will not|'m not going to|am not going to) (do|go to|attend|be doing) "
    r"(the|that|this|any|your|those|a) (course|group|programme|program|classes|sessions?|parenting)\b"
    r"(?! (on|at|this|next|until|till|before|today|tomorrow|in the|every)\b))\b"
)


def refuses_change(sentence: str) -> bool:
    """A first-person refusal of the change ('I'm not going to stop...', 'I can't give up...'): sustain talk."""
    return bool(_REFUSED_CHANGE.search(_low(sentence)))


def argues_status_quo(sentence: str) -> bool:
    """A refusal of the change or a stock argument for things as they are ('never did me any harm')."""
    low = _low(sentence)
    return bool(_REFUSED_CHANGE.search(low) or _STATUS_QUO.search(low))


def change_stance(sentence: str) -> bool:
    """A first-person stance toward change about the behaviour or the children (not a refusal, not a plain plan)."""
    low = _low(sentence)
    if _REFUSED_CHANGE.search(low) or _STATUS_QUO.search(low):
        return False
    if re.search(r"\b(deserve|deserves) (better|a (mum|mam|dad|mother|father))\b", low):
        return True
    topic = _CHANGE_TOPIC.search(_OWN_PARENT.sub(" ", low))
    return bool(_FIRST_PERSON.search(low) and _STANCE.search(low) and topic)


# Change talk by its form alone (commitment or a step already taken, DARN-CAT), about the behaviour or the children:
# "..., and I mean it", "I'll do whatever the unit asks" (with the baby, the kids...), "I've binned the foil",
# "I've booked in with the GP". A plan of any other kind ("I've booked a holiday") has no topic of the change.
_COMMITS = re.compile(
    r"\b(i mean it|i mean that|i promise|i swear|(i'll|i will|i'd) do (whatever|anything)|whatever it takes)\b"
)
_STEP_TAKEN = re.compile(
    r"\b(i've|i have|we've|we have) (already |now |just |finally )?(booked|binned|poured|thrown|chucked|flushed|"
    r"signed up|enrolled|put (my|our) names? down|blocked|deleted|got rid of)\b"
)
_PARAPHERNALIA = re.compile(r"\b(lighter|foil|pipe|gear|stash|dealer|bottles?|cans|clinic|gp|drug team|counsell\w*)\b")


def commits_to_change(sentence: str) -> bool:
    """A first-person commitment to the change or a step toward it already taken, by form (not a refusal)."""
    low = _low(sentence)
    if _REFUSED_CHANGE.search(low) or _STATUS_QUO.search(low) or is_question_sentence(low):
        return False
    topic = bool(_CHANGE_TOPIC.search(_OWN_PARENT.sub(" ", low)) or _PARAPHERNALIA.search(low))
    return topic and bool(_COMMITS.search(low) or _STEP_TAKEN.search(low))


# A request for an action ("Could you pass me that pen?", "Would you mind turning the telly down?", "Why don't we
# get started?") is neither a question to answer, nor collaboration, nor advice.
_ACTION = (
    r"(pass|hand|give|open|shut|close|turn|switch|move|put|grab|fetch|pop|hold|bring|pull|lock|unlock|spell|sign|"
    r"pass|show me where|let me in|get started|start|begin|sit down|have a seat|take a seat|paus(e|ing)|mut(e|ing))"
)
# "Could we sit at the table so I can write?": moving to a place is a practical request, not collaboration.
_PLACE_ACTION = r"(sit|move|pop|have a seat|take a seat|turn|switch|open|shut|close)"
# "Would you mind closing the door?": the action as a gerund (the final e dropped).
_ACTION_ING = (
    r"(passing|handing|giving|opening|shutting|closing|turning|switching|moving|putting|grabbing|fetching|popping|"
    r"holding|bringing|pulling|locking|unlocking|spelling|signing|showing me where|letting me in|pausing|muting|"
    r"keeping the|sitting|taking a seat)"
)
_REQUEST = re.compile(
    rf"^\W*(sorry,? |please,? |oh,? )?((can|could|would|will) you( please| just)? {_ACTION}|would you mind "
    rf"({_ACTION}\w*|{_ACTION_ING})|why don't we {_ACTION}|shall we {_ACTION}|"
    rf"(can|could|shall) we( just)? {_PLACE_ACTION})\b"
)


# "Please pass me that letter", "Grab the armchair": a small action asked for in the imperative.
_IMPERATIVE_REQUEST = re.compile(
    r"^\W*(please,? )?((pass|hand|grab|fetch|hold) (me|us|the|that|this|those|these|your)|(take|have|grab) a seat|"
    r"sit (down|wherever|anywhere))\b"
)


def is_request(sentence: str) -> bool:
    """A request for a small action from the person or a move to get going: not a technique."""
    low = _low(sentence)
    return bool(_REQUEST.search(low) or _IMPERATIVE_REQUEST.search(low))


# A scaling question asks for a rating: it is written as a question or as a request for a number ("Give me a number
# between 1 and 10..."); "out of ten for the biscuits" or "on a scale of cold to freezing" in a statement is banter.
_RATING_REQUEST = re.compile(r"\b(give (me|it|us) a (number|score|mark)|mark it|rate|score it|put yourself)\b")


def is_rating_question(sentence: str) -> bool:
    """A question, or a request for a number: the only places where a scale or 'out of ten' is a scaling question."""
    low = _low(sentence)
    return is_question_sentence(low) or bool(_RATING_REQUEST.search(low))


# "Have I got that right?" after a summary or reflection checks it; MITI codes the turn as the reflection alone.
_CHECK = re.compile(
    r"(^|[;:,-] *)\W*(so,? |and )?((have|did) i (got|get|understood|missed)|is that (right|about right|fair|it)|"
    r"am i right|does that sound right|did i miss)\b"
)


# The same check closing a turn after the statement it checks ("... and the mornings are still hard. Have I got that
# right?"): the statement before it is what to judge.
_CHECK_END = re.compile(
    r"[.;:,!-]\s*(so,? |and )?((have|did) i (got|get|understood|missed)|is that (right|about right|fair|it)|am i right|"
    r"does that sound right|did i miss)\b[^.?!;]*\?\W*$"
)


def summary_before_check(text: str) -> bool:
    """A statement gathering several things, closed by a check ('Have I got that right?'): a summary."""
    m = _CHECK_END.search(_low(text))
    return bool(m) and looks_like_summary(text[: m.start() + 1])


def is_check_question(sentence: str) -> bool:
    """A short question checking a summary or reflection ('Have I got that right?', 'Is that fair?')."""
    return bool(_CHECK.search(_low(sentence)))


# "If the kids ended up in danger, we'd have to act": what could happen if things do not change is authority
# transparency (TECHNIQUES.md), not a bottom line, which states the expectation itself.
_CONSEQUENCE = re.compile(
    r"\bif\b.{0,80}\b(we|i|the court|the local authority)('d| would| will|'ll| might| may| could) "
    r"(have to|need to|look at|act|go to court|take)"
)


def is_conditional_consequence(sentence: str) -> bool:
    """'If X, we'd have to...': a possible consequence told honestly, not a non-negotiable expectation."""
    return bool(_CONSEQUENCE.search(_low(sentence)))


# Child focus brings in the child's own experience or voice: the child is the subject of a verb of seeing, saying,
# feeling or wanting ("What would Cai say...", "How do you think Zainab feels...", "Does Priya talk to you about..."),
# or the sentence takes the child's side ("what is it like for...", "through her eyes", "from his point of view").
# Asking the parent to describe the child's behaviour ("Can you describe what Declan is like...") or a question
# about the parent's own day is not child focus, however close its meaning is to a phrasebank example.
CHILD_VIEW_VERBS = frozenset(
    (
        "say tell talk think feel notice see want wish worry know describe experience remember make hear like love "
        "hate miss ask cope understand fear find change"
    ).split()
)
# Inflected forms too: the tagger's pipeline runs without spaCy's lemmatizer (speed).
CHILD_VIEW_FORMS = frozenset(
    {f"{v}{e}" for v in CHILD_VIEW_VERBS for e in ("", "s", "ed", "ing", "d")}
    | {
        "said",
        "told",
        "thought",
        "felt",
        "saw",
        "seen",
        "knew",
        "known",
        "heard",
        "understood",
        "found",
        "drew",
        "draws",
        "drawn",
        "wrote",
        "writes",
        "written",
        "worries",
        "worried",
        "made",
        "noticing",
        "describing",
        "hating",
        "loving",
        "liking",
        "coping",
        "feared",
        "missing",
    }
)
# Seeing or knowing alone ("how will Hollie know?") is what a preferred-future question asks; wanting, saying and
# feeling are the child's voice.
PERCEIVE_FORMS = frozenset("know knows knew known knowing notice notices noticed noticing see sees saw seen".split())
# "if she was frightened": a feeling word whose subject is the child.
CHILD_FEELINGS = frozenset("scared frightened afraid worried safe unsafe happy sad upset lonely embarrassed".split())
CHILD_NOUNS = frozenset("child children kid kids baby son daughter boy boys girl girls brother sister twins".split())
_CHILD_SIDE = re.compile(
    r"\b(like for (him|her|them|the (kids|children|baby|boys|girls))|like for [a-z]+\b(?<!\byou)|through \w+ eyes|"
    r"through (the )?\w+'s eyes|from (the )?\w+'s (side|point of view|perspective)|"
    r"from (his|her|their) (side|point of view|perspective)|in \w+'s shoes|in (his|her|their) shoes|"
    r"(his|her|their|\w+'s) (voice|wishes and feelings|views?)|(through|in|on) (his|her|their|\w+'s) (head|mind)|"
    r"(sounds?|looks?|seems?|feels?) to (a|an|the|your|her|his) (\w+-year-old|child|toddler|baby|kid|little one))\b"
)


def takes_child_side(sentence: str) -> bool:
    """'What is it like for Nia...', 'through her eyes', 'from Amara's side': the child's experience by wording."""
    low = _low(sentence)
    return bool(_CHILD_SIDE.search(low)) and not re.search(r"\blike for (you|me|us)\b", low)


# Autonomy: the choice is the person's. Said without "should", "need to"... it is not advice, whatever the
# nearest phrasebank example says ("It's your decision whether to go to the course" is near "You should go").
_AUTONOMY = re.compile(
    r"\b(your (decision|choice|call)|up to you|down to you|you (decide|choose)|you're the one who (decides|chooses)|"
    r"it's for you to|nobody can make you|no one can make you|can't make (you|that choice|the choice|this choice))\b"
)
_PUSH = re.compile(r"\b(should|shouldn't|need to|needs to|must|have to|has to|got to|ought|better|best thing)\b")


def is_autonomy_statement(sentence: str) -> bool:
    """The sentence says the choice is the person's and pushes no option."""
    low = _low(sentence)
    return bool(_AUTONOMY.search(low)) and not _PUSH.search(low)


# Permission for a small practical thing ("Is it alright if I sit here?", "Can I use your loo?") or an offer of one
# ("Shall I put the kettle on?") is not seeking collaboration: collaboration asks permission to share or discuss,
# or invites the person's ideas.
_PERMISSION = re.compile(
    r"^\W*(sorry,? |oh,? |so,? |right,? )?(is it (alright|all right|ok|okay|fine)( with you)? if i|(can|could|may) i|"
    r"am i (ok|okay|alright|all right) to|"
    r"do you mind if i|would you mind if i|mind if i|shall i|should i|do you want me to|would you like me to)\b"
)
_TALK_WORDS = re.compile(
    r"\b(share|tell|talk|discuss|ask|explain|go (through|over)|say|mention|suggest|show you|read|come back to|raise|"
    r"bring up|feed ?back|information|ideas?|thoughts?|worr\w*|concerns?|plan|options?|think|views?|about|run|past you|"
    r"something|anything|suggestions?|"
    r"what|how|which|whether|check|record|note|write|share)\b"
)


def is_practical_permission(sentence: str) -> bool:
    """Asking leave for a practical matter (sitting, parking, the loo): not a request to share or discuss."""
    low = _low(sentence)
    m = _PERMISSION.search(low)
    return bool(m) and not _TALK_WORDS.search(low[m.end() :])


# Authority transparency worded as a fact or as the limits of the worker's say: the legal duty, the worker's role,
# the limits of confidentiality, who makes the decision. Such a sentence is not neutral information nor autonomy.
_AUTHORITY = re.compile(
    r"\b(legal duty|statutory|duty to|my (job|role) (is|means)|part of my (job|role)|i work for (children's|social)|"
    r"can't keep (this|that|it|what)|can't promise to keep|(have|need) to (pass|share) (that|this|it) on|"
    r"(isn't|is not|not) (mine|my decision|up to me)( alone)?|i (don't|do not) make the (final )?decision|"
    r"the (final )?decision (isn't|is not) mine|i'm not the (one|person) who (decides|makes the decision)|"
    r"by law|the law says|required by law|legally (required|obliged)|"
    r"can't promise (that )?(what|anything|everything) you (tell|say)|i'm here as (the|a) (children's|child's)|"
    r"can't keep (it|this|that|things) (to myself|between us|secret|confidential))\b"
)


# "Cutting down or stopping is your call, not mine": the worker's lack of say hands the choice to the person
# (autonomy), not the limits of the worker's role.
_YOURS_NOT_MINE = re.compile(r"\byour (call|choice|decision|business|life)\b,? (and |it's |it is )?not mine\b")


def is_authority_statement(sentence: str) -> bool:
    """The worker's duty, role, limits of confidentiality or of their own say, stated plainly."""
    low = _low(sentence)
    return bool(_AUTHORITY.search(_YOURS_NOT_MINE.sub("", low)))


# Round 4. A reflection by its frame: "It sounds like you...", "Part of you...", both sides of ambivalence. Said to
# someone who has just spoken, it reflects them (complex or simple by reflection_kind), however close its meaning is to
# an acknowledgement of feelings ("This must be frightening for you" validates; "It sounds like you're scared that if
# you admit it, ..." reflects what is under their words).
_REFLECTS_PERSON = re.compile(
    r"^\W*(so,? |and,? )?(it sounds (like|as if|as though) you|you sound|what i'm hearing is (that )?you|part of you|"
    r"it feels (like|as if|as though) (you|nobody|no one|everyone|everybody|nothing|everything|they|he|she|people)|"
    r"you feel (like|as if|as though|that)?)\b"
)


# "Their dad's way of life means a lot to you, and you're afraid...": what something means to the person, said to them
_MEANS_TO_YOU = re.compile(
    r"\b(matters?( most)? to you|(is|are|'s|'re) (so |really |very )?important to you|means? (a lot|so much|"
    r"everything|the world) to you)\b"
)


def says_what_it_means(sentence: str) -> bool:
    """A statement naming what something means to the person (a reflection of meaning, not a validation)."""
    low = _low(sentence)
    return bool(_MEANS_TO_YOU.search(low)) and not is_question_sentence(low) and not acknowledges_feeling(low)


def reflects_person(sentence: str) -> bool:
    """A statement framed as a reflection of the person ('It sounds like you...', 'Part of you...', both sides)."""
    low = _low(sentence)
    if is_question_sentence(low):
        return False
    return bool(_REFLECTS_PERSON.search(low) or _DOUBLE_SIDED.search(low))


# Seeking collaboration said as a statement must invite the person's ideas or share the decision ("Let's work it out
# together", "I'd value your view"); agreeing to what they asked ("Of course, we can keep our voices down") or telling
# them what will happen is not collaboration.
_INVITES = re.compile(
    r"\b(together|between us|let's|let us|shall we|we could|your (view|views|thoughts|ideas?|opinion|say|input|"
    r"suggestions?|expertise|help)|hear (from you|what you|your)|what you think|what you'd|you know (\w+ )?better|"
    r"(us|we) (to )?(decide|agree|work out|choose|plan|look at)|up for|if you('d| would) like|with your permission|"
    r"without you|(decide|work (it |this |that )?out|work) with you)\b"
)


def invites_collaboration(sentence: str) -> bool:
    """A question, or a statement that invites the person's ideas or shares a decision."""
    low = _low(sentence)
    return is_question_sentence(low) or bool(_INVITES.search(low))


# "If things don't improve, my manager may decide to hold a strategy meeting": what could happen if things do not
# change is authority transparency (TECHNIQUES.md), even when the consequence is a step of the process.
_NO_CHANGE_IF = re.compile(
    r"\b(if|unless)\b.{0,40}\b(nothing changes|(don't|doesn't|do not|does not|isn't|aren't|won't|can't|not) "
    r"(\w+ )?(improve|change|get better|getting better|stop|stops|happen|work|working|safe|enough))"
)


def is_no_change_consequence(sentence: str) -> bool:
    """'If things don't change, ...': a consequence of no change, told honestly."""
    return bool(_NO_CHANGE_IF.search(_low(sentence)))


# A statutory step named as the consequence ("..., the next step could be a child protection conference").
_STATUTORY_STEP = re.compile(
    r"\b(child protection (conference|plan)|case conference|court|care proceedings|legal (advice|meeting|planning)|"
    r"strategy (meeting|discussion)|public law outline|pre-proceedings)\b"
)


def warns_of_statutory_step(sentence: str) -> bool:
    """'If things don't get better, the next step could be a conference': what could happen, told honestly."""
    low = _low(sentence)
    return bool(_NO_CHANGE_IF.search(low) and _STATUTORY_STEP.search(low))


# Where a room or a place is ("The meeting room is on the second floor") is not an explanation of the process.
_LOCATION = re.compile(
    r"^\W*(the|our|my|your) [\w' ]{1,30} (is|are|'s) (on the (ground|first|second|third|top) floor|upstairs|downstairs|"
    r"down the corridor|just past|next to|opposite|round the (back|corner)|at the end of|behind|across|"
    r"in (room|meeting room) \w+)\b"
)


# "The car park at the family centre is free after six": the practicalities of getting to a meeting, not information
# about services or how things work.
_GETTING_THERE = re.compile(r"^\W*(the )?(car park|parking|toilets?|loos?|lifts?|buzzer|entrance|reception)\b")


def is_location(sentence: str) -> bool:
    """A sentence that only says where a place is, or how to park or get in."""
    low = _low(sentence)
    return bool(_LOCATION.search(low) or _GETTING_THERE.search(low))


# A scaling question needs a scale: numbers as ratings, "out of ten", "one is... ten is...", a step or a point up.
# "What number is your flat again?" asks for a fact, not a rating.
_SCALE = re.compile(
    r"\b(scale|out of (ten|10|five|5)|\d+ (to|and) \d+|(one|zero|nought|1|0) (to|and) (ten|10|five)|"
    r"(one|ten|nought|zero|1|10|0) (is|was|means)|(a|the) (score|mark|rating)|rate|rating|score|steps?|points?|"
    r"higher|lower|up a notch|"
    r"where would you put|where are (you|things)|(an?|the|to|at|from) (one|two|three|four|five|six|seven|eight|nine|"
    r"ten|zero|[0-9]+))\b"
)
_NUMBER_AS_RATING = re.compile(
    r"\bnumber\b.*\b(would|give|put|say|move|up|down|go|where|feel)\b|"
    r"\b(would|give|put|say|move|up|down|go|where)\b.*\bnumber\b"
)


def has_rating_scale(sentence: str) -> bool:
    """The sentence names a scale or asks for a number as a rating."""
    low = _low(sentence)
    return bool(_SCALE.search(low) or _NUMBER_AS_RATING.search(low))


# "It's up to you where we sit", "Tea or coffee, your choice": a courtesy about the visit itself, not the person's
# control over the change (emphasizing autonomy).
_COURTESY = re.compile(
    r"\b(sit|seat|seats|sofa|chair|tea|coffee|cuppa|biscuits?|shoes|coat|door|window|telly|tv|radio|dog|park|parking|"
    r"kitchen table|front room)\b"
)


def is_courtesy_choice(sentence: str) -> bool:
    """A choice offered about the practicalities of the visit (where to sit, tea, shoes): not autonomy."""
    low = _low(sentence)
    return bool(_AUTONOMY.search(low) or re.search(r"\b(your choice|whatever you prefer|you choose)\b", low)) and bool(
        _COURTESY.search(low)
    )


# Emphasizing autonomy speaks of the person's choice or control; without such words ("The health visitor is the person
# to ring if you've got questions") the sentence is information, however close its meaning is to an autonomy example.
_CHOICE = re.compile(
    r"\b(decid\w*|decision|choose|choosing|chose|choice|choices|call|up to you|down to you|control|in charge|make you|"
    r"force you|forcing you|don't have to|do not have to|pressure|take your time|whether|"
    r"if you (want|would|prefer|rather)|if you'd (like|rather|prefer)|you('d| would) (like|rather|prefer)|"
    r"your (own|life|body|terms|pace|way|mind|say|business)|own (mind|life|recovery)|say no|change your mind|"
    r"options?|right to|free to|you can (say|stop|ask|pick|leave|tell)|nobody|no one|you who|yours|pick|prefer|"
    r"rather|know best|know yourself|right for you|final say|works for (you|your)|suits (you|your)|take it or leave it|"
    r"in your hands|right answer|wrong answer)\b"
)


def speaks_of_choice(sentence: str) -> bool:
    """The sentence names the person's choice, decision or control."""
    return bool(_CHOICE.search(_low(sentence)))


# "Let's decide between us...", "Shall we work out...": the worker proposes to share a decision (collaboration), not
# an explanation of the process.
_PROPOSES_SHARED = re.compile(
    r"^\W*(so,? |right,? |okay,? )?(let's|let us|shall we|i'd like us to|i'd rather we|why don't we)\b.*"
    r"\b(decid\w*|work out|work on|agree|choose|plan|look at|think about|sort|put our heads)\b"
)


def proposes_shared_decision(sentence: str) -> bool:
    """The worker proposes to decide or work something out together with the person."""
    return bool(_PROPOSES_SHARED.search(_low(sentence)))


# "Where would your mum put things on the scale, do you think?": a trailing "do you think" asks for their view and
# leaves the question as open as its wh-word.
_TRAILING_VIEW = re.compile(r",\s*(do|d'|would) ?you (think|reckon|say|imagine)\W*$")


def has_trailing_view(sentence: str) -> bool:
    """A question ending ', do you think?' / ', would you say?'."""
    return bool(_TRAILING_VIEW.search(_low(sentence)))


# "Tell me about...", "Walk me through...", "...; talk me through it": an invitation to tell is an open question
# without a question mark. Another statement is never a question, whatever its meaning is near to.
_INVITATION = re.compile(
    r"(^|[;:,.] *)\W*(so,? |and,? |now,? |okay,? |right,? )?(tell|talk|walk|describe|explain|say a bit|help me "
    r"understand|take me through|run me through|go through|give me)\b"
)


def is_invitation_to_tell(sentence: str) -> bool:
    """An imperative that invites the person to tell their story ('Walk me through what happened')."""
    return bool(_INVITATION.search(_low(sentence)))


# "Take your time, there's no rush", "Don't worry about the mess": reassurance in the imperative is not advice.
_REASSURANCE = re.compile(
    r"^\W*(oh,? |honestly,? |please,? )?(take your time|there's no (rush|hurry)|no (rush|hurry)|don't worry|"
    r"do not worry|make yourself comfortable|make yourself at home|sit (wherever|anywhere)|don't apologise|"
    r"don't be sorry|never mind)\b"
)


def is_reassurance(sentence: str) -> bool:
    """A reassuring imperative ('Take your time...'): not persuasion."""
    return bool(_REASSURANCE.search(_low(sentence)))


# "Have you thought about asking your sister?": a suggestion of an action worded as a question (MITI: persuasion when
# unasked), not an invitation to the person's own ideas.
_SUGGESTION_QUESTION = re.compile(
    r"\b(have you (ever )?(thought about|considered|tried)|how about|what about|why not) \w+ing\b"
)


def is_suggestion_question(sentence: str) -> bool:
    """A question that suggests an action ('Have you considered ringing...?')."""
    return bool(_SUGGESTION_QUESTION.search(_low(sentence)))


# A preferred-future question looks ahead or imagines: "What's been going better since we last met?" looks back (an
# exception question), however close its meaning is to "What would be better...".
_AHEAD = re.compile(
    r"\b(would|will|'ll|'d|if|imagine|picture|suppose|future|tomorrow|next|from now|one day|miracle|wand|hopes?|"
    r"hoping|wish|when (things|it|the|this|you|we)|once|fast forward|ahead|years?|months?|going to|gonna|want|wants|"
    r"look like|good enough|by the time|grow up)\b"
)


def looks_ahead(sentence: str) -> bool:
    """The sentence looks ahead or imagines another time (the ground of a preferred-future question)."""
    return bool(_AHEAD.search(_low(sentence)))


# "I'm sorry, I didn't mean to snap at you": an apology is not discord, whatever words of conflict it repeats.
_APOLOGY = re.compile(r"\b(sorry|apologi[sz]e|didn't mean to|did not mean to|shouldn't have (said|shouted|snapped))\b")


# A bottom line by its words: "that's non-negotiable", "I won't bend on that one", "no exceptions", "this has to
# happen".
_BOTTOM_LINE = re.compile(
    r"\b(non-?negotiable|not negotiable|not up for (negotiation|discussion|debate)|"
    r"(i|we) (won't|will not|can't|cannot) (bend|budge|compromise|move) on (that|this|it)|no exceptions|"
    r"(this|that) (has to|must|needs to) happen|that's (the|my|our) bottom line|the bottom line is)\b"
)


def states_bottom_line(sentence: str) -> bool:
    """The worker says an expectation is not up for negotiation (not in a question, not 'if ..., we'd have to')."""
    low = _low(sentence)
    return bool(_BOTTOM_LINE.search(low)) and not is_question_sentence(low)


# An exception question by its form: "What went well...", "What was going right then?", "Was there a day this week when
# the house felt calmer?", "Has there been a time since the funeral when Gruffydd laughed?" (a time asked about, and
# the exception in it).
_EXCEPTION_ASKED = re.compile(
    r"\b((what|which) (went|was going|'s been going|has been going|have been going) (well|right|better)|"
    r"(any|a) (days?|times?|nights?|mornings?|evenings?|weekends?|weeks?|moments?)\b[^?]{0,40}\bwhen\b|"
    r"what (helped|was different|did you do|happened|was happening)\b[^?]{0,20}\b(on|in|during|over) the "
    r"(days?|nights?|mornings?|evenings?|weekends?|times?|weeks?)\b)"
)
_GOOD_TIME = re.compile(r"\b(keen|laugh\w*|smil\w*|enjoy\w*|happ(y|ier)|fun|relaxed|like (yourself|himself|herself))\b")


def asks_exception(sentence: str) -> bool:
    """A question about a time the problem was absent or smaller, or what went well, by its form."""
    low = _low(sentence)
    if not is_question_sentence(low) or not _EXCEPTION_ASKED.search(low):
        return False
    rest = re.sub(r"\b(a time|times)\b", " ", low)  # the time asked about is no exception in itself
    return bool(marks_exception(rest) or _GOOD_TIME.search(rest))


def is_apology(sentence: str) -> bool:
    """The family member apologises."""
    return bool(_APOLOGY.search(_low(sentence)))


# An exception question asks about a time the problem was absent or smaller, or what went well: it has a mark of the
# exception (without, didn't, better, calmer, what helped, managed...). "What happens on the days when your mum can't
# have the boys?" and "What's it been like since you left the refuge?" ask about the problem or the present.
_EXCEPTION = re.compile(
    r"\b(without|didn't|did not|don't|doesn't|wasn't|weren't|hadn't|haven't|never|instead|better|best|easier|calmer|"
    r"calm|more|less|well|right|smooth\w*|help\w*|work(ing|ed|s)|different\w*|manag\w*|on time|dry|settled|"
    r"peaceful|quiet\w*|good|tidier|regularly|cop(e|ed|ing)|got through|slept through|listened|a time|times|still|"
    r"off (the|it))\b"
)


def marks_exception(sentence: str) -> bool:
    """The sentence names an exception to the problem or something that went well."""
    return bool(_EXCEPTION.search(_low(sentence)))


# An acknowledgement of feelings by its frame: "I can hear how frightened you were", "It's understandable that...",
# "It's hard hearing...", "... must be lonely". Such a sentence validates; it does not blame, push or warn, whatever
# words of the case it contains ("Waiting to hear about the court date must be agonising").
_HARD = (
    r"(hard|tough|difficult|frightening|scary|lonely|agonising|exhausting|awful|horrible|painful|upsetting|worrying|"
    r"stressful|overwhelming|a lot|confusing|unsettling|terrifying|draining|heartbreaking|isolating|humiliating)"
)
_ACK_FRAME = re.compile(
    r"^\W*(i can (hear|see|tell|imagine) how|i can only imagine|"
    rf"i can (see|tell|hear) (this|that|it)('s| is) (really |so |very )?{_HARD}|"
    r"i can (see|tell|hear) (that )?you're (really |so |very )?(exhausted|upset|angry|scared|frightened|worried|tired|"
    r"fed up|hurt|furious|frustrated|shaken|overwhelmed)|"
    r"it's (completely |totally )?(understandable|natural|normal|no wonder|not surprising)|no wonder you|"
    r"it's (really |so |very )?(hard|tough|difficult|painful|horrible|awful) (to \w+|when|hearing|having|being|sitting|"
    r"seeing|knowing|living|waiting))\b|"
    rf"\bmust (be|feel|have been|have felt) (really |so |very |incredibly |pretty |quite )?({_HARD[1:-1]}|like)\b"
)
_ACK_TURN = re.compile(r"\b(but|if|unless|so you need|you need|you should|we will|we'll have to)\b")


def acknowledges_feeling(sentence: str) -> bool:
    """A sentence framed as validation of the person's feeling or situation, with no warning or push after it."""
    low = _low(sentence)
    return bool(_ACK_FRAME.search(low)) and not _ACK_TURN.search(low) and not is_question_sentence(low)


# "Do you think Efe knows...", "I wonder what Lennon makes of...": the worker asks the parent to take the child's
# view. With the child as the subject of a verb of seeing, saying or feeling (coach.nlp.components.child_voice),
# this is child focus by rule, whatever the meaning-only layers proposed.
_PERSPECTIVE = re.compile(
    r"\b(do you think|d'you think|would you say|do you reckon|i wonder|i'm wondering|i was wondering|"
    r"what do you make of|how do you think|what would (he|she|they) say)\b"
)


# "look like for the house" is not the child's side: by rule (not as a gate) "like for ..." needs a child or a name.
_LIKE_FOR_THING = re.compile(
    r"\blike for (?!(him|her|them|the (kids|children|baby|boys|girls)|an? (\w+-year-old|child|toddler|baby|kid))\b)"
    r"(?![A-Z])[\w ]{0,20}"
)


def takes_child_side_by_rule(sentence: str) -> bool:
    """takes_child_side, where 'like for' names a child, and not in a preferred-future question."""
    low = _low(sentence)
    ahead = is_question_sentence(low) and bool(_PF_WHEN.search(low)) and looks_ahead(low)
    return takes_child_side(_LIKE_FOR_THING.sub(" ", sentence)) and not ahead


def asks_child_view(sentence: str) -> bool:
    """The worker asks what the parent thinks the child knows, feels or makes of things."""
    return bool(_PERSPECTIVE.search(_low(sentence)))


# Affirmation by its words: recognition of a strength, effort or achievement ("that took real guts", "you've put a lot
# of work into...", "you've come such a long way", "that was great to see", "I respect that"). With no sign of sarcasm
# and not asked, such a sentence affirms whatever else the meaning-only layers found in it.
_AFFIRMS = re.compile(
    r"\b((took|takes|taking|shows?|showed|showing) (a lot of |real |some |such |great )(nerve|guts|courage|commitment|"
    r"strength|determination|bottle|backbone|organisation|effort|care)|(put|putting|puts) (a lot of|so much|real) "
    r"(work|effort|thought)|come (such|a|so) (a )?long way|(great|lovely|good) to see(?! you\b)|well done|"
    r"proud of (you|yourself)|(clearly|really|obviously) care|(real|great|big) (achievement|progress|strength|talent|"
    r"knack)|credit to you|"
    r"you should be proud|i respect that|says a lot about you|(was|is|that's) a (really )?(good|great|brilliant) "
    r"(call|idea|step)|a big step|(really|so) skilled|that's real \w+|"
    r"(you've|you have) done (brilliantly|really well|so well|amazingly))\b"
)


def affirms(sentence: str) -> bool:
    """A statement recognising the person's strength, effort or achievement, with no sign of sarcasm."""
    low = _low(sentence)
    return bool(_AFFIRMS.search(low)) and not _SARCASM.search(low) and not is_question_sentence(low)


# "Say we're sitting here next Easter and the plan has worked.", "Suppose the court case is over.": a hypothetical set
# up for the question that follows (a preferred-future question), not an explanation of the process.
_SETUP = re.compile(r"^\W*(so,? |okay,? |right,? )?(say|suppose|supposing|imagine|picture|let's say|fast forward)\b")


def is_hypothetical_setup(sentence: str) -> bool:
    """A statement that sets up a hypothetical for the question after it."""
    low = _low(sentence)
    return bool(_SETUP.search(low)) and not is_question_sentence(low)


# "Once my report is finished, my manager reads it...": the steps that follow, told in order (explaining the process).
# With no mark of duty, honesty or consequence it is not authority transparency, whatever its meaning is near to.
_SEQUENCE = re.compile(r"^\W*(so,? )?(once|after (today|this|that|the|i|we)|first,? |next,? |when (my|the|i|we)\b)")
_AUTHORITY_MARK = re.compile(
    r"\b(duty|have to|has to|must|honest|upfront|straight with|share|pass (it |that |this )?on|can't keep|court|"
    r"role|job|law|legal|if (things|nothing|it|you|the)|unless|decid\w*|decision|risk|safe|police)\b"
)


def tells_sequence(sentence: str) -> bool:
    """Steps told in order ('Once ..., then ...') with no duty, honesty, risk or consequence in them."""
    low = _low(sentence)
    return bool(_SEQUENCE.search(low)) and not _AUTHORITY_MARK.search(low) and not is_question_sentence(low)


# "The children's hearing will read the report and decide...", "The chair will read out the decision...": what a body of
# the process does next, with no duty, honesty, consequence or threat in it, explains the process.
_BODY_NEXT = re.compile(
    r"^\W*(so,? |then,? )?the ([\w'-]+ ){0,2}(hearing|conference|panel|court|core group|chair|review|reviewing officer|"
    r"judge|magistrates?)( of the [\w-]+)? (will|'ll|is going to|then) "
)
_CONSEQUENCE_WORDS = re.compile(
    r"\b(if|unless|duty|have to|has to|must|honest\w*|remov\w*|into care|take (the )?(children|kids|him|her|them)|"
    r"i'm worried|worry|risk)\b"
)


def body_tells_next_step(sentence: str) -> bool:
    """A body of the process as the subject of what happens next, with no duty or consequence in the sentence."""
    low = _low(sentence)
    return bool(_BODY_NEXT.search(low)) and not _CONSEQUENCE_WORDS.search(low) and not is_question_sentence(low)


# "You know Kobe better than anyone": recognition of the person's knowledge, never a put-down.
_EXPERTISE = re.compile(r"\b(you know (\w+ )?better than|nobody knows (\w+ )?better|you're the expert)\b")


def recognises_expertise(sentence: str) -> bool:
    """The worker says the person knows best (their child, their family)."""
    return bool(_EXPERTISE.search(_low(sentence)))


# "You sound exhausted.": said with nothing before it to reflect, naming the feeling one sees validates it.
_SEEN_FEELING = re.compile(r"^\W*(so,? )?you (sound|seem|look)\b")


def names_seen_feeling(sentence: str) -> bool:
    """'You sound/seem/look <feeling>' (the worker names the feeling they see)."""
    low = _low(sentence)
    return bool(_SEEN_FEELING.search(low)) and bool(feelings_named(low) - SAID_BACK_ONLY)


# Explaining the process names a step of it (a meeting, the plan, an assessment, a report, a visit, who decides, the
# timescales) or tells the steps in order ("First I'll see the children, then..."). "The form has ten questions, it'll
# only take a minute" is about the visit itself, however near its meaning is to a timescale of the process.
_PROCESS = re.compile(
    r"\b(conferences?|meetings?|review\w*|plans?|assessments?|reports?|core group|chair\w*|minutes|advocate|"
    r"strategy|visits?|write (it |this |everything |them )?up|written up|copy|manager|team leader|panel|court|"
    r"letters?|timescales?|working days|weeks?|months?|referral|case|file|notes|decid\w*|decision|agenda|invit\w*|"
    r"interpreter|child in need|police|enquir\w*|investigat\w*|social worker|next step|what happens|process|appeal|"
    r"complain\w*|legal|solicitor|proceedings|checks?|first,? (i|we)('ll| will)|then (i|we)('ll| will))\b"
)


def names_process(sentence: str) -> bool:
    """The sentence names a step, meeting, document or timescale of the process, or tells steps in order."""
    return bool(_PROCESS.search(_low(sentence)))


# A confrontation guessed from meaning alone must carry a mark of blame, contempt, an absolute, a counterfactual or a
# threat (the words a put-down is made of: "always", "fault", "should have", "denial", "what kind of", "if you cared",
# "don't come crying"...). A question asking one fact ("What year is Harper in?") or credit for what the person
# knows ("You know Kobe better than anyone") has none, however near its meaning is to a put-down.
_BLAME_MARK = re.compile(
    r"\b(blam\w*|fault|(should|shouldn't|could|ought to) (have|'ve)|should've|lies?|lying|liar|denial|drunk|"
    r"alcoholic|admit|stupid|wast(e|ed|ing)|always|never|finally|"
    r"bother\w*|(nobody|no one) believes|sick of|same (old )?(promises|story|excuses)|every (time|chance|visit)|"
    r"everyone but|everybody but|typical|what (kind|sort) of|who (leaves|lets|puts|takes|forgets)|excuses?|pathetic|"
    r"selfish|lazy|rubbish|joke|disgrac\w*|disgusting|shocking|ridiculous|useless|"
    r"not even|don't even|didn't even|clearly|obviously|expect (me|us) to|believe (a word|you|that)|can't believe|"
    r"seriously|honestly think|good enough|(no|any|small) wonder|you keep|keep (saying|telling)|ashamed|shame|"
    r"embarrass\w*|pigsty|state of|filthy|sort yourself out|grow up|for once|how many (more|times)|how could|dare|"
    r"nonsense|or else|if you (really |actually )?(cared|loved|spent|tried|wanted|bothered)|don't care|lose|won't|"
    r"removed|fool|kidding|pretend\w*|only (have|got) yourself|but yours|whose fault|decent|victim|chose|attitude|"
    r"crying|too busy|your own|don't give me|priorities|all wrong|frankly|less time|more time|instead of|"
    r"(i|we)('ll| will) (have to )?(take|be taking|go to|ring|call|report))\b"
)


def has_blame_mark(sentence: str) -> bool:
    """The sentence has a word that put-downs, blame, threats or sarcasm are made of."""
    return bool(_BLAME_MARK.search(_low(sentence)))


# Authority transparency guessed from meaning alone must name something of the worker's authority: a duty or
# obligation, honesty about it, sharing or recording what is said, the worker's role or why they are here, who
# decides, or a consequence ("if", "unless", court, police). "It's a pleasure to see you again" has none.
_AUTHORITY_WORDS = re.compile(
    r"\b(duty|have to|has to|had to|must|obliged|legal\w*|law|honest\w*|upfront|straight|shar(e|ed|ing)|pass(ed)? "
    r"(it |that |this )?on|tell (the|my|your|other)|confidential\w*|private|privacy|promise|court|police|role|job|"
    r"here because|reason i'm here|here to|referral|social worker|council|local authority|assess\w*|check\w*|"
    r"record\w*|file|writ(e|ing) (it |this |that )?(down|up)|notes|manager|conference|report|decid\w*|decision|if|"
    r"unless|risk|safe\w*|worried|concern\w*|speak(ing)? (to|with)|talk(ing)? (to|with)|should know|part of|"
    r"can't keep|consequences?|proceedings|warrant|trouble|act|action|plan|responsib\w*|need to know|power|openly|"
    r"open (with|about)|fairly|writing|worr(y|ies)|take (the )?(children|kids)|walk away)\b"
)


def names_authority(sentence: str) -> bool:
    """The sentence names a duty, the worker's role, sharing or recording, who decides, or a consequence."""
    return bool(_AUTHORITY_WORDS.search(_low(sentence)))


# "Can you describe what Kacper likes to play with?": a polite invitation to tell (an open question), not a request
# for the person's ideas, unless it asks what they think or would like.
_ASKS_TO_TELL = re.compile(r"^\W*(so,? |and,? )?(can|could|would) you (describe|tell|explain|talk|walk|say a bit)\b")


def asks_to_tell(sentence: str) -> bool:
    """A polite invitation to tell with none of the words that invite the person's ideas."""
    low = _low(sentence)
    return bool(_ASKS_TO_TELL.search(low)) and not _INVITES.search(low)


def is_two_sided(sentence: str) -> bool:
    """Both sides of one thing ('..., and at the same time ...') in a sentence that lists no more than two things."""
    low = _low(sentence)
    separators = low.count(",") + low.count(";") + low.count(":") + len(re.findall(r"\band\b", low))
    return bool(_DOUBLE_SIDED.search(low)) and separators < SUMMARY_MIN_SEPARATORS
