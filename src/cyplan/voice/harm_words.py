"""A first, automatic look at feedback for words that may mean a child is being harmed.

The submission path calls ``harm_signals``; it now delegates to the harm check
(``cyplan.voice.harm_check``), which normalises the text the way children write and matches
the lexicon's phrases in context (``cyplan/data/harm_lexicon.yaml``). A match sets urgency:
the item is for a safeguarding lead to read at once. It never decides that a child is safe.

Example:
    >>> harm_signals("Someone at home hurts me when mum is out")
    ['someone at home hurts me', 'hurts me when']
    >>> harm_signals("The youth club closed and there is nowhere to go")
    []
"""

from __future__ import annotations

import re

from cyplan.voice.harm_check import check


def _pattern(phrases) -> re.Pattern[str]:
    words = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


def harm_signals(text: str, extra_phrases=()) -> list[str]:
    """What the harm check found in a text (each once), then any ``extra_phrases`` found.

    Each finding is the matched words, in readable form ("kill myself" for "kms"). The list
    is empty when the text does not look urgent.
    """
    found: list[str] = []
    result = check(text)
    for match in result.matches:
        if match.phrase not in found:
            found.append(match.phrase)
    if result.by_model:
        found.append(f"learned model (score {result.model:.2f})")
    if extra_phrases:
        for match in _pattern(extra_phrases).finditer(text.replace("\u2019", "'")):
            phrase = " ".join(match.group(0).lower().split())
            if phrase not in found:
                found.append(phrase)
    return found
