"""The harm check: does a child's text suggest harm or risk, and of what kind?

It reads text the way children write it. Before anything is matched the text is *normalised*:

* invisible characters are removed (zero-width spaces and joiners, the soft hyphen, word
  joiners, direction marks, variation selectors), and the text is also tried with them read as
  spaces, so "ki\u200bll" and "hurts\u200bme" are both seen;
* case is folded, accents are taken off, full-width and other compatibility forms are
  unified (Unicode NFKC), and letters from other scripts that look like Latin ones (Cyrillic
  "а", Greek "ο" and so on) are read as the Latin letter;
* digits and symbols inside words are read as letters ("k1ll", "h@te"), apostrophes are
  dropped ("don't" -> "dont") and other punctuation separates words;
* runs of the same letter count once ("killlll", "pleeease"), so doubled letters never matter;
* text-speak, contractions and common misspellings are rewritten from the lexicon's spelling
  list ("dont" -> "do not", "im" -> "i am", "u" -> "you", "kms" -> "kill myself", "my self" ->
  "myself"), and a word one typing slip away from a long lexicon word is read as that word
  ("sucide" -> "suicide"); words run together are also tried apart ("killmyself").

Then phrases are matched *in context*, never single words: a lexicon pattern names who does
what to whom ("{someone} ~ hits me", "{dad} ~ hits {mum}"), negation that makes harm ("i do
not feel safe"), and context that undoes a match ("i hurt myself" but not "... on the slide";
"suicide" but not "a lesson about suicide"). A pattern can also ask for several parts within a
few words of each other in any wording ("{someone}", "{violence}", "me"), and filler words
("really", "just") are also tried without.

A learned second opinion (``harm_model``, a TF-IDF and logistic regression fitted on the
packaged corpus) also scores the normalised text: a text is urgent when the lexicon matches OR
the model's probability is above its threshold (then no category is named).

The lexicon is a data file, ``cyplan/data/harm_lexicon.yaml``, by category. This module
imports nothing from Django, so it can run anywhere (``cyplan voice check`` uses it).

Example:
    >>> check("i dont feel safe at home").urgent
    True
    >>> check("the bus is killing me its so slow").urgent
    False
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from cyplan.voice import harm_model

LEXICON_FILE = Path(__file__).resolve().parent.parent / "data" / "harm_lexicon.yaml"

#: Characters that show nothing but can split a word (format characters and their like).
_INVISIBLE_EXTRA = {
    "\u034f",  # combining grapheme joiner
    "\u115f",
    "\u1160",
    "\u3164",  # Hangul fillers
    "\uffa0",
    "\u2800",  # braille blank
}

#: Letters of other scripts that look like Latin letters, read as the Latin letter.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "г": "r",
        "е": "e",
        "ё": "e",
        "з": "3",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "п": "n",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "ў": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "һ": "h",
        "ь": "b",
        "ы": "bi",
        "ш": "w",
        "щ": "w",
        "и": "u",
        "л": "n",
        "д": "d",
        # Greek
        "α": "a",
        "β": "b",
        "γ": "y",
        "δ": "d",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "σ": "o",
        "ς": "c",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "μ": "u",
        # Latin look-alikes NFKD does not take apart
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ɑ": "a",
        "ɡ": "g",
        "ʀ": "r",
    }
)

#: Digits and symbols read as letters when they sit inside a word with letters ("k1ll").
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "8": "ate",
    }
)

_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)")
_WORD = re.compile(r"[a-z0-9@$!]+|\.")
_REPEATS = re.compile(r"([a-z])\1+")


def _is_invisible(char: str) -> bool:
    return (
        unicodedata.category(char) == "Cf"
        or char in _INVISIBLE_EXTRA
        or ("\ufe00" <= char <= "\ufe0f")
    )


def collapse(word: str) -> str:
    """A word with each run of one letter counted once: 'killll' and 'kill' -> 'kil'."""
    return _REPEATS.sub(r"\1", word)


def _fold(text: str) -> str:
    """Case, accents, compatibility forms and look-alike letters folded to plain Latin."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_CONFUSABLES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.translate(_CONFUSABLES)


