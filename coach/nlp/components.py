"""Custom spaCy components that mark technique spans and syntactic cues on a Doc.

Why: some techniques are recognised reliably by form (a question by aux inversion or a wh-word, "on a scale of 1 to
10", "I'm worried that...", "you need to..."), and the phrasebank carries hand-written token patterns. These
components put technique spans into `doc.spans["techniques"]` (label = TECHNIQUES.md id) and weaker cues into
`doc.spans["cues"]`; each span has `span._.score` and `span._.why` for the tagger's fusion and for mentors.
spaCy is imported here at module level, so import this module only inside functions (coach.nlp.tagger does).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

from coach.nlp import fusion
from coach.nlp.features import WH


def _ext(name: str, default: object) -> None:
    """A span attribute stored per (label, start, end) in doc.user_data.

    spaCy keys span extension values by character offsets only, so a question cue and a judgement over the same
    sentence would share (and overwrite) one 'why' and one score; the label keeps them apart."""

    def key(span: Span) -> tuple:
        return ("coach", name, span.label_, span.start_char, span.end_char)

    def getter(span: Span) -> object:
        return span.doc.user_data.get(key(span), default)

    def setter(span: Span, value: object) -> None:
        span.doc.user_data[key(span)] = value

    Span.set_extension(name, getter=getter, setter=setter, force=True)


_ext("why", "")
_ext("score", 0.0)

OPEN_WH = {"what", "how", "why"}
SUBJ = {"you", "i", "we", "he", "she", "they", "it", "there", "that", "this", "your", "cai", "anyone", "anybody"}
# "how old / how many / how long..." ask for a number or a fact: closed, whatever the wh-word
HOW_FACT = frozenset("old many much long often far soon".split())
# "What time / what date / what's the name...?" ask for one short fact: closed (TECHNIQUES.md), like "how old"
WHAT_FACT = frozenset(
    "time date day year age number name names address postcode colour size class birthday surname".split()
)
# ... and those that ask for a point in time or an age whatever verb follows ("What time did he get in?", "What year
# is Harper in?"); "What time of day is hardest?" asks for a view.
WHAT_WHEN = frozenset("time date year age".split())
# Verbs of telling: "Can you describe...?" invites a story (open), like "Tell me..."
TELL_VERBS = frozenset("tell describe explain talk walk".split())
FILLER = {"so", "and", "but", "okay", "ok", "well", "right", "now", "um", "uh", "then", "oh", "alright", ","}


def _span(doc: Doc, start: int, end: int, label: str, score: float, why: str) -> Span:
    span = Span(doc, start, end, label=label)
    span._.score = score
    span._.why = why
    return span


def _group(doc: Doc, key: str) -> SpanGroup:
    if key not in doc.spans:
        doc.spans[key] = []
    return doc.spans[key]


class PhrasebankPatterns:
    """Matcher over the phrasebank's token patterns; every match becomes a technique span."""

    def __init__(self, nlp: Language, name: str, phrasebank_dir: str = "") -> None:
        from pathlib import Path

        from coach.nlp.phrasebank import load_phrasebank

        self.matcher = Matcher(nlp.vocab)
        self.problems: list[str] = []
        entries, problems = load_phrasebank(Path(phrasebank_dir) if phrasebank_dir else None)
        self.problems.extend(problems)
        for tag, entry in entries.items():
            for i, pattern in enumerate(entry.patterns):
                try:
                    self.matcher.add(tag, [pattern])
                except Exception as exc:  # a bad pattern in one file must not stop the others
                    self.problems.append(f"{tag}.yaml pattern {i + 1}: {exc}")

    def __call__(self, doc: Doc) -> Doc:
        group = _group(doc, "techniques")
        for match_id, start, end in self.matcher(doc):
            tag = doc.vocab.strings[match_id]
            text = doc[start:end].text
            group.append(_span(doc, start, end, tag, 0.9, f"rule: phrasebank pattern '{text}'"))
        return doc


@Language.factory("coach_phrasebank_patterns", default_config={"phrasebank_dir": ""})
def make_phrasebank_patterns(nlp: Language, name: str, phrasebank_dir: str) -> PhrasebankPatterns:
    return PhrasebankPatterns(nlp, name, phrasebank_dir)


def _asks_opinion(words: list) -> bool:
    """'who/where/which do you think/reckon...': a wh-question asking for the person's view, not a fact."""
    low = [w.lower_ for w in words[1:4]]
    return low[:2] == ["do", "you"] and len(low) > 2 and low[2] in {"think", "reckon", "feel"}


