"""The harm check reads like a child writes: corpus recall and false alarms, normalisation,
context, the lexicon file, and ``cyplan voice check``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cyplan.voice import harm_check, harm_model
from cyplan.voice.harm_check import LexiconError, check, load_lexicon, normalise
from cyplan.voice.harm_words import harm_signals

# The development set and held-out sets 1 to 8 train the learned model, so they live in the
# package; held-out sets 9 and 10 never train or tune anything and stay here.
PACKAGED = harm_model.CORPUS_DIR
CORPUS = Path(__file__).parent / "harm_corpus"


def _lines(name):
    folder = CORPUS if (CORPUS / name).exists() else PACKAGED
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def _disclosures(name):
    return [tuple(line.split("\t", 1)) for line in _lines(name)]


def _rates(suffix=""):
    disclosures = _disclosures(f"disclosures{suffix}.tsv")
    ordinary = list(_lines(f"ordinary{suffix}.tsv"))
    missed = [text for _, text in disclosures if not check(text).urgent]
    alarms = [text for text in ordinary if check(text).urgent]
    return disclosures, ordinary, missed, alarms


# Near-misses among the tests below that the learned model (not the lexicon) scores above its
# threshold. They were found after set 10 was measured and are left as they are rather than
# tuned away (that would make set 10's figures optimistic); docs/voice.md lists them.
MODEL_FALSE_ALARMS = {
    "my dad will kill me if he sees my maths mark",
    "i hurt myself on the slide",
}

HELD_OUT = (
    "_holdout",
    "_holdout2",
    "_holdout3",
    "_holdout4",
    "_holdout5",
    "_holdout6",
    "_holdout7",
    "_holdout8",
)


def test_the_corpus_is_as_big_as_the_issue_asks():
    """At least 200 disclosures, every category among them, and 200 ordinary pieces of feedback."""
    suffixes = ("", *HELD_OUT, "_holdout9", "_holdout10")
    disclosures = [d for s in suffixes for d in _disclosures(f"disclosures{s}.tsv")]
    ordinary = [o for s in suffixes for o in _lines(f"ordinary{s}.tsv")]
    assert len(disclosures) >= 200 and len(ordinary) >= 200
    assert {category for category, _ in disclosures} == set(harm_check.categories())


@pytest.mark.parametrize("suffix", ["", *HELD_OUT])
def test_recall_above_95_and_false_alarms_below_10_percent(suffix):
    """The development corpus, and the held-out sets 1 to 8 once each had been measured and
    then used to widen the lexicon: recall > 95% and false alarms < 10% (docs/voice.md)."""
    disclosures, ordinary, missed, alarms = _rates(suffix)
    recall = 1 - len(missed) / len(disclosures)
    false_alarms = len(alarms) / len(ordinary)
    assert recall > 0.95, missed
    assert false_alarms < 0.10, alarms


def _lexicon_only_misses(disclosures):
    return [text for _, text in disclosures if not check(text).matches]


def test_held_out_set_9_never_tuned_on():
    """Held-out set 9 was written after the lexicon's last change and measured once with the
    lexicon alone: 40 of 64 disclosures (62.5%), 0 of 61 ordinary items. The learned model's
    features and threshold were then chosen by cross-validation over sets 1 to 8 only, and set
    9 measured once with lexicon or model: 58 of 64 (90.6%), 4 of 61 (6.6%). Neither figure
    may get worse; set 9 never trains or tunes anything."""
    disclosures, ordinary, missed, alarms = _rates("_holdout9")
    assert (len(disclosures), len(ordinary)) == (64, 61)
    assert len(_lexicon_only_misses(disclosures)) <= 24  # 24 / 64 missed: lexicon 62.5%
    assert len(missed) <= 6, missed  # 6 / 64 = 9.4% missed, recall 90.6%
    assert len(alarms) <= 4, alarms  # 4 / 61 = 6.6% false alarms


def test_held_out_set_10_written_after_the_model():
    """Held-out set 10 was written after the model was in place (third helper, 20:12 UTC) and
    measured once: lexicon alone 50 of 64 (78.1%) and 2 of 61 false alarms; lexicon or model
    62 of 64 (96.9%) and 3 of 61 (4.9%). It never trains or tunes anything."""
    disclosures, ordinary, missed, alarms = _rates("_holdout10")
    assert (len(disclosures), len(ordinary)) == (64, 61)
    assert {category for category, _ in disclosures} == set(harm_check.categories())
    assert len(_lexicon_only_misses(disclosures)) <= 14  # 14 / 64 missed: lexicon 78.1%
    assert len(missed) <= 2, missed  # 2 / 64 = 3.1% missed, recall 96.9%
    assert len(alarms) <= 3, alarms  # 3 / 61 = 4.9% false alarms


def test_the_model_is_trained_on_the_packaged_sets_only():
    """The model's training data are the development set and held-out sets 1 to 8 (in the
    package), never sets 9 or 10, and every line of them is used once with its label."""
    texts, labels = harm_model.training_data()
    disclosures = [t for s in ("", *HELD_OUT) for _, t in _disclosures(f"disclosures{s}.tsv")]
    ordinary = [t for s in ("", *HELD_OUT) for t in _lines(f"ordinary{s}.tsv")]
    assert sorted(zip(texts, labels, strict=True)) == sorted(
        [(t, 1) for t in disclosures] + [(t, 0) for t in ordinary]
    )
    held_out = {
        t for s in ("_holdout9", "_holdout10") for _, t in _disclosures(f"disclosures{s}.tsv")
    }
    assert not held_out & set(texts)
    assert not list(PACKAGED.glob("*holdout9*")) and not list(PACKAGED.glob("*holdout10*"))


@pytest.mark.parametrize(
    "text",
    [
        # Written for this test; no lexicon phrase matches them.
        "my uncle keeps coming in my room at night and i cant sleep",
        "my stepdad locks the fridge and i go days without eating",
        "a lady on instagram offered me money to meet her",
    ],
)
def test_the_model_finds_what_the_lexicon_misses(text):
    """A text the lexicon does not match is urgent when the model scores it above the
    threshold; the result names no category and harm_signals says the model found it."""
    result = check(text)
    assert result.matches == [] and result.categories == []
    assert result.model > harm_model.THRESHOLD and result.urgent and result.by_model
    assert harm_signals(text) == [f"learned model (score {result.model:.2f})"]


def test_explain_gives_the_model_score(capsys):
    """--json --explain adds the model's probability; plain output says when only it matched."""
    call_command("voice", "check", "our teacher is really kind", "--json", "--explain")
    data = json.loads(capsys.readouterr().out)
    assert data["urgent"] is False and 0 <= data["model"] < harm_model.THRESHOLD
    call_command("voice", "check", "a lady on instagram offered me money to meet her")
    assert "no lexicon phrase matched; the learned model scores it" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    [
        # Written for these tests (not in the corpus): one per phrase family added.
        "everyone at home would be happier if i was not around",
        "honestly why should i keep on living",
        "i swallowed a handful of my dads pills",
        "my nan walks in when i am in the shower and will not leave",
        "my stepdad says it is all my fault that mum drinks",
        "my parents stopped talking to me for weeks",
        "he will not let my mum see her family or have her own money",
        "most nights i go to bed hungry",
        "the olders have got me dealing outside the station",
        "a group of them wait for me after school to beat me up",
        "i pushed my drawers against the door so he cant get in",
        "my cousin pulled a knife and said he would use it on me",
        "everyone at home would be less stressed if i was not around",
        "i bang my head on the wall until it bruises",
        "my stepmum says i am the bad child",
        "he messages me every night and says he knows where i live",
        "i need to get away from my stepdad",
        "i heard him slapping her again",  # 'slapping' was read as 'sleeping'
    ],
)
def test_phrase_families_added_after_sets_5_to_8(text):
    """Each family of wording that held-out sets 5 to 8 missed, in new words."""
    assert check(text).urgent, normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        # Near-misses these rules must leave alone (each was urgent before them).
        "i cut myself shaving this morning",
        "my dad will kill me if he sees my maths mark",
        "my baby brother bit me when i took his dummy",
        "in the water fight i got hit in the eye",
        "i was picked on in year 6 but it stopped",
        "i told my mate a secret about my crush",
        "there is no food bank near here",
        "i got kicked out of the chat for spamming",
        "i got hit in the face in a snowball fight",
        "we did a sponsored run for a domestic abuse charity",
        "i need to stay away from my brother because he has flu",
    ],
)
def test_accidents_play_hyperbole_and_resolved_past_are_not_urgent(text):
    """Accidents, play with a younger child, sayings and things that are over are ordinary:
    no lexicon phrase matches, and the text is not urgent unless it is one of the model's
    known false alarms (measured, not tuned away: see MODEL_FALSE_ALARMS)."""
    result = check(text)
    assert result.matches == [], [m.phrase for m in result.matches]
    assert result.urgent == (text in MODEL_FALSE_ALARMS), result.model