def _raw_words(text: str) -> list[str]:
    """Words (and '.' for a sentence end) of folded text, apostrophes dropped."""
    text = re.sub(r"(?<=[a-z])['\u2019\u2018`´](?=[a-z])", "", text)
    text = _SENTENCE_END.sub(" . ", text)
    words = []
    for word in _WORD.findall(text):
        if word == ".":
            words.append(word)
            continue
        if re.search(r"[a-z]", word) and re.search(r"[0-9@$!]", word):
            word = word.rstrip("!")
            word = word if word in _lexicon().spellings else word.translate(_LEET)
        word = word.replace("!", "").replace("$", "s").replace("@", "a")
        if word:
            words.append(word)
    return words


@dataclass(frozen=True)
class Match:
    """One lexicon pattern found in a text: its category and the (normalised) words matched."""

    category: str
    phrase: str
    pattern: str


@dataclass(frozen=True)
class HarmResult:
    """Whether a text is urgent, the categories matched (lexicon order) and what matched."""

    urgent: bool
    categories: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    # The learned second opinion's probability (``harm_model``); above its threshold the text
    # is urgent even when no lexicon phrase matched.
    model: float = 0.0

    @property
    def by_model(self) -> bool:
        """True when the model alone made the text urgent (no lexicon phrase matched)."""
        return self.urgent and not self.matches

    def as_dict(self, explain: bool = False) -> dict:
        data: dict = {"urgent": self.urgent, "categories": list(self.categories)}
        if explain:
            data["matches"] = [
                {"category": m.category, "phrase": m.phrase, "pattern": m.pattern}
                for m in self.matches
            ]
            data["model"] = round(self.model, 3)
        return data


# --- the lexicon -----------------------------------------------------------------------------


class LexiconError(ValueError):
    """The lexicon file is not valid (the message says where)."""


@dataclass
class _Pattern:
    category: str
    source: str
    regex: re.Pattern[str]
    unless_before: re.Pattern[str] | None
    unless_after: re.Pattern[str] | None
    #: For an ``all_of`` pattern: its parts, found in any order within ``within`` words.
    parts: list[re.Pattern[str]] = field(default_factory=list)
    within: int = 0
    ordered: bool = False
    unless_near: re.Pattern[str] | None = None


@dataclass
class _Lexicon:
    categories: dict[str, str]
    patterns: list[_Pattern]
    spellings: dict[str, list[str]]
    joins: dict[tuple[str, ...], str]
    vocabulary: set[str]
    fuzzy_targets: dict[str, set[str]]
    known_words: set[str]
    fillers: set[str] = field(default_factory=set)
    #: Frames ("a film about", "we learnt about") that make the words after them a topic.
    frame: re.Pattern[str] | None = None
    frame_within: int = 0
    #: Words that say the child speaks of their own life after all ("me", "my", "realised").
    frame_own: re.Pattern[str] | None = None
    #: Stems of ``word*`` patterns: a word starting with one is never "corrected".
    stems: tuple[str, ...] = ()


_TOKEN = re.compile(r"\(|\)\??|\||~\d*|\{[a-z_]+\}\??|[a-z0-9']+\*?")
_GAP_WORD = r"(?:[a-z0-9]+ )"