def _asks_view_at_end(words: list) -> bool:
    """', do you think?' / ', would you say?' closing a question: it asks their view of the question before it."""
    low = [w.lower_ for w in words if not w.is_punct]
    return len(low) == 3 and low[0] in {"do", "would"} and low[1] == "you" and low[2] in {"think", "reckon", "say"}


def _what_fact(words: list) -> bool:
    """'What time/date/...', "What's the name of...": a what-question whose answer is one short fact."""
    low = [w.lower_ for w in words[:5]]
    if len(low) > 2 and low[1] in WHAT_WHEN and low[2] != "of":  # "What time did Kobe get in?" asks for a time
        return True
    if len(low) > 3 and low[2] in WHAT_FACT and words[1].pos_ in {"NOUN", "ADJ"} and words[3].pos_ == "AUX":
        return True  # "What shoe size is Ellis now?", "What bus number do you need?"
    if len(low) > 1 and low[1] in WHAT_FACT:  # not "What time of day is hardest?" nor "What name would you give it?"
        return low[2:3] != ["of"] and low[2:3] not in (["would"], ["do"], ["did"], ["will"], ["might"])
    if low[1:2] in (["'s"], ["is"]) and len(words) > 3 and words[2].pos_ == "PROPN" and words[3].lower_ == "'s":
        # "What's Isla's date of birth?", "What is Kai's postcode?": one fact about a named person
        nxt = [w.lower_ for w in words[4:7]]
        return bool(nxt) and (nxt[0] in WHAT_FACT or nxt[:3] == ["date", "of", "birth"])
    return low[1:3] in (["'s", "the"], ["is", "the"], ["'s", "his"], ["'s", "her"], ["is", "his"], ["is", "her"]) and (
        len(low) > 3 and low[3] in WHAT_FACT
    )


def question_form(sent: Span) -> tuple[str | None, str]:
    """('open'|'closed'|None, reason) for a sentence, from its form: wh-word, aux inversion, tag question, '?'."""
    words = [t for t in sent if not t.is_space]
    i = 0
    while i < len(words) and (words[i].lower_ in FILLER or words[i].is_punct):
        i += 1
    rest = words[i:]
    if not rest:
        return None, ""
    first = rest[0].lower_
    ends_q = sent.text.rstrip().endswith("?")
    second = rest[1].lower_ if len(rest) > 1 else ""
    # "When things got heated, what did you do?": the question is the last clause, after the comma or semicolon.
    cut = max((k for k, t in enumerate(rest) if t.text in {",", ";", ":"}), default=-1)
    after = cut + 1
    while 0 < after < len(rest) - 2 and rest[after].lower_ in {"and", "but", "so", "then"}:
        after += 1  # "..., and what helped?"
    if ends_q and 0 < cut < len(rest) - 2 and rest[after].lower_ in WH:
        w = rest[after]
        kind = "open" if w.lower_ in OPEN_WH or _asks_opinion(rest[after:]) else "closed"
        return kind, f"wh-word '{w.text}' in the last clause"
    trailing_view = first in WH and 2 < cut and _asks_view_at_end(rest[cut + 1 :])
    if ends_q and trailing_view:  # "Where would your mum put it, do you think?": the wh-word decides
        return ("open" if first in OPEN_WH or first == "where" else "closed"), f"wh-word '{rest[0].text}'"
    if ends_q and 0 < cut < len(rest) - 3 and rest[after].pos_ == "AUX" and rest[after + 1].lower_ in SUBJ:
        return "closed", f"aux inversion '{rest[after].text} {rest[after + 1].text}' in the last clause"
    wh_aux = len(rest) > 2 and rest[1].pos_ == "AUX" and rest[2].pos_ in {"PRON", "PROPN"}
    if first == "how" and second in HOW_FACT and ends_q:  # "How old is Dylan?" asks for one fact
        return "closed", f"wh-word 'how {rest[1].text}' asking for a fact"
    if first == "what" and ends_q and _what_fact(rest):  # "What time does the bus go?" asks for one fact
        return "closed", "wh-word 'what' asking for a fact"
    if first in WH and ends_q and _asks_opinion(rest):  # "Who do you think should come?" asks for their view
        return "open", f"wh-word '{rest[0].text}' asking for their view"
    if first in WH and (ends_q or wh_aux):
        return ("open" if first in OPEN_WH else "closed"), f"wh-word '{rest[0].text}'"
    if first in {"tell", "talk", "describe"} and second in {"me", "us"}:
        return "open", f"request '{rest[0].text} {rest[1].text}'"
    # "Can you describe what Kacper likes...?", "Could you tell me about...": an invitation to tell, worded politely
    if first in {"can", "could", "would"} and second == "you" and len(rest) > 2 and rest[2].lower_ in TELL_VERBS:
        return "open", f"request '{rest[0].text} {rest[1].text} {rest[2].text}'"
    if (rest[0].pos_ == "AUX" and rest[0].tag_ not in {"VBG", "VBN"}) or first in {
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "have",
        "has",
        "can",
        "could",
        "would",
        "will",
        "should",
        "shall",
        "may",
        "might",
        "am",
    }:
        if second in SUBJ or (len(rest) > 1 and rest[1].pos_ in {"PRON", "PROPN", "DET"}):
            return "closed", f"aux inversion '{rest[0].text} {rest[1].text}'"
    low = sent.text.lower().rstrip()
    for tq in (", isn't it?", ", aren't you?", ", don't you?", ", doesn't it?", ", didn't you?", ", right?", ", yeah?"):
        if low.endswith(tq):
            return "closed", f"tag question '{tq.strip(', ')}'"
    if ends_q:
        return "closed", "question mark"
    return None, ""


