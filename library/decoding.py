"""Turn the bytes of a text file into a string, or refuse with a message the user can act on."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from library.errors import ImportRefused

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatches

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# C0 controls that never occur in text files (tab, LF, VT, FF, CR and ESC do: ESC for
# ANSI colours in logs). NUL is tested separately because one NUL is already damning.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_BINARY_SAMPLE = 64 * 1024
_MAX_CONTROL_SHARE = 0.05  # random bytes have ~11 % controls; text with ANSI colours ~1 %

# One well-formed UTF-8 multi-byte sequence (RFC 3629 table, no overlongs or surrogates).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)

# charset-normalizer decodes its whole input once per candidate encoding: a bounded
# sample keeps detection in the milliseconds whatever the file size.
_DETECT_SAMPLE = 32 * 1024
_UTF16_SNIFF = 4096

# charset-normalizer often ranks a rarer code page first on Western text (French in
# cp1252 comes out as cp1257 "naļve"); an encoding most legacy files actually use wins
# when its scores are close to the best ones.
_PREFERRED_LEGACY = ("cp1252",)
_CHAOS_TOLERANCE = 0.15
_COHERENCE_TOLERANCE = 0.02


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file's bytes, detecting UTF-8/16/32 (BOM) and legacy single-byte encodings.

    A BOM is stripped. Raise ImportRefused (message `"{name}: <reason>"`) for an empty or
    whitespace-only file, a binary file, or broken UTF-8 (mostly UTF-8 but with invalid
    bytes; the message gives the 0-based offset of the first one).
    """
    if not data:
        raise ImportRefused(f"{name}: the file is empty")
    text = _decode_with_bom(data, name)
    if text is None:
        text = _decode_bomless_utf16(data)
    if text is None:
        _refuse_binary(data, name)
        text = _decode_utf8_or_legacy(data, name)
    if not text.strip():
        raise ImportRefused(f"{name}: the file contains only whitespace")
    return text


def _decode_with_bom(data: bytes, name: str) -> str | None:
    """Decode data that starts with a Unicode BOM (BOM removed); None when there is no BOM."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise ImportRefused(
                    f"{name}: invalid {label} at byte {err.start + len(bom)}"
                ) from None
            if "\x00" in text:
                raise ImportRefused(f"{name}: looks like a binary file, not text")
            return text
    return None


def _decode_bomless_utf16(data: bytes) -> str | None:
    """Decode UTF-16 without a BOM, recognised by NULs on every other byte; None otherwise.

    Mostly-ASCII UTF-16 has a NUL as the high byte of nearly every character and nowhere
    else; binary formats scatter their NULs.
    """
    sample = data[:_UTF16_SNIFF]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return None
    even_nuls = sample[0 : 2 * half : 2].count(0)
    odd_nuls = sample[1 : 2 * half : 2].count(0)
    if odd_nuls >= half * 0.7 and even_nuls == 0:
        encoding = "utf-16-le"
    elif even_nuls >= half * 0.7 and odd_nuls == 0:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _refuse_binary(data: bytes, name: str) -> None:
    """Refuse data with NUL bytes or a high share of control bytes (images, archives…)."""
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in data or controls > len(sample) * _MAX_CONTROL_SHARE:
        raise ImportRefused(f"{name}: looks like a binary file, not text")


def _decode_utf8_or_legacy(data: bytes, name: str) -> str:
    """Decode as UTF-8 when valid; refuse broken UTF-8; otherwise detect a legacy encoding."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    if _mostly_utf8(data):
        raise ImportRefused(f"{name}: invalid UTF-8 at byte {first_bad}")
    return _decode_legacy(data, name)


def _mostly_utf8(data: bytes) -> bool:
    """Whether data that fails strict UTF-8 is still UTF-8 at heart (a few damaged bytes).

    Legacy text can contain a well-formed UTF-8 pair by accident (cp1251 "Пё" is CF B8),
    so one valid sequence is not proof: valid sequences must be at least as many as
    invalid ones.
    """
    if not _UTF8_MULTIBYTE.search(data):
        return False
    replaced = data.decode("utf-8", errors="replace")
    non_ascii = len(replaced) - len(replaced.encode("ascii", errors="ignore"))
    invalid = replaced.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return non_ascii - invalid >= invalid


def _decode_legacy(data: bytes, name: str) -> str:
    """Detect a legacy (non-Unicode) encoding on a sample with charset-normalizer and decode."""
    from charset_normalizer import from_bytes  # only legacy files pay for the import

    for encoding in _legacy_candidates(from_bytes(_detection_sample(data))):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportRefused(f"{name}: unknown text encoding (neither UTF-8 nor a known legacy one)")


def _detection_sample(data: bytes) -> bytes:
    """The first `_DETECT_SAMPLE` bytes, cut after a newline so no multi-byte character is split."""
    if len(data) <= _DETECT_SAMPLE:
        return data
    cut = data.rfind(b"\n", 0, _DETECT_SAMPLE)
    return data[: cut + 1] if cut > _DETECT_SAMPLE // 2 else data[:_DETECT_SAMPLE]


def _legacy_candidates(matches: CharsetMatches) -> list[str]:
    """Encodings to try, best first, with `_PREFERRED_LEGACY` first when it scores close."""
    ranked = list(matches)
    if not ranked:
        return []
    best = ranked[0]
    close = [
        match
        for match in ranked
        if match.chaos <= best.chaos + _CHAOS_TOLERANCE
        and match.coherence >= best.coherence - _COHERENCE_TOLERANCE
    ]
    order = [
        preferred
        for preferred in _PREFERRED_LEGACY
        if any(preferred in match.could_be_from_charset for match in close)
    ]
    order += [m.encoding for m in ranked]
    return list(dict.fromkeys(order))