class _Compiler:
    """Turns the lexicon's pattern language into regular expressions over normalised text.

    Words are literal (a trailing ``*`` allows any ending); ``(a b|c)`` is a choice, ``(...)?``
    optional; ``{class}`` is any of a class's patterns; ``~`` skips up to 3 words (``~N``: N).
    """

    def __init__(self, classes: dict[str, list[str]], where: str):
        self.classes = classes
        self.where = where
        self.words: set[str] = set()
        #: Stems written with a trailing ``*`` ("slap*"): a word that starts with one is known.
        self.stems: set[str] = set()
        self._class_cache: dict[str, str] = {}
        self._stack: list[str] = []

    def compile(self, source: str) -> str:
        tokens = _TOKEN.findall(source.lower())
        if "".join(tokens) != re.sub(r"\s+", "", source.lower()):
            raise LexiconError(f"{self.where}: cannot read pattern {source!r}")
        regex, rest = self._sequence(tokens, source)
        if rest:
            raise LexiconError(f"{self.where}: unbalanced ')' in pattern {source!r}")
        return regex

    def _sequence(self, tokens: list[str], source: str) -> tuple[str, list[str]]:
        alternatives: list[str] = []
        current: list[str] = []
        while tokens:
            token = tokens[0]
            if token.startswith(")"):
                break
            tokens = tokens[1:]
            if token == "|":
                alternatives.append("".join(current))
                current = []
            elif token == "(":
                inner, tokens = self._sequence(tokens, source)
                if not tokens:
                    raise LexiconError(f"{self.where}: missing ')' in pattern {source!r}")
                close, tokens = tokens[0], tokens[1:]
                current.append(f"(?:{inner})" + ("?" if close == ")?" else ""))
            elif token.startswith("~"):
                most = int(token[1:]) if len(token) > 1 else 3
                current.append(f"{_GAP_WORD}{{0,{most}}}")
            elif token.startswith("{"):
                optional = token.endswith("?")
                regex = self._class(token.strip("{}?"))
                current.append(f"(?:{regex})?" if optional else regex)
            else:
                current.append(self._word(token))
        alternatives.append("".join(current))
        return "|".join(alternatives), tokens

    def _word(self, token: str) -> str:
        prefix = token.endswith("*")
        word = collapse(token.rstrip("*").replace("'", ""))
        self.words.add(word)
        if prefix and len(word) >= 3:
            self.stems.add(word)
        return re.escape(word) + ("[a-z]* " if prefix else " ")

    def _class(self, name: str) -> str:
        if name in self._class_cache:
            return self._class_cache[name]
        if name not in self.classes:
            raise LexiconError(f"{self.where}: unknown class {{{name}}}")
        if name in self._stack:
            raise LexiconError(f"{self.where}: class {{{name}}} refers to itself")
        self._stack.append(name)
        parts = [self.compile(p) for p in self.classes[name]]
        self._stack.pop()
        regex = "(?:" + "|".join(f"(?:{p})" for p in parts) + ")"
        self._class_cache[name] = regex
        return regex


def _deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_slip(a: str, b: str) -> bool:
    """True when a and b differ by one letter added, dropped, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key written twice in one mapping (YAML would silently keep
    the last one, so a second ``unless_after`` would throw the first away)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise LexiconError(f"line {line}: {key!r} written twice in one entry")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_lexicon(path: Path | str = LEXICON_FILE) -> _Lexicon:
    """Read and compile a lexicon file; a LexiconError names the first problem found."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except LexiconError as error:
        raise LexiconError(f"{path}: {error}") from None
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path}: {error}") from error
    if not isinstance(data, dict) or "categories" not in data:
        raise LexiconError(f"{path}: expected 'categories' (and 'classes', 'spellings')")
    classes = {str(k): [str(p) for p in v] for k, v in (data.get("classes") or {}).items()}
    compiler = _Compiler(classes, str(path))

    spellings: dict[str, list[str]] = {}
    joins: dict[tuple[str, ...], str] = {}
    for written, meant in (data.get("spellings") or {}).items():
        parts = [collapse(w) for w in str(written).lower().split()]
        target = str(meant).lower().split()
        if len(parts) == 1:
            spellings[parts[0]] = target
        else:
            joins[tuple(parts)] = " ".join(target)

    categories: dict[str, str] = {}
    patterns: list[_Pattern] = []
    for slug, spec in data["categories"].items():
        where = f"{path}: category {slug}"
        if not isinstance(spec, dict) or not spec.get("patterns"):
            raise LexiconError(f"{where}: needs a label and patterns")
        categories[slug] = str(spec.get("label", slug))
        for entry in spec["patterns"]:
            if isinstance(entry, str):
                entry = {"match": entry}
            if "all_of" in entry:
                patterns.append(_all_of(compiler, slug, entry, where))
                continue
            if "match" not in entry:
                raise LexiconError(f"{where}: an entry needs 'match' or 'all_of': {entry!r}")
            source = str(entry["match"])
            compiler.where = f"{where}: pattern {source!r}"
            regex = re.compile("(?<= )" + compiler.compile(source))
            before = entry.get("unless_before")
            after = entry.get("unless_after")
            near = entry.get("unless_near")
            patterns.append(
                _Pattern(
                    category=slug,
                    source=source,
                    regex=regex,
                    unless_before=re.compile(
                        "(?:^| )(?:" + compiler.compile(before) + r")(?:[a-z0-9]+ ){0,4}$"
                    )
                    if before
                    else None,
                    unless_after=re.compile(
                        "^(?:[a-z0-9]+ ){0,3}(?:" + compiler.compile(after) + ")"
                    )
                    if after
                    else None,
                    unless_near=re.compile("(?<= )(?:" + compiler.compile(near) + ")")
                    if near
                    else None,
                )
            )
    vocabulary = set(compiler.words)
    for target in spellings.values():
        vocabulary.update(collapse(w) for w in target)
    known = {collapse(w) for w in (data.get("known_words") or [])}
    fuzzy: dict[str, set[str]] = {}
    for word in vocabulary:
        if len(word) >= 6 and word.isalpha():
            for d in _deletes(word):
                fuzzy.setdefault(d, set()).add(word)
    fillers = {collapse(w) for w in (data.get("fillers") or [])}
    frame, frame_within, frame_own = _frames(compiler, data.get("topic_frames"), str(path))
    return _Lexicon(
        categories,
        patterns,
        spellings,
        joins,
        vocabulary,
        fuzzy,
        known | vocabulary,
        fillers,
        frame,
        frame_within,
        frame_own,
        tuple(sorted(compiler.stems)),
    )