# Judgement rules (persuasion, confrontation). Precision first: each needs a second-person or home subject, no
# negation, and none of the framings that make the same words a reflection, a worry, or an authority statement.
# plain "have to" is left out: in practice it reflects the person's own obligations more often than it advises
MODALS = frozenset("should must ought need needs got".split())
# "you" after these is inside a clause (reported, relative, explained), not someone being told what to do
EMBEDDING = frozenset(
    (
        "that what which everything anything something things thing because cause 'cause like when whenever if "
        "whether how why where as than mentioned said says saying feel felt know knew realise realize \" '"
    ).split()
)
MODAL_GAP = frozenset("really just definitely seriously honestly simply 've still all both now".split())
INFO_VERBS = frozenset("know understand realise realize be hear appreciate expect bear remember tell".split())
SOFTENERS = frozenset(
    (
        "worried concerned worry negotiable negotiate might could may perhaps maybe option choice up help if "
        "court conference plan feel feels felt sounds seems ?"
    ).split()
)
EVALUATIVE = frozenset(
    (
        "selfish lazy useless pathetic disgusting disgraceful filthy squalid irresponsible ridiculous "
        "feckless neglectful unfit shameful ashamed stupid disgrace liar pigsty"
    ).split()
)
FRAMES = frozenset(
    (
        "feel feels felt feeling thinking sounds seems worried worry afraid scared frightened said told call calls "
        "called think thinks thought wonder worries fear mean"
    ).split()
)
NEGATIONS = frozenset("not n't never no nobody hardly".split())
BLAME_ALWAYS = frozenset("say says blame blames lie lies forget forgets promise promises".split())
BLAME_NEVER = frozenset("listen listens bother bothers learn learns admit admits".split())
ABOUT = frozenset("you your you're this it that house place home flat kitchen".split())
CHILD_WORDS = frozenset("children kids child baby son daughter him her them boys girls".split())


