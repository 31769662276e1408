"""A first, automatic look at feedback for words that may mean a child is being harmed.

It is deliberately cautious: it flags for a person to read, it never decides. A match sends
the item straight to the safeguarding leads (hidden from everyone else) so that a
disclosure does not wait for a moderator. False alarms are cleared by a lead.

Example:
    >>> harm_signals("Someone at home hurts me when mum is out")
    ['hurts me']
    >>> harm_signals("The youth club closed and there is nowhere to go")
    []
"""

from __future__ import annotations

import re

#: Phrases (lower case, matched as whole words) that suggest harm, abuse or risk to life.
HARM_PHRASES = (
    "hurts me",
    "hurt me",
    "hurting me",
    "hits me",
    "hit me",
    "hitting me",
    "beats me",
    "beat me",
    "beat me up",
    "kicks me",
    "punches me",
    "chokes me",
    "burns me",
    "touches me",
    "touched me",
    "touching me",
    "abuse",
    "abused",
    "abusing",
    "rape",
    "raped",
    "groomed",
    "grooming",
    "sexual",
    "naked pictures",
    "nudes",
    "kill myself",
    "killing myself",
    "end my life",
    "want to die",
    "suicide",
    "suicidal",
    "self harm",
    "self-harm",
    "self harming",
    "cut myself",
    "cutting myself",
    "not safe at home",
    "unsafe at home",
    "scared to go home",
    "afraid to go home",
    "scared of my dad",
    "scared of my mum",
    "scared of my stepdad",
    "locked in",
    "no food at home",
    "threatened me",
    "threatens me",
    "knife",
    "gang",
    "exploited",
    "made to carry",
)


def _pattern(phrases) -> re.Pattern[str]:
    words = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


_DEFAULT = _pattern(HARM_PHRASES)


def harm_signals(text: str, extra_phrases=()) -> list[str]:
    """The harm phrases found in a text, in the order they first appear (each once)."""
    pattern = _pattern((*HARM_PHRASES, *extra_phrases)) if extra_phrases else _DEFAULT
    found: list[str] = []
    for match in pattern.finditer(text.replace("\u2019", "'")):
        phrase = " ".join(match.group(0).lower().split())
        if phrase not in found:
            found.append(phrase)
    return found
