"""Pseudonymisation at the door: identifiers are replaced before a table leaves a reader.

* Child identifiers, UPNs and other person identifiers become keyed HMAC-SHA256 digests,
  written as the first 32 hex characters (128 bits). The same identifier and key always give
  the same pseudonym, so a child can be linked across returns and years; without the key a
  pseudonym cannot be reversed or recomputed. The chance that two of a million different
  identifiers share a 128-bit pseudonym is about 1.5e-27: negligible, and far below the rate
  of keying errors in the source systems.
* Each kind of identifier is hashed in its own domain (``child``, ``upn``, ``adopter``...),
  so a UPN never produces the same pseudonym as a child id with the same characters.
* Names are never read. Postcodes keep only the district (outward code): "BR1 3UH" becomes
  "BR1". Dates of birth keep only the month (the first of the month), which is enough to
  know a child's age at 31 March to within the month.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Mapping
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

KEY_VARIABLE = "CYPLAN_PSEUDONYMISATION_KEY"

INSECURE_DEVELOPMENT_ONLY_KEY = b"cyplan INSECURE DEVELOPMENT-ONLY pseudonymisation key: never use"
"""Used only when no key is set outside production. Anyone can recompute its pseudonyms."""

MIN_PRODUCTION_KEY_BYTES = 16
PSEUDONYM_HEX_CHARS = 32
_CACHE_LIMIT = 2_000_000

_EXCEL_INTEGER = re.compile(r"^(\d+)\.0+$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?$")


class PseudonymisationKeyError(RuntimeError):
    """The pseudonymisation key is missing or unusable."""


class Pseudonymiser:
    """Replace identifiers with keyed pseudonyms (HMAC-SHA256, 32 hex characters)."""

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes | bytearray) or not key:
            raise ValueError("the pseudonymisation key must be non-empty bytes")
        block = 64  # SHA-256 block size; RFC 2104 HMAC with precomputed pads, for speed
        key = bytes(key)
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self._known: dict[str, tuple[pa.Array, pa.Array]] = {}

    def child_id(self, raw: str | int | float) -> str:
        """The pseudonym of a local authority child identifier."""
        return self.pseudonym("child", raw)

    def upn(self, raw: str) -> str:
        """The pseudonym of a Unique Pupil Number."""
        return self.pseudonym("upn", raw)

    def pseudonym(self, domain: str, raw: str | int | float) -> str:
        """The pseudonym of ``raw`` within ``domain`` (child, upn, adopter, family...)."""
        text = normalise_id(raw)
        if text is None:
            raise ValueError(f"cannot pseudonymise an empty {domain} identifier")
        return self.pseudonymise_array(pa.array([text], pa.string()), domain)[0].as_py()

    def pseudonymise_array(self, values: pa.Array | pa.ChunkedArray, domain: str) -> pa.Array:
        """Pseudonymise a column of identifiers; nulls and blanks stay null.

        Identifiers are compared trimmed and upper-cased, and ``12345.0`` (a spreadsheet
        artefact) means ``12345``. Each distinct identifier is hashed once and remembered,
        so the cost grows with the number of children, not the number of rows.
        """
        return self.pseudonymise_with_groups(values, domain)[0]

    def pseudonymise_with_groups(
        self, values: pa.Array | pa.ChunkedArray, domain: str
    ) -> tuple[pa.Array, np.ndarray]:
        """Pseudonyms, and a group number per row: equal for the same identifier, -1 if blank."""
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if not pa.types.is_string(values.type):
            values = values.cast(pa.string())
        encoded = pc.dictionary_encode(values)  # each distinct raw spelling once
        keys = pc.utf8_upper(pc.utf8_trim_whitespace(encoded.dictionary))
        keys = pc.replace_substring_regex(keys, r"^(\d+)\.0+$", r"\1")
        keys = pc.if_else(pc.equal(keys, ""), pa.scalar(None, pa.string()), keys)
        normalised = pc.dictionary_encode(keys)  # each distinct identifier once
        pseudonyms = self._lookup(domain, normalised.dictionary)
        groups = pc.take(normalised.indices, encoded.indices)
        out = pc.take(pseudonyms, groups)
        return out, groups.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    def _lookup(self, domain: str, keys: pa.Array) -> pa.Array:
        """Pseudonyms of distinct identifiers, hashing only those not seen before."""
        known_keys, known = self._known.get(domain, (pa.array([], pa.string()),) * 2)
        if not len(known_keys):
            fresh_values = self._hash_all(domain, keys)
            self._known[domain] = (keys, fresh_values)
            return fresh_values
        where = pc.index_in(keys, value_set=known_keys)
        new = pc.is_null(where)
        if not pc.any(new).as_py():
            return pc.take(known, where)
        fresh = keys.filter(new)
        fresh_values = self._hash_all(domain, fresh)
        if len(known_keys) + len(fresh) <= _CACHE_LIMIT:
            known_keys = pa.concat_arrays([known_keys, fresh])
            self._known[domain] = (known_keys, pa.concat_arrays([known, fresh_values]))
        out = pc.take(known, where.fill_null(0))
        return pc.replace_with_mask(out, new, fresh_values)

    def _hash_all(self, domain: str, keys: pa.Array) -> pa.Array:
        prefix = domain.encode() + b"\x1f"
        inner_copy, outer_copy = self._inner.copy, self._outer.copy
        out: list[str] = []
        append = out.append
        for key in keys.cast(pa.binary()).to_numpy(zero_copy_only=False).tolist():
            inner = inner_copy()
            inner.update(prefix + key)
            outer = outer_copy()
            outer.update(inner.digest())
            append(outer.hexdigest()[:PSEUDONYM_HEX_CHARS])
        return pa.array(out, pa.string())


def normalise_id(raw: object) -> str | None:
    """An identifier as text: ``12345.0`` (a float from a spreadsheet) becomes ``12345``."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if raw != raw:  # NaN
            return None
        if raw.is_integer():
            raw = int(raw)
    text = str(raw).strip().upper()
    if not text:
        return None
    match = _EXCEL_INTEGER.match(text)
    return match.group(1) if match else text


