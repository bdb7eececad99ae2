"""Round trips of .bib files through Folio (import, export, merge), shared by the tests on
committed files and on a local corpus of real-world files (FOLIO_BIB_CORPUS)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from library.bibtext import decode_bib, parse_bib_text
from tests.conftest import Folio


def entries_of(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Each entry's type and first-occurrence field values (macros expanded), by key."""
    parsed = parse_bib_text(decode_bib(path.read_bytes(), str(path)))
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for entry in parsed.entries:
        fields = {name: " ".join(value.value.split()) for name, value in entry.first().items()}
        found.setdefault(entry.key, (entry.entry_type, fields))
    return found


@dataclass
class RoundTrip:
    """What changed in a round trip: per entry, the fields lost or altered."""

    imported: int = 0
    import_code: int = 0
    differences: list[str] = field(default_factory=list)
    merge_output: str = ""
    idempotent: bool = True
    refused: bool = False  # the merge refused a file that does not parse


def compare(before: dict, after: dict, keys: list[str], what: str) -> list[str]:
    """Fields of `before` that `after` lost or changed (extra fields are Folio's own)."""
    problems = []
    for key in keys:
        if key not in after:
            problems.append(f"{what}: {key}: missing")
            continue
        kind, fields = before[key]
        new_kind, new_fields = after[key]
        if new_kind != kind:
            problems.append(f"{what}: {key}: type {kind} -> {new_kind}")
        for name, value in fields.items():
            if new_fields.get(name) != value:
                problems.append(f"{what}: {key}: {name}: {value!r} -> {new_fields.get(name)!r}")
    return problems


def round_trip(folio: Folio, source: Path, work: Path) -> RoundTrip:
    """`import-bib F`, then `export --all --merge -o F` twice; every entry Folio imported
    must keep its type and every field value, and the second merge must change nothing."""
    work.mkdir(parents=True, exist_ok=True)
    bib = work / source.name
    shutil.copyfile(source, bib)
    before = entries_of(bib)
    result = RoundTrip()
    imported = folio("import-bib", str(bib), "--yes", "--json")
    result.import_code = imported.exit_code
    outcomes = json.loads(imported.stdout) if imported.stdout.strip() else []
    keys = [o["key"] for o in outcomes if o["status"] != "alias" and o["key"] in before]
    result.imported = len(keys)
    if not keys:
        return result
    exported = folio("export", "--all", "-o", str(work / "export.bib"))
    assert exported.exit_code == 0, exported.output
    by_citekey = {o["key"]: o["citekey"] for o in outcomes}
    fresh = entries_of(work / "export.bib")
    renamed = {key: fresh.get(by_citekey[key]) for key in keys if by_citekey[key] in fresh}
    result.differences += compare(before, {k: v for k, v in renamed.items() if v}, keys, "export")
    merged = folio("export", "--all", "--merge", "-o", str(bib))
    result.merge_output = merged.output
    if merged.exit_code == 1 and "does not parse, nothing changed" in merged.stderr:
        result.refused = True
        assert bib.read_bytes() == source.read_bytes()
        return result
    assert merged.exit_code == 0, merged.output
    result.differences += compare(before, entries_of(bib), keys, "merge")
    data = bib.read_bytes()
    again = folio("export", "--all", "--merge", "-o", str(bib))
    result.idempotent = again.exit_code == 0 and bib.read_bytes() == data
    if "up to date" in merged.stdout:  # the file is as it came: importing it changes nothing
        reread = json.loads(folio("import-bib", str(bib), "--json").stdout or "[]")
        changed = [o["key"] for o in reread if o["status"] not in ("unchanged", "alias")]
        result.differences += [f"import again: {key}: not unchanged" for key in changed]
    return result