# put-downs that are never a real question or a neutral statement ("how could you...", "what kind of mother...")
RHETORICAL = (
    ("how could you ", "rhetorical 'how could you'"),
    ("how dare you", "rhetorical 'how dare you'"),
    ("do you even ", "rhetorical 'do you even'"),
    ("do n't you even care", "rhetorical 'don't you even care'"),
    ("do you actually care", "rhetorical 'do you actually care'"),
    ("does it actually matter to you", "rhetorical 'does it actually matter to you'"),
    ("so why ca n't you", "rhetorical 'so why can't you'"),
    ("why ca n't you just", "rhetorical 'why can't you just'"),
    ("why ca n't you ?", "rhetorical 'why can't you?'"),
    ("how many more ", "rhetorical 'how many more'"),
    ("i do n't believe a word", "disbelief 'I don't believe a word'"),
    ("i do n't believe you", "disbelief 'I don't believe you'"),
    ("oh yes , i 'm sure", "sarcasm 'oh yes, I'm sure'"),
    ("oh yeah , i 'm sure", "sarcasm 'oh yeah, I'm sure'"),
    ("oh right , i 'm sure", "sarcasm 'oh right, I'm sure'"),
    ("well done for finally", "sarcasm 'well done for finally'"),
    ("do you honestly think", "disbelief 'do you honestly think'"),
    ("do you honestly expect", "disbelief 'do you honestly expect'"),
    ("do you seriously think", "disbelief 'do you seriously think'"),
    ("do you seriously expect", "disbelief 'do you seriously expect'"),
    ("in their right mind", "rhetorical 'who in their right mind'"),
    ("in your right mind", "rhetorical 'in your right mind'"),
    ("oh yes , because", "sarcasm 'oh yes, because...'"),
    ("oh yeah , because", "sarcasm 'oh yeah, because...'"),
    ("oh right , because", "sarcasm 'oh right, because...'"),
    ("oh sure , because", "sarcasm 'oh sure, because...'"),
    ("do n't give me that", "dismissal 'don't give me that'"),
    ("if you ca n't be bothered", "threat 'if you can't be bothered'"),
    ("playing the victim", "labelling 'playing the victim'"),
    ("feeling sorry for yourself", "put-down 'feeling sorry for yourself'"),
    ("oh great , so you", "sarcasm 'oh great, so you...'"),
    ("oh brilliant , so you", "sarcasm 'oh brilliant, so you...'"),
    ("oh lovely , so you", "sarcasm 'oh lovely, so you...'"),
    ("if you 'd bothered", "blame 'if you'd bothered'"),
    ("if you had bothered", "blame 'if you had bothered'"),
    ("always an excuse", "blame 'always an excuse'"),
    ("always a reason with you", "blame 'always a reason with you'"),
    ("always an excuse with you", "blame 'always an excuse with you'"),
    ("always something with you", "blame 'always something with you'"),
    ("a good mum would", "moralising 'a good mum would'"),
    ("a good mother would", "moralising 'a good mother would'"),
    ("a good parent would", "moralising 'a good parent would'"),
    ("a good dad would", "moralising 'a good dad would'"),
    ("a good father would", "moralising 'a good father would'"),
    ("a proper mum would", "moralising 'a proper mum would'"),
    ("a proper mother would", "moralising 'a proper mother would'"),
    ("a proper parent would", "moralising 'a proper parent would'"),
    ("a proper dad would", "moralising 'a proper dad would'"),
    ("a proper father would", "moralising 'a proper father would'"),
    ("pull the other one", "disbelief 'pull the other one'"),
    ("chance after chance", "blame 'chance after chance'"),
    ("you wo n't be seeing the kids", "threat 'you won't be seeing the kids'"),
    ("you wo n't be seeing your", "threat 'you won't be seeing your...'"),
)
# "How could you get/find/manage...?" asks what would be possible (a real question), unlike "How could you leave...?"
POSSIBLE = frozenset(
    "get make find manage start try change cope ask build handle plan fit use avoid cut reduce prepare begin go".split()
)
# "you'll end up in prison or dead": a scare, unless said as a worry or a possibility
DIRE = frozenset("prison jail inside dead care homeless gutter".split())
SOFT_WARNING = frozenset("might may could honest worried afraid worry scared frightened".split())
HURT = frozenset("upsetting hurting upset hurt worrying scaring frightening letting damaging ashamed".split())
ASKING_YOU = frozenset("do would are were will could can should".split())
# What a threat says will be lost or imposed ("Carry on like this and the kids go into care"); "Keep this up and
# you'll have them home by summer" encourages.
LOSS = frozenset("court courts judge care lose losing lost never removed taken police proceedings gone".split())
KIND_OF = frozenset("mother mum mam father dad parent person man woman".split())
# "you're a drunk": a label for the person (only right after "you are a/an", so "in danger" is never a label)
LABELS = frozenset("drunk alcoholic junkie addict liar failure disgrace danger waster joke bully".split())