def _frames(compiler: _Compiler, spec, where: str):
    """The lexicon's ``topic_frames``: ``match``, ``within`` N words and ``unless_own``."""
    if spec is None:
        return None, 0, None
    if not isinstance(spec, dict) or not {"match", "within", "unless_own"} <= set(spec):
        raise LexiconError(f"{where}: topic_frames needs 'match', 'within' and 'unless_own'")
    if not isinstance(spec["within"], int) or spec["within"] < 1:
        raise LexiconError(f"{where}: topic_frames: 'within' must be a whole number above 0")
    compiler.where = f"{where}: topic_frames"
    frame = re.compile("(?<= )(?:" + compiler.compile(str(spec["match"])) + ")")
    own = re.compile("(?<= )(?:" + compiler.compile(str(spec["unless_own"])) + ")")
    return frame, spec["within"], own


def _all_of(compiler: _Compiler, slug: str, entry: dict, where: str) -> _Pattern:
    """A pattern whose parts (any order) all occur within ``within`` words of each other."""
    sources = entry["all_of"]
    within = entry.get("within")
    if not isinstance(sources, list) or len(sources) < 2 or not isinstance(within, int):
        raise LexiconError(f"{where}: all_of needs a list of 2 or more patterns and 'within' N")
    source = " + ".join(str(p) for p in sources) + f" (within {within})"
    compiler.where = f"{where}: pattern {source!r}"
    parts = [re.compile("(?<= )" + compiler.compile(str(p))) for p in sources]
    near = entry.get("unless_near")
    return _Pattern(
        category=slug,
        source=source,
        regex=parts[0],
        unless_before=None,
        unless_after=None,
        parts=parts,
        within=within,
        ordered=bool(entry.get("ordered", False)),
        unless_near=re.compile("(?<= )(?:" + compiler.compile(near) + ")") if near else None,
    )


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return load_lexicon()


def categories() -> dict[str, str]:
    """Every category's slug and label, in the lexicon's order."""
    return dict(_lexicon().categories)


# --- normalising -----------------------------------------------------------------------------


def _correct(word: str, lexicon: _Lexicon) -> str:
    """A word one slip away from exactly one long lexicon word is read as that word."""
    if len(word) < 5 or word in lexicon.known_words or not word.isalpha():
        return word
    if word.startswith(lexicon.stems):
        return word  # "slapping" is a form of "slap*", not a slip for "sleeping"
    candidates = set()
    for d in _deletes(word):
        candidates |= lexicon.fuzzy_targets.get(d, set())
    found = sorted(c for c in candidates if _one_slip(word, c))
    return found[0] if len(found) == 1 else word


