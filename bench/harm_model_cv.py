"""Leave-one-set-out cross-validation of the harm check's learned second opinion.

Sets: the development set and held-out sets 1 to 8 (nine groups, packaged in
``src/cyplan/data/harm_corpus``; held-out sets 9 and 10 are never read here). For each group, the model is
fitted on the other eight and scored on it. Recall and false alarms of the model alone (the
lexicon was widened with every one of these sets, so its own figures on them say nothing) are
reported at several thresholds and feature choices.

Run: PYTHONPATH=src .venv/bin/python bench/harm_model_cv.py
"""

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from cyplan.voice.harm_check import normalise

CORPUS = Path(__file__).resolve().parents[1] / "src" / "cyplan" / "data" / "harm_corpus"
SUFFIXES = ["", "_holdout", *[f"_holdout{n}" for n in range(2, 9)]]


def lines(path):
    return [
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]


def load():
    texts, labels, groups = [], [], []
    for g, suffix in enumerate(SUFFIXES):
        for ln in lines(CORPUS / f"disclosures{suffix}.tsv"):
            texts.append(ln.split("\t", 1)[1])
            labels.append(1)
            groups.append(g)
        for ln in lines(CORPUS / f"ordinary{suffix}.tsv"):
            texts.append(ln)
            labels.append(0)
            groups.append(g)
    return [normalise(t) for t in texts], np.array(labels), np.array(groups)


def build(C, char=(3, 5), word=(1, 2)):
    features = []
    if word:
        features.append(
            TfidfVectorizer(
                analyzer="word", ngram_range=word, sublinear_tf=True, token_pattern=r"\S+"
            )
        )
    if char:
        features.append(TfidfVectorizer(analyzer="char_wb", ngram_range=char, sublinear_tf=True))
    return make_pipeline(
        make_union(*features), LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    )


def main():
    texts, y, groups = load()
    texts = np.array(texts, dtype=object)
    for name, kwargs in [
        ("word1-2+char3-5 C=1", dict(C=1)),
        ("word1-2+char3-5 C=4", dict(C=4)),
        ("word1-2+char3-5 C=10", dict(C=10)),
        ("word1-2 only C=4", dict(C=4, char=None)),
        ("char3-5 only C=4", dict(C=4, word=None)),
    ]:
        probs = np.zeros(len(y))
        for g in np.unique(groups):
            test = groups == g
            model = build(**kwargs).fit(texts[~test], y[~test])
            probs[test] = model.predict_proba(texts[test])[:, 1]
        print(name)
        for t in (0.3, 0.4, 0.5, 0.6, 0.7):
            rec = [(probs[(groups == g) & (y == 1)] > t).mean() for g in np.unique(groups)]
            fa = [(probs[(groups == g) & (y == 0)] > t).mean() for g in np.unique(groups)]
            allr = (probs[y == 1] > t).mean()
            allf = (probs[y == 0] > t).mean()
            print(
                f"  t={t}: recall {allr:.3f} (folds {min(rec):.2f}-{max(rec):.2f})  false alarms {allf:.3f} (folds {min(fa):.2f}-{max(fa):.2f})"
            )


if __name__ == "__main__":
    main()