def _rhetorical(low: list[str], text: str) -> str | None:
    """Why a sentence is a rhetorical put-down, sarcasm, disbelief or a label for the person, else None."""
    padded = f" {text} "
    for phrase, why in RHETORICAL:
        if f" {phrase}" in padded:
            after = padded.split(f" {phrase}", 1)[1].split()
            if phrase == "how could you " and after[:1] and after[0] in POSSIBLE:
                continue  # "How could you get a different social life?" asks for ideas
            return why
    for k in range(len(low) - 3):
        if low[k] == "what" and low[k + 1] in {"kind", "sort"} and low[k + 2] == "of" and low[k + 3] in KIND_OF:
            if k + 4 < len(low) and low[k + 4] in ASKING_YOU:  # "what kind of parent do you want to be?"
                continue
            return f"rhetorical 'what {low[k + 1]} of {low[k + 3]}'"
    for k in range(len(low) - 3):
        if low[k] == "you" and low[k + 1] in {"'re", "are"} and low[k + 2] in {"a", "an", "such"}:
            rest = [w for w in low[k + 3 : k + 6] if w not in {"a", "an", "total", "complete", "real", "bloody"}]
            if rest and rest[0] in LABELS:
                return f"labelling 'you're a {rest[0]}'"
    for k in range(len(low) - 4):
        if low[k : k + 2] == ["do", "you"] and low[k + 2] in {"know", "realise", "realize"} and low[k + 3] == "how":
            if set(low[k + 4 : k + 10]) & HURT:
                return f"guilt trip 'do you {low[k + 2]} how...'"
    carry = re.match(r"^(keep (this|that) up|carry on (like (this|that)|this way|the way you are)) and (.*)$", text)
    if carry and set(carry.group(5).split()) & LOSS:  # "Keep this up and the court will decide for you"
        return f"threat '{' '.join(carry.group(1).split())} and...' with a loss"
    # "..., and you're telling me it's the buses?": disbelief of the person's account, asked back at them
    if text.rstrip().endswith("?") and re.search(
        r"\b(and|but|so) (you 're|you are) (telling|trying to tell) me\b|\byou (expect|want) me to believe\b", text
    ):
        return "disbelief 'and you're telling me...?'"
    if (
        low[:1] == ["oh"]
        and not text.rstrip().endswith("?")
        and re.search(r"\b(really|definitely) going to help\b", text)
    ):
        # "Oh yes, lying in bed all day is really going to help"
        return "sarcasm 'oh yes, ... is really going to help'"
    start = low[1:] if low[:1] == ["oh"] else low
    if start[:1] and start[0] in {"yes", "yeah", "right", "sure"} and start[1:3] == [",", "because"]:
        return f"sarcasm '{start[0]}, because...'"  # "Yeah, because that went so well": mock agreement
    if low and low[0] == "typical" and len(low) > 1 and low[1] in {",", "!", "."}:
        return "sarcasm 'typical'"
    return None