def _respell(words: list[tuple[str, str]], lexicon: _Lexicon, split: bool) -> list[tuple[str, str]]:
    """Spelling rewrites on (matched form, display form) pairs of words."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        for size in (3, 2):
            key = tuple(w for w, _ in words[i : i + size])
            if len(key) == size and key in lexicon.joins:
                out.extend(_pairs(lexicon.joins[key]))
                i += size
                break
        else:
            word, shown = words[i]
            i += 1
            if word in lexicon.spellings:
                out.extend(_pairs(" ".join(lexicon.spellings[word])))
                continue
            if split and len(word) >= 6 and word not in lexicon.known_words:
                halves = _split(word, lexicon)
                if halves:
                    out.extend((collapse(h), h) for h in halves)
                    continue
            corrected = _correct(word, lexicon)
            out.append((corrected, shown if corrected == word else corrected))
    return out


def _pairs(meant: str) -> list[tuple[str, str]]:
    return [(collapse(w), w) for w in meant.split()]


def _split(word: str, lexicon: _Lexicon) -> list[str] | None:
    """Words run together ('kilmyself', 'donotfelsafe'), split into known words."""

    def parts(rest: str, depth: int) -> list[str] | None:
        if not rest:
            return []
        if depth > 4:
            return None
        for end in range(len(rest), 0, -1):
            head = rest[:end]
            known = head in lexicon.spellings or head in lexicon.vocabulary
            if known and (len(head) > 1 or head in {"i"}):
                tail = parts(rest[end:], depth + 1)
                if tail is not None:
                    return [*lexicon.spellings.get(head, [head]), *tail]
        return None

    found = parts(word, 0)
    return found if found and len(found) > 1 else None


def _normalised_words(
    text: str, invisible_as_space: bool = False, split: bool = False
) -> list[tuple[str, str]]:
    lexicon = _lexicon()
    replacement = " " if invisible_as_space else ""
    text = "".join(replacement if _is_invisible(c) else c for c in text)
    words = [(collapse(w), w) for w in _raw_words(_fold(text))]
    # Spelling is applied twice so that a rewrite can feed a join ("me self" -> "my self").
    return _respell(_respell(words, lexicon, split), lexicon, False)


def normalise(text: str, invisible_as_space: bool = False, split: bool = False) -> str:
    """The text as the lexicon's patterns see it: plain words separated by single spaces.

    Doubled letters are written once ("kill" -> "kil"), so this form is for matching;
    ``check`` reports what matched in readable words.
    """
    return " ".join(w for w, _ in _normalised_words(text, invisible_as_space, split))


# --- checking --------------------------------------------------------------------------------


def _variants(text: str) -> list[list[tuple[str, str]]]:
    seen: list[list[tuple[str, str]]] = []
    for invisible_as_space in (False, True):
        for split in (False, True):
            variant = _normalised_words(text, invisible_as_space=invisible_as_space, split=split)
            if variant not in seen:
                seen.append(variant)
            # Words that only colour a sentence ("i do not REALLY want to be alive") are also
            # tried without, so that the lexicon's phrases need not list every adverb.
            lean = [pair for pair in variant if pair[0] not in _lexicon().fillers]
            if lean not in seen:
                seen.append(lean)
    return seen


def _window(pattern: _Pattern, padded: str, spaces: list[int]) -> tuple[int, int] | None:
    """The first word span holding every part of an ``all_of`` pattern, or None."""

    def words(start: int, end: int) -> tuple[int, int]:
        return bisect_left(spaces, start) - 1, bisect_left(spaces, end) - 1

    found = []
    for part in pattern.parts:
        spans = [words(m.start(), m.end()) for m in part.finditer(padded)]
        if not spans:
            return None
        found.append(spans)
    firsts = [[start for start, _ in spans] for spans in found]

    def search(index: int, chosen: list[tuple[int, int]]) -> tuple[int, int] | None:
        low, high = min(s for s, _ in chosen), max(e for _, e in chosen)
        if index == len(found):
            return low, high
        spans = found[index]
        lo = bisect_left(firsts[index], high - pattern.within - 1)
        hi = bisect_left(firsts[index], low + pattern.within + 1)
        for start, end in spans[lo:hi]:
            if any(start < e and s < end for s, e in chosen):
                continue  # each part needs words of its own
            if pattern.ordered and start < chosen[-1][1]:
                continue  # parts in the order written
            if max(high, end) - min(low, start) <= pattern.within:
                result = search(index + 1, [*chosen, (start, end)])
                if result:
                    return result
        return None

    for start, end in found[0]:
        span = search(1, [(start, end)])
        if span is None or _near(pattern, padded, *span):
            continue
        return span
    return None


def _near(pattern: _Pattern, padded: str, first: int, last: int) -> bool:
    """True when the pattern's ``unless_near`` is found within 5 words of words[first:last]."""
    if not pattern.unless_near:
        return False
    text_words = padded.split()
    around = " " + " ".join(text_words[max(0, first - 5) : last + 5]) + " "
    return bool(pattern.unless_near.search(around))