def test_topic_frames_undo_third_person_but_not_the_childs_own_life():
    """'a book about a boy whose mum hits him' is a topic; the same frame with the child's own
    life after it ('... and my mum hits me too') is still urgent."""
    assert not check("we read a book about a girl whose dad beats her").urgent
    assert not check("in english we learnt about a boy whose stepdad hits his mum").urgent
    assert check("we read a book about a girl whose dad beats her and my dad beats me").urgent
    assert check("the assembly about abuse made me realise my uncle touches me").urgent
    # Outside a frame the same third-person words are urgent (harm to someone else counts).
    assert check("my friends dad beats her").urgent


def test_unless_near_works_on_plain_patterns_and_duplicate_keys_are_refused(tmp_path):
    """A plain 'match' entry honours 'unless_near'; a key written twice in one entry is an
    error naming its line (YAML alone would keep only the last one)."""
    lexicon = tmp_path / "near.yaml"
    lexicon.write_text(
        "categories:\n  x:\n    label: X\n    patterns:\n"
        "      - match: hits me\n        unless_near: (pillow|cushion)\n"
    )
    compiled = load_lexicon(lexicon)
    pattern = compiled.patterns[0]
    assert pattern.unless_near.search(" a cushion ")
    twice = tmp_path / "twice.yaml"
    twice.write_text(
        "categories:\n  x:\n    label: X\n    patterns:\n"
        "      - match: hits me\n        unless_after: lol\n        unless_after: haha\n"
    )
    with pytest.raises(LexiconError, match="line 7: 'unless_after' written twice"):
        load_lexicon(twice)
    frames = tmp_path / "frames.yaml"
    frames.write_text(
        "topic_frames: {match: film about}\ncategories:\n  x:\n"
        "    label: X\n    patterns: [hits me]\n"
    )
    with pytest.raises(LexiconError, match="topic_frames needs"):
        load_lexicon(frames)


