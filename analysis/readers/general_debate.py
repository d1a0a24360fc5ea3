"""The UN General Debate Corpus (UNGDC) in the layout its authors distribute.

``TXT/Session NN - YYYY/ISO3_NN_YYYY.txt``, one speech a file, read straight from the
``.tgz`` (streamed, never extracted) or from an extracted folder. The path gives the
country (ISO3), session and year; the speaker table (``UNGDC_Speakers_by_session.xlsx``)
can be joined for speaker names, posts and the country's name at the time.

Files that do not fit the layout (the binary ``.DS_Store`` files, including one misnamed
``.DS_Store-to-UTF-8.txt``) are skipped and reported.

References
----------
Baturo, A., Dasandi, N., & Mikhaylov, S. (2017). Understanding state preferences with text
as data: Introducing the UN General Debate corpus. Research & Politics, 4(2).
Jankin, S., Baturo, A., & Dasandi, N. Words to unite nations: The complete UN General
Debate Corpus, 1946-present. Journal of Peace Research.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.readers import archive
from analysis.readers.base import LoadReport, RawDoc, read_file

SOURCE = "UN General Debate Corpus"
_SPEECH = re.compile(r"(?:^|/)Session (\d+) - (\d{4})/([A-Za-z]{2,4})_(\d+)_(\d{4})\.txt$")
_SESSION_DIR = re.compile(r"^Session \d+ - \d{4}$")
#: Codes in the corpus that are not current ISO 3166-1 alpha-3 codes.
HISTORICAL_NAMES = {
    "CSK": "Czechoslovakia",
    "YUG": "Yugoslavia",
    "DDR": "German Democratic Republic",
    "YMD": "Democratic Yemen",
    "EU": "European Union",
}


#: Codes the speaker table spells differently from the speech files.
SPEAKER_CODES = {"YDYE": "YMD"}


def looks_like(path: Path) -> bool:
    """Whether a folder or archive is in the UNGDC layout."""
    if path.is_dir():
        for base in (path, path / "TXT"):
            if base.is_dir() and any(
                _SESSION_DIR.match(p.name) for p in base.iterdir() if p.is_dir()
            ):
                return True
        return False
    report = LoadReport()
    try:
        for i, (name, _) in enumerate(archive.members(path, report)):
            if _SPEECH.search(name):
                return True
            if i > 20:
                return False
    except Exception:  # an unreadable archive is reported by the reader that reads it
        return False
    return False


@lru_cache(maxsize=256)
def country_name(code: str) -> str:
    """English short name for a UNGDC country code (ISO3 or a historical code)."""
    if code in HISTORICAL_NAMES:
        return HISTORICAL_NAMES[code]
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or country.name if country else code


def _iter_files(path: Path, report: LoadReport) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file() or file.is_symlink():
                data = read_file(file, report)
                if data is not None:
                    yield file.relative_to(path).as_posix(), data
    else:
        yield from archive.members(path, report)


def read_speakers(path: Path) -> pd.DataFrame:
    """The speaker table, one row per (iso3, session): ``speaker``, ``post``, ``country_name``."""
    table = pd.read_excel(path, engine="openpyxl")
    table = table.rename(
        columns={
            "ISO Code": "iso3",
            "Session": "session",
            "Country": "country_name",
            "Name of Person Speaking": "speaker",
            "Post": "post",
        }
    )
    table = table[["iso3", "session", "country_name", "speaker", "post"]]
    table["iso3"] = table["iso3"].astype(str).str.strip().replace(SPEAKER_CODES)
    return table.drop_duplicates(["iso3", "session"])


class read:  # noqa: N801 - a generator-like reader with a known total
    """Iterate the speeches of a UNGDC archive or folder as :class:`RawDoc`.

    Parameters
    ----------
    path : Path
        The ``.tgz`` as distributed, or an extracted folder.
    report : LoadReport
        Receives the files that were skipped.
    speakers : path, optional
        The speaker table (``UNGDC_Speakers_by_session.xlsx``) to join; ``"auto"`` looks for
        it beside ``path``.
    """

    def __init__(self, path: Path, report: LoadReport, *, speakers: str | Path | None = None):
        self.path, self.report = Path(path), report
        if speakers == "auto":
            near = self.path.parent / "UNGDC_Speakers_by_session.xlsx"
            speakers = near if near.is_file() else None
        self.speakers = None
        if speakers is not None:
            table = read_speakers(Path(speakers))
            self.speakers = {(r.iso3, int(r.session)): r for r in table.itertuples(index=False)}
        self.total = sum(1 for _ in self.path.rglob("*.txt")) if self.path.is_dir() else None

    def __iter__(self) -> Iterator[RawDoc]:
        in_archive = self.path.is_file()
        for name, data in _iter_files(self.path, self.report):
            origin = f"{self.path.name}::{name}" if in_archive else str(self.path / name)
            match = _SPEECH.search(name)
            if match is None:
                self.report.skip(
                    origin, "not a speech file (expected Session NN - YYYY/ISO3_NN_YYYY.txt)"
                )
                continue
            session, year, code = int(match[1]), int(match[2]), match[3].upper()
            yield RawDoc(
                doc_id=f"{code}_{session:02d}_{year}",
                data=data,
                origin=origin,
                meta=self._meta(code, session, year),
                kind="plain",
            )

    def _meta(self, code: str, session: int, year: int) -> dict:
        name = country_name(code)
        meta = {
            "title": f"{name}, UN General Debate, session {session} ({year})",
            "source": SOURCE,
            "country": code,
            "country_name": name,
            "session": session,
            "year": year,
        }
        if self.speakers is not None:
            row = self.speakers.get((code, session))
            if row is not None:
                meta.update(
                    author=_clean(row.speaker),
                    speaker=_clean(row.speaker),
                    post=_clean(row.post),
                    country_name=_clean(row.country_name) or name,
                )
            else:
                meta.update(speaker=None, post=None)
        return meta


def _clean(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    value = str(value).strip()
    return value or None