def judgement(sent: Span) -> tuple[str, int, int, float, str] | None:
    """('confrontation'|'persuasion', start, end, score, why) for a blaming or advising sentence, else None."""
    toks = [t for t in sent if not t.is_space]
    low = [t.lower_ for t in toks]
    if not toks:
        return None
    first = next((i for i, w in enumerate(low) if w not in FILLER and not toks[i].is_punct), len(low))
    if low[first : first + 2] == ["why", "not"]:  # "Why not (just) ring the GP?"
        k = first + 2 + (low[first + 2 : first + 3] == ["just"])
        if k < len(toks) and toks[k].pos_ == "VERB":
            return "persuasion", sent.start, sent.end, 0.75, f"rule: advice 'why not {toks[k].text}'"
    if low[first : first + 4] == ["why", "do", "n't", "you"] and first + 4 < len(toks):
        verb = toks[first + 4]
        if verb.pos_ == "VERB" and verb.lower_ not in INVITING:  # "why don't you tell me..." invites, not advises
            return "persuasion", sent.start, sent.end, 0.75, f"rule: advice 'why don't you {verb.text}'"
    text = " ".join(low)
    mad = re.search(r"\byou 'd be (mad|daft|silly|crazy|stupid|a fool) not to (\w+)", text)
    if mad:  # "You'd be mad not to take it": advice dressed as a verdict on the other choice
        return "persuasion", sent.start, sent.end, 0.75, f"rule: advice 'you'd be {mad.group(1)} not to {mad.group(2)}'"
    found = _rhetorical(low, text)
    if found:
        return "confrontation", sent.start, sent.end, 0.8, f"rule: {found}"
    if "?" in low:  # other questions are left to the question rules and the classifiers
        return None
    # confrontation: an evaluative word about the person or the home, not negated, not inside a reflection/worry
    for k, w in enumerate(low):
        if w in EVALUATIVE and toks[k].pos_ in {"ADJ", "NOUN", "PROPN", "VERB"}:
            before = set(low[:k])
            if before & NEGATIONS or before & FRAMES or set(low) & {"worried", "concerned"}:
                continue
            if not before & ABOUT:
                continue
            return "confrontation", sent.start, sent.end, 0.8, f"rule: judgement '{toks[k].text}' about the person"
    if " not good enough" in f" {text}" or "n't good enough" in text:
        k = low.index("good")
        after = [w for w in low[k + 2 :] if w not in {".", "!", ",", "for", "me", "anymore", "any", "more", "now"}]
        before = set(low[:k])
        if before & {"this", "that", "it", "you", "'s", "is"} and not after and not before & FRAMES:
            return "confrontation", sent.start, sent.end, 0.8, "rule: verdict 'not good enough'"
    for k in range(len(low) - 1):
        w, nxt = low[k], low[k + 1]
        if w == "you" and nxt in {"always", "never"}:
            verb = low[k + 2] if k + 2 < len(low) else ""
            if (nxt == "always" and verb in BLAME_ALWAYS) or (nxt == "never" and verb in BLAME_NEVER):
                if not set(low[:k]) & FRAMES:
                    return "confrontation", sent.start, sent.end, 0.75, f"rule: blame 'you {nxt} {toks[k + 2].text}'"
        threat = nxt in {"lose", "lost"} or low[k + 1 : k + 3] == ["never", "see"]
        if w in {"'ll", "will"} and low[k - 1 : k] == ["you"] and threat and set(low) & CHILD_WORDS:
            if not set(low) & {"might", "may", "could", "honest", "worried", "afraid"}:
                return "confrontation", sent.start, sent.end, 0.75, "rule: threat 'you will lose'"
        scare = low[k + 1 : k + 3] == ["end", "up"] and set(low[k + 3 : k + 6]) & DIRE
        if w in {"'ll", "will"} and low[k - 1 : k] == ["you"] and scare and not set(low) & SOFT_WARNING:
            return "confrontation", sent.start, sent.end, 0.75, "rule: scare 'you will end up...'"
        if w in {"deserve", "deserves"} and nxt == "better" and not set(low) & FRAMES:
            return "confrontation", sent.start, sent.end, 0.7, "rule: moralising 'deserve better'"
        if w == "shame" and nxt == "on":
            return "confrontation", sent.start, sent.end, 0.8, "rule: shaming 'shame on'"
    # persuasion: "you should/need to/must/have got to <action>", no permission, worry, option or authority framing
    for k, w in enumerate(low):
        if w != "you" or (k > 0 and low[k - 1] in EMBEDDING):
            continue
        j = k + 1
        while j < len(low) and low[j] in MODAL_GAP:
            j += 1
        if j >= len(low) or low[j] not in MODALS:
            continue
        modal = low[j]
        j += 1
        if modal in {"need", "needs", "got", "ought"}:
            if j >= len(low) or low[j] != "to":
                continue
            j += 1
        while j < len(low) and low[j] in MODAL_GAP:
            j += 1
        if j >= len(low) or low[j] in NEGATIONS or toks[j].pos_ not in {"VERB", "AUX"}:
            continue
        if low[j] in INFO_VERBS:
            continue
        if low[j] in {"see", "hear"} and set(low[j + 1 : j + 3]) & {"my", "our"}:
            continue  # "You should see my garden": banter about the worker's own things, not advice
        if set(low[:k]) & NEGATIONS or set(low) & SOFTENERS:
            continue
        return "persuasion", sent.start, sent.end, 0.75, f"rule: advice '{' '.join(t.text for t in toks[k : j + 1])}'"
    return None


# "Why don't you tell me about...", "why don't you sit down": an invitation to talk or a courtesy, not advice
INVITING = frozenset("tell talk describe explain say start begin sit take have come".split())