def test_most_disclosures_find_their_own_category():
    """The category written beside a disclosure is among those matched for 90% of them."""
    disclosures = _disclosures("disclosures.tsv")
    right = [text for category, text in disclosures if category in check(text).categories]
    assert len(right) / len(disclosures) >= 0.90


@pytest.mark.parametrize(
    "text",
    [
        "i dont feel safe at home and sometimes i hurt myself when they shout",
        "i hurt myself",
        "I dont want to live",
        "my dad hits my mum",
        "makes me do things… says not to tell",
        "i get hit at home",
        "locks me in my room",
        "i want to kill my self",
        "ki\u200bll my\u00adself",  # zero-width space and soft hyphen inside words
        "kill\u200bmyself",  # a zero-width space between words
        "my dad h\u0456ts me",  # Cyrillic i
        "\u0456 w\u0430nt t\u043e d\u0456\u0435",  # Cyrillic i, a, o, e
        "I DONT FEEL SAFE",
        "i wanna diiiiie",
        "k1ll mys3lf",
        "kms",
        "my step dad hurtz me",
        "i want to kïll mysélf",  # accents
        "ｋｉｌｌ ｍｙｓｅｌｆ",  # full-width letters
    ],
)
def test_finding_1_and_disguised_words_are_urgent(text):
    """Every example of the issue's finding 1, and words disguised as the finding describes."""
    assert check(text).urgent, normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        "the bus is killing me it's so slow",
        "I hurt my knee at football",
        "the film about abuse at school was good",
        "I feel safe at home",
        "my brother beat me at fifa",
        "i hurt myself on the slide",
        "we had a lesson about suicide prevention",
        "The youth club closed and there is nowhere to go",
        "Whitehits menu",
        "please help me find a job",
    ],
)
def test_near_misses_are_not_urgent(text):
    """Words of harm used about something else are not a disclosure: no lexicon phrase
    matches, and only the model's known false alarms are urgent."""
    result = check(text)
    assert result.matches == [], [m.phrase for m in result.matches]
    assert result.urgent == (text in MODEL_FALSE_ALARMS), result.model


def test_negation_and_third_person():
    """'I don't feel safe' is urgent where 'I feel safe' is not; harm to someone else counts."""
    assert check("I don't feel safe").categories == ["feeling-unsafe"]
    assert check("i feel safe").urgent is False
    assert "domestic-abuse" in check("he hits my mum when he is drunk").categories
    assert "bullying" in check("my friend is being bullied").categories


