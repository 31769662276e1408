"""The harm check's learned second opinion: a text classifier trained on the corpus.

A word list does not reach new wording, so beside the lexicon a small model scores every text:
TF-IDF of word n-grams (1 and 2 words) and character n-grams (3 to 5 characters within words)
over the harm check's own normalised text, and a logistic regression with balanced classes.
A text is urgent when the lexicon matches OR the model's probability is above ``THRESHOLD``.

The training data are the corpus sets in ``cyplan/data/harm_corpus/`` (disclosures and
ordinary feedback, TSV). The model is fitted at first use (about 2 to 3 seconds) and kept for
the life of the process; nothing is pickled. The regularisation ``C`` and ``THRESHOLD`` were
chosen only by leave-one-set-out cross-validation over those sets (``bench/harm_model_cv.py``),
aiming at false alarms under about 7% on held-out sets; see ``docs/voice.md``.

This module imports nothing from Django.
"""

from __future__ import annotations

import threading
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "harm_corpus"
THRESHOLD = 0.6
C = 10.0

_lock = threading.Lock()
_model = None


def corpus_lines(path: Path) -> list[str]:
    """The lines of a corpus file, without comments (``#``) and blank lines."""
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def training_data(directory: Path = CORPUS_DIR) -> tuple[list[str], list[int]]:
    """Every text of the packaged corpus and its label (1 disclosure, 0 ordinary)."""
    texts: list[str] = []
    labels: list[int] = []
    for path in sorted(directory.glob("disclosures*.tsv")):
        for line in corpus_lines(path):
            texts.append(line.split("\t", 1)[1])
            labels.append(1)
    for path in sorted(directory.glob("ordinary*.tsv")):
        for line in corpus_lines(path):
            texts.append(line)
            labels.append(0)
    return texts, labels


def build(c: float = C):
    """An unfitted pipeline: word 1-2 and char_wb 3-5 TF-IDF, balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    return make_pipeline(
        make_union(words, chars),
        LogisticRegression(C=c, class_weight="balanced", max_iter=2000),
    )


def _fitted():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from cyplan.voice.harm_check import normalise

                texts, labels = training_data()
                _model = build().fit([normalise(t) for t in texts], labels)
    return _model


def score(normalised_text: str) -> float:
    """The model's probability (0 to 1) that a normalised text is a disclosure."""
    return float(_fitted().predict_proba([normalised_text])[0, 1])