# Family pushback at the worker or the service (discord): words aimed at the relationship, not at the behaviour.
DISCORD_PHRASES = (
    ("who do you think you are", "'who do you think you are'"),
    ("you did n't even ", "'you didn't even'"),
    ("you do n't even ", "'you don't even'"),
    ("you never even ", "'you never even'"),
    ("my solicitor", "'my solicitor'"),
    ("my brief", "'my brief'"),
    ("with a warrant", "'come back with a warrant'"),
    ("do n't lecture me", "'don't lecture me'"),
    ("stop lecturing", "'stop lecturing'"),
    ("you do n't listen", "'you don't listen'"),
    ("you never listen", "'you never listen'"),
    ("tick your boxes", "'tick your boxes'"),
    ("ticking boxes", "'ticking boxes'"),
    ("had it in for me", "'had it in for me'"),
    ("out to get me", "'out to get me'"),
    ("never liked me", "'never liked me'"),
    ("i know what you 're trying to do", "'I know what you're trying to do'"),
    ("i 'm not answering", "'I'm not answering'"),
    ("are liars", "'are liars'"),
    ("you have n't got a clue", "'you haven't got a clue'"),
    ("you 've not got a clue", "'you've not got a clue'"),
    ("you have n't a clue", "'you haven't a clue'"),
    ("you do n't have a clue", "'you don't have a clue'"),
    ("you have no idea", "'you have no idea'"),
    ("you 've no idea", "'you've no idea'"),
    ("you 've got no idea", "'you've got no idea'"),
    ("you 've already decided", "'you've already decided'"),
    ("you 'd already decided", "'you'd already decided'"),
    ("already made your mind up", "'already made your mind up'"),
    ("just get out", "'just get out'"),
    ("get out of my house", "'get out of my house'"),
    ("get out of my home", "'get out of my home'"),
    ("had enough of you", "'had enough of you'"),
    ("sick of you", "'sick of you'"),
    ("ca n't stand you", "'can't stand you'"),
    ("i 'm not signing", "'I'm not signing'"),
    ("you can forget it", "'you can forget it'"),
    ("do n't talk to me like", "'don't talk to me like'"),
    ("do n't speak to me like", "'don't speak to me like'"),
    ("swan in", "'swan in'"),
    ("swanning in", "'swanning in'"),
    ("every one of you", "'every one of you'"),
    ("you 've never even ", "'you've never even'"),
    ("you have never even ", "'you have never even'"),
    ("you 've not even ", "'you've not even'"),
    ("you have n't even ", "'you haven't even'"),
    ("see yourself out", "'see yourself out'"),
    ("show yourself out", "'show yourself out'"),
    ("could n't care less", "'couldn't care less'"),
    ("could not care less", "'could not care less'"),
    ("you do n't know me", "'you don't know me'"),
    ("you do n't know us", "'you don't know us'"),
    ("you know nothing about me", "'you know nothing about me'"),
    ("you know nothing about us", "'you know nothing about us'"),
    ("you know nothing about my", "'you know nothing about my'"),
    ("you people", "'you people'"),
    ("you lot", "'you lot'"),
    ("busybody", "'busybody'"),
    ("jobsworth", "'jobsworth'"),
    ("do - gooder", "'do-gooder'"),
    ("do-gooder", "'do-gooder'"),
)
# "your stupid plan", "your little report": contempt for the worker's tools
CONTEMPT = frozenset("stupid little precious poxy bloody pathetic".split())
WORKER_THINGS = frozenset(
    "plan report boxes forms form meeting meetings job assessment questions file notebook notes clipboard".split()
)
NOT_DISCORD = frozenset("sorry not".split())


def discord(sent: Span) -> tuple[int, int, float, str] | None:
    """(start, end, score, why) for a family line pushing back at the worker or the service, else None."""
    low = [t.lower_ for t in sent if not t.is_space]
    padded = f" {' '.join(low)} "
    for phrase, why in DISCORD_PHRASES:
        k = padded.find(f" {phrase}")
        if k >= 0:
            before = padded[:k].split()
            if phrase in ("out to get me", "never liked me", "had it in for me") and set(before) & NOT_DISCORD:
                continue  # "I know you're not out to get me"
            if "sorry" in low:
                continue
            if phrase in ("you lot", "you people") and ("whatever" in before[-2:] or "?" in low):
                continue  # "whatever you lot think" sets their view against ours; "Do you lot want tea?" asks
            if phrase.startswith("you do n't know") and "?" in low:
                continue
            return sent.start, sent.end, 0.8, f"rule: pushback {why}"
    for k in range(len(low) - 2):
        if low[k] == "your" and low[k + 1] in CONTEMPT and low[k + 2] in WORKER_THINGS:
            return sent.start, sent.end, 0.8, f"rule: contempt 'your {low[k + 1]} {low[k + 2]}'"
    return None


def _about_self(doc: Doc, end: int) -> bool:
    """The words after 'I'm worried (that)' are about the speaker ('I've left...', 'I'll be late')."""
    k = end + 1 if end < len(doc) and doc[end].lower_ == "that" else end
    return k < len(doc) and doc[k].lower_ == "i"


