"""Pseudonymisation at the door: keyed, stable, and nothing identifying gets through."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

import pytest

from cyplan.analytics.returns import (
    PseudonymisationKeyError,
    Pseudonymiser,
    key_from_environment,
    read_annex_a,
    read_cin_census,
    read_ssda903,
)
from cyplan.analytics.returns.pseudonymise import (
    INSECURE_DEVELOPMENT_ONLY_KEY,
    KEY_VARIABLE,
    month_of_birth,
    postcode_district,
)

from .conftest import (
    FORMATS,
    KEY,
    TODAY,
    csv_rows,
    episode_row,
    header_row,
    string_cells,
    write_return,
)


def test_the_same_id_and_key_give_the_same_pseudonym():
    """Stable across instances, spellings and types; 32 hex characters."""
    first, second = Pseudonymiser(KEY), Pseudonymiser(KEY)
    assert first.child_id("123456") == second.child_id(" 123456 ") == second.child_id(123456)
    assert re.fullmatch(r"[0-9a-f]{32}", first.child_id("123456"))


def test_the_pseudonym_is_the_keyed_hmac_sha256():
    """Computed independently with the standard library's hmac module."""
    expected = hmac.new(KEY, b"child\x1fABC123", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymiser(KEY).child_id("abc123") == expected


def test_a_different_key_or_kind_of_id_gives_a_different_pseudonym():
    """Another key changes every pseudonym; a UPN never collides with an equal child id."""
    assert Pseudonymiser(KEY).child_id("123456") != Pseudonymiser(b"another key").child_id("123456")
    assert Pseudonymiser(KEY).upn("A123456789012") != Pseudonymiser(KEY).child_id("A123456789012")


def test_raw_identifiers_never_reach_the_903_tables(pseudonymiser):
    """No child id or UPN from the sample appears in any string cell, problem or skipped row."""
    folder = FORMATS / "ssda903"
    header = csv_rows(folder / "header.csv")
    children = {r["CHILD"] for r in header} | {
        r["CHILD"] for r in csv_rows(folder / "episodes.csv")
    }
    upns = {r["UPN"] for r in header}
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    cells = string_cells(result.tables)
    assert len(cells) > 50_000
    assert not (children | upns) & set(cells)  # short numeric ids: whole cells
    everything = "\n".join(cells)
    assert not [u for u in upns if u in everything]  # 13-character UPNs: anywhere at all
    shown = {p.value for p in result.problems} | {p.message for p in result.problems}
    assert not (children | upns) & shown


def test_raw_identifiers_never_reach_the_cin_and_annex_a_tables(pseudonymiser):
    """LAchildIDs, UPNs and Annex A ids are all replaced."""
    cin = FORMATS / "cin-census" / "fake_CIN_data.xml"
    raw = set(re.findall(r"<(?:LAchildID|UPN|FormerUPN)>([^<]+)<", cin.read_text()))
    result = read_cin_census(cin, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    assert raw and not raw & set(string_cells(result.tables))
    annex = read_annex_a(
        FORMATS / "annex-a" / "Annex_A_sample.xlsx",
        pseudonymiser=pseudonymiser,
        skip_invalid=True,
        today=TODAY,
    )
    ids = {str(v) for v in annex.tables["list_1"].column("child_id").to_pylist()}
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert "9212044" not in set(string_cells(annex.tables))  # the first child id in List 1


def test_postcodes_keep_only_the_district_and_dates_of_birth_only_the_month(
    tmp_path, pseudonymiser
):
    """BR1 3UH is kept as BR1; 14/07/2012 as 1 July 2012."""
    folder = write_return(tmp_path, [header_row("1", dob="14/07/2012")], [
        episode_row("1", HOME_POST="br1 3uh", PL_POST="EC1A1BB"),
    ])  # fmt: skip
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY)
    episode = result.tables["episodes"].to_pylist()[0]
    assert (episode["HOME_POST"], episode["PL_POST"]) == ("BR1", "EC1A")
    assert result.tables["header"].column("DOB").to_pylist() == [date(2012, 7, 1)]


def test_postcode_district_and_month_of_birth_helpers():
    """The scalar helpers agree with the rules."""
    assert postcode_district("BR1 3UH") == "BR1"
    assert postcode_district("SE12") == "SE12"
    assert postcode_district("W1A 0AX") == "W1A"
    assert postcode_district("nope") is None
    assert month_of_birth(date(2012, 2, 29)) == date(2012, 2, 1)


def test_production_without_a_key_is_an_error():
    """No key in production: a clear error naming the variable."""
    with pytest.raises(PseudonymisationKeyError, match=KEY_VARIABLE):
        key_from_environment(production=True, environ={})


def test_production_refuses_a_short_key():
    """A key of a few bytes is refused in production."""
    with pytest.raises(PseudonymisationKeyError, match="too short"):
        key_from_environment(production=True, environ={KEY_VARIABLE: "short"})


def test_development_without_a_key_warns_and_uses_the_named_development_key():
    """Outside production the insecure development key is used, with a warning."""
    with pytest.warns(UserWarning, match="INSECURE DEVELOPMENT-ONLY"):
        assert key_from_environment(production=False, environ={}) == INSECURE_DEVELOPMENT_ONLY_KEY


def test_hex_and_text_keys():
    """64 hex digits are decoded; anything else is used as text."""
    hex_key = "00ff" * 16
    assert key_from_environment(True, {KEY_VARIABLE: hex_key}) == bytes.fromhex(hex_key)
    assert key_from_environment(True, {KEY_VARIABLE: "correct horse battery staple"}) == (
        b"correct horse battery staple"
    )


def test_an_empty_key_or_identifier_is_refused():
    """Neither can be hashed meaningfully."""
    with pytest.raises(ValueError):
        Pseudonymiser(b"")
    with pytest.raises(ValueError):
        Pseudonymiser(KEY).child_id("  ")