def key_from_environment(production: bool, environ: Mapping[str, str] | None = None) -> bytes:
    """The pseudonymisation key from ``CYPLAN_PSEUDONYMISATION_KEY`` (hex or plain text).

    A value made only of hex digits, of even length and at least 32 digits, is decoded as
    hex; anything else is used as UTF-8 text. In production a missing or short key (under
    16 bytes) is an error. Elsewhere a missing key gives ``INSECURE_DEVELOPMENT_ONLY_KEY``
    with a warning: its pseudonyms are reproducible by anyone.
    """
    env = os.environ if environ is None else environ
    text = env.get(KEY_VARIABLE, "").strip()
    if not text:
        if production:
            raise PseudonymisationKeyError(
                f"{KEY_VARIABLE} is not set. In production cyplan refuses to read children's "
                "data without a secret pseudonymisation key. Generate one with "
                '`python -c "import secrets; print(secrets.token_hex(32))"`, keep it in '
                f"your secret store and set {KEY_VARIABLE}; keep it stable, or pseudonyms "
                "will no longer link across imports."
            )
        warnings.warn(
            f"{KEY_VARIABLE} is not set: using the INSECURE DEVELOPMENT-ONLY key. "
            "Never load real children's data like this.",
            stacklevel=2,
        )
        return INSECURE_DEVELOPMENT_ONLY_KEY
    if len(text) >= 32 and len(text) % 2 == 0 and _HEX.match(text):
        key = bytes.fromhex(text)
    else:
        key = text.encode("utf-8")
    if production and len(key) < MIN_PRODUCTION_KEY_BYTES:
        raise PseudonymisationKeyError(
            f"{KEY_VARIABLE} is too short ({len(key)} bytes); production needs at least "
            f"{MIN_PRODUCTION_KEY_BYTES} bytes, for example 64 hex digits."
        )
    return key


def postcode_district(raw: str | None) -> str | None:
    """The outward code (district) of a UK postcode, or None if it is not one.

    "BR1 3UH" -> "BR1"; "ec1a1bb" -> "EC1A"; an outward code alone ("SE12") is kept.
    """
    if raw is None:
        return None
    match = _POSTCODE.match(re.sub(r"\s+", "", str(raw)).upper())
    return match.group(1) if match else None


def month_of_birth(day: date) -> date:
    """The first day of the month of ``day``: what is kept of a date of birth."""
    return day.replace(day=1)