def test_normalisation():
    """Case, invisible characters, look-alikes, repeats and text-speak fold to plain words."""
    assert normalise("I DON'T feel SAFE") == normalise("i dont feel safe")
    assert normalise("i dont feel safe") == "i do not fel safe"  # doubled letters count once
    assert normalise("h\u00adu\u200brts") == normalise("hurts")
    assert normalise("\u0440\u0430\u0441\u0435") == "pace"  # all four letters Cyrillic
    assert normalise("im scared of my self") == "i am scared of myself"
    assert normalise("u r") == "you are"
    # A form of a 'word*' stem is never "corrected" to another lexicon word (it was:
    # 'slapping' -> 'slaping' is one letter from 'sleping', so it became 'sleeping').
    assert normalise("slapping") == "slaping"


def test_result_says_what_matched_for_staff():
    """The result lists the categories in lexicon order and the readable words matched."""
    result = check("i wanna kms and my dad hits me")
    assert result.urgent
    assert result.categories == ["self-harm-suicide", "physical-abuse"]
    assert [m.phrase for m in result.matches] == ["kill myself", "my dad hits me"]
    assert result.as_dict() == {
        "urgent": True,
        "categories": ["self-harm-suicide", "physical-abuse"],
    }


def test_harm_signals_keeps_its_name_and_signature():
    """The submission path's function still answers, now from the harm check."""
    assert harm_signals("My stepdad hits me") == ["my stepdad hits me"]
    assert harm_signals("i want to kill my self") == ["kill myself"]
    assert harm_signals("The youth club closed and there is nowhere to go") == []
    assert harm_signals("the purple dinosaur ate me", extra_phrases=["purple dinosaur"]) == [
        "purple dinosaur"
    ]


def test_the_lexicon_file_has_every_category_and_bad_files_are_refused(tmp_path):
    """Nine categories as the issue lists them; an unknown class or bad pattern is named."""
    assert list(harm_check.categories()) == [
        "self-harm-suicide",
        "physical-abuse",
        "sexual-abuse",
        "emotional-abuse",
        "domestic-abuse",
        "neglect",
        "exploitation-grooming",
        "bullying",
        "feeling-unsafe",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  x:\n    label: X\n    patterns: ['{nope} me']\n")
    with pytest.raises(LexiconError, match=r"unknown class \{nope\}"):
        load_lexicon(bad)
    bad.write_text("categories:\n  x:\n    label: X\n    patterns: ['(hits me']\n")
    with pytest.raises(LexiconError, match="missing '\\)'"):
        load_lexicon(bad)


def test_the_check_never_imports_django():
    """The harm check runs in a fresh interpreter without loading Django."""
    code = (
        "import sys; from cyplan.voice.harm_check import check; "
        "assert check('i hurt myself').urgent; assert 'django' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_cli_check_text(capsys):
    """`cyplan voice check TEXT --json` prints the contract's object; plain output says why."""
    call_command("voice", "check", "my dad hits my mum", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "urgent": True,
        "categories": ["domestic-abuse"],
    }
    call_command("voice", "check", "the bus is killing me")
    assert capsys.readouterr().out.startswith("not urgent")
    call_command("voice", "check", "i hurt myself")
    assert "'hurt myself'" in capsys.readouterr().out


def test_cli_check_file_one_object_a_line_in_order(tmp_path, capsys):
    """Each line of the file gives one JSON object, in order, blank lines included."""
    path = tmp_path / "lines.txt"
    path.write_text("i want to kill my self\nthe park is nice\n\nmy dad hits my mum\n", "utf-8")
    call_command("voice", "check", "--file", str(path), "--json")
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        {"urgent": True, "categories": ["self-harm-suicide"]},
        {"urgent": False, "categories": []},
        {"urgent": False, "categories": []},
        {"urgent": True, "categories": ["domestic-abuse"]},
    ]


def test_cli_refuses_bad_input(tmp_path):
    """No text and no file, a missing file, and a file that is not UTF-8 get clear errors."""
    with pytest.raises(CommandError, match="give a TEXT or --file"):
        call_command("voice", "check")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("voice", "check", "--file", str(tmp_path / "missing.txt"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(CommandError, match="line 2: not UTF-8"):
        call_command("voice", "check", "--file", str(latin))


def test_cli_help_has_an_example():
    """`cyplan voice check --help` shows an example."""
    cyplan_bin = Path(sys.executable).parent / "cyplan"
    done = subprocess.run(
        [str(cyplan_bin), "voice", "check", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert 'cyplan voice check "' in done.stdout and "--file" in done.stdout