class SyntaxCues:
    """Questions by form, second-person statements, modal obligation, first-person worry, scales and numbers."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add(
            "modal_obligation",
            [
                [{"LOWER": {"IN": ["need", "needs", "have", "has", "got"]}}, {"LOWER": "to"}],
                [{"LOWER": {"IN": ["must", "mustn't", "should", "shouldn't"]}}],
            ],
        )
        self.matcher.add(
            "worry",
            [
                [
                    {"LOWER": {"IN": ["i", "we"]}},
                    {
                        "LOWER": {"IN": ["'m", "am", "'re", "are", "was", "remain", "still", "really", "do", "feel"]},
                        "OP": "+",
                    },
                    {"LOWER": {"IN": ["worried", "concerned", "worry", "anxious"]}},
                ],
                [{"LOWER": "my"}, {"LOWER": {"IN": ["worry", "concern"]}}],
                [{"LOWER": "what"}, {"LOWER": "worries"}, {"LOWER": {"IN": ["me", "us"]}}],
            ],
        )
        self.matcher.add(
            "scale",
            [
                [{"LOWER": "on"}, {"LOWER": "a"}, {"LOWER": "scale"}],
                [
                    {"LOWER": {"IN": ["0", "1", "zero", "one", "nought"]}},
                    {"LOWER": {"IN": ["to", "and", "-"]}},
                    {"LOWER": {"IN": ["10", "ten"]}},
                ],
                [{"LOWER": "out"}, {"LOWER": "of"}, {"LOWER": {"IN": ["10", "ten"]}}],
            ],
        )
        self.matcher.add(
            "second_person",
            [
                [
                    {"LOWER": {"IN": ["it", "that"]}},
                    {"LOWER": {"IN": ["sounds", "seems", "feels", "looks"]}},
                    {"LOWER": {"IN": ["like", "as"]}},
                ],
                [{"LOWER": "what"}, {"LOWER": "i"}, {"LOWER": {"IN": ["'m", "am"]}}, {"LOWER": "hearing"}],
            ],
        )

    def __call__(self, doc: Doc) -> Doc:
        cues = _group(doc, "cues")
        for sent in doc.sents:
            form, why = question_form(sent)
            if form:
                cues.append(
                    _span(
                        doc,
                        sent.start,
                        sent.end,
                        f"question_{form}",
                        0.8 if "?" in sent.text else 0.6,
                        f"rule: question form, {why}",
                    )
                )
            words = [t for t in sent if not (t.is_punct or t.is_space or t.lower_ in FILLER)]
            if not form and words and words[0].lower_ in {"you", "your"}:
                cues.append(
                    _span(
                        doc,
                        sent.start,
                        sent.end,
                        "second_person",
                        0.5,
                        "rule: second-person statement '" + " ".join(w.text for w in words[:2]) + "'",
                    )
                )
            pushback = discord(sent)
            if pushback is not None:
                a, b, score, why = pushback
                _group(doc, "pushback").append(_span(doc, a, b, "discord", score, why))
            found = judgement(sent)
            if found is not None:
                tag, a, b, score, why = found
                _group(doc, "judgements").append(_span(doc, a, b, tag, score, why))
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            if label == "worry" and _about_self(doc, end):
                continue  # "I'm worried I've left my lights on": the worker's own worry, not one about the child
            cues.append(_span(doc, start, end, label, 0.7, f"rule: {label.replace('_', ' ')} '{doc[start:end].text}'"))
        return doc


@Language.factory("coach_syntax_cues")
def make_syntax_cues(nlp: Language, name: str) -> SyntaxCues:
    return SyntaxCues(nlp, name)


def child_voice(sent: Span, perceive: bool = True) -> bool:
    """The child's own experience or voice in a sentence: the child (a name, he/she/they, 'the kids') is the subject
    of a verb of saying, seeing, feeling or wanting, or of a feeling word, or the wording takes the child's side
    (coach.nlp.fusion). With perceive=False, seeing or knowing alone does not count."""
    if fusion.takes_child_side(sent.text):
        return True
    for tok in sent:
        if tok.lower_ in fusion.CHILD_FEELINGS and tok.dep_ in {"acomp", "amod", "attr"}:
            tok = tok.head
        elif tok.lower_ not in fusion.CHILD_VIEW_FORMS or (not perceive and tok.lower_ in fusion.PERCEIVE_FORMS):
            continue
        for sub in tok.children:
            if sub.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            low = sub.lower_
            if low in {"he", "she", "they"} or low in fusion.CHILD_NOUNS:
                return True
            # a name: a proper noun, or a capitalised word inside the sentence (the tagger may call it a noun)
            if sub.pos_ == "PROPN" or (sub.text.istitle() and sub.i > sent.start and low not in {"i"}):
                return True
    return False