def _in_topic_frame(lexicon: _Lexicon, words: list[str], first: int, last: int) -> bool:
    """True when words[first:last] follow a topic frame ("a film about a boy whose dad hits
    him") in the same sentence, and nothing from the frame to the end of the match speaks of
    the child's own life ("... and my dad hits me", "... made me realise")."""
    if lexicon.frame is None:
        return False
    start = max(0, first - lexicon.frame_within)
    before = words[start:first]
    if "." in before:
        before = before[len(before) - before[::-1].index(".") :]
    text = " " + " ".join(before) + " "
    frames = list(lexicon.frame.finditer(text))
    if not frames:
        return False
    found = frames[-1]
    # The words from the end of the last frame through the match itself.
    tail = text[found.end() - 1 :] + " ".join(words[first:last]) + " "
    return not lexicon.frame_own.search(tail)


def check(text: str) -> HarmResult:
    """Whether a text suggests harm: urgent, the categories matched and the phrases matched.

    Any match makes the text urgent: it is for a safeguarding lead to read at once. The check
    never decides that a child is safe; it only decides how fast a person reads the words.
    """
    lexicon = _lexicon()
    matches: list[Match] = []
    seen: set[tuple[str, str]] = set()
    for variant in _variants(text or ""):
        padded = " " + "".join(w + " " for w, _ in variant)
        shown = [s for _, s in variant]
        plain = [w for w, _ in variant]
        spaces = [i for i, c in enumerate(padded) if c == " "]
        for pattern in lexicon.patterns:
            if pattern.parts:
                span = _window(pattern, padded, spaces)
                if span and not _in_topic_frame(lexicon, plain, *span):
                    phrase = " ".join(shown[span[0] : span[1]])
                    if (pattern.category, phrase) not in seen:
                        seen.add((pattern.category, phrase))
                        matches.append(Match(pattern.category, phrase, pattern.source))
                continue
            for found in pattern.regex.finditer(padded):
                if pattern.unless_before and pattern.unless_before.search(padded[: found.start()]):
                    continue
                if pattern.unless_after and pattern.unless_after.search(padded[found.end() :]):
                    continue
                first = bisect_left(spaces, found.start()) - 1
                last = bisect_left(spaces, found.end()) - 1
                if _in_topic_frame(lexicon, plain, first, last):
                    continue
                if _near(pattern, padded, first, last):
                    continue
                phrase = " ".join(shown[first:last])
                if (pattern.category, phrase) in seen:
                    continue
                seen.add((pattern.category, phrase))
                matches.append(Match(pattern.category, phrase, pattern.source))
    # A longer phrase holding a shorter one of the same category says nothing more.
    matches = [
        m
        for m in matches
        if not any(
            o.category == m.category and o.phrase != m.phrase and f" {o.phrase} " in f" {m.phrase} "
            for o in matches
        )
    ]
    order = list(lexicon.categories)
    matched = sorted({m.category for m in matches}, key=order.index)
    matches.sort(key=lambda m: order.index(m.category))
    probability = harm_model.score(normalise(text or ""))
    urgent = bool(matches) or probability > harm_model.THRESHOLD
    return HarmResult(urgent=urgent, categories=matched, matches=matches, model=probability)
