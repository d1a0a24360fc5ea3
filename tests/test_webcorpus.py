"""Building an article folder from the web, against a real HTTP server on 127.0.0.1.

Every page, feed, sitemap and archive is written here; nothing leaves the loopback interface.
"""

from __future__ import annotations

import argparse
import csv
import email.utils
import gzip
import hashlib
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

import analysis
from analysis import text as textmod
from analysis import webcorpus
from analysis.errors import AnalysisError, E
from analysis.webcorpus import build, doc_id_for, fetch_dataset, normalize_url

PAGES = {
    "/csto-summit": (
        "CSTO leaders meet in Minsk",
        "2024-05-16",
        "Anna Petrova",
        "The Collective Security Treaty Organization held its summit in Minsk. "
        "Leaders of Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan "
        "discussed the collective rapid reaction forces and border security in "
        "Central Asia. The secretary general praised joint exercises.",
    ),
    "/nato-summit": (
        "NATO allies gather in Washington",
        "2024-07-10",
        "John Miller",
        "NATO heads of state and government met in Washington for the alliance's "
        "seventy-fifth anniversary. Allies agreed on new defence spending pledges "
        "and support for Ukraine, and welcomed Sweden as the newest member of the "
        "North Atlantic Treaty Organization.",
    ),
    "/un-assembly": (
        "The UN General Assembly opens its debate",
        "2023-09-19",
        "Maria Lopez",
        "The United Nations General Assembly opened its annual general debate in "
        "New York. The Secretary-General called on member states to reform the "
        "Security Council and to keep the promises of the Sustainable Development "
        "Goals. Delegations from every region spoke about peace and security.",
    ),
    "/un-security-council": (
        "Security Council extends peacekeeping mandate",
        "2024-01-30",
        "",
        "The UN Security Council voted to extend the mandate of the "
        "peacekeeping mission for another year. Council members stressed "
        "the protection of civilians and the role of regional "
        "organizations, including the African Union, in the settlement.",
    ),
    "/flaky": (
        "CSTO exercise Interaction concludes",
        "2023-10-06",
        "",
        "The CSTO collective rapid reaction forces concluded the Interaction exercise "
        "in Belarus. Troops from the member states trained to respond to a simulated "
        "crisis, and observers from the United Nations attended the final stage.",
    ),
    "/busy": (
        "NATO and the UN sign a joint declaration",
        "2023-11-02",
        "",
        "NATO and the United Nations signed a joint declaration on cooperation in crisis "
        "management. The two organizations will share training and lessons learned in "
        "peacekeeping and support each other's missions in the field.",
    ),
    "/private/memo": (
        "Internal memo",
        "2024-02-02",
        "",
        "This page is disallowed by robots.txt and must never be fetched by the "
        "corpus builder, whatever it says about the CSTO, NATO or the UN.",
    ),
}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def page_html(title: str, date: str, author: str, body: str) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    meta += f'<meta name="author" content="{author}">' if author else ""
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{meta}"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>"
        f"{paragraphs}</article><footer>Copyright</footer></body></html>"
    ).encode()


class Site:
    """Routes of the test server: path -> list of responses (the last one repeats)."""

    def __init__(self):
        self.routes: dict[str, list[dict]] = {}
        self.hits: Counter = Counter()
        self.times: dict[str, list[float]] = {}
        self.agents: set[str] = set()
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        self.base = ""

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        ctype: str = "text/html; charset=utf-8",
        headers: dict | None = None,
        delay: float = 0.0,
        then: list[dict] | None = None,
    ) -> str:
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = [
            dict(body=body, status=status, ctype=ctype, headers=headers or {}, delay=delay)
        ] + (then or [])
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def article_hits(self) -> Counter:
        return Counter({p: n for p, n in self.hits.items() if p != "/robots.txt"})


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            path = urlsplit(self.path).path
            with site.lock:
                site.hits[path] += 1
                site.times.setdefault(path, []).append(time.monotonic())
                site.agents.add(self.headers.get("User-Agent", ""))
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
                responses = site.routes.get(path)
                spec = (
                    responses[min(site.hits[path], len(responses)) - 1]
                    if responses
                    else dict(
                        body=b"not found", status=404, ctype="text/plain", headers={}, delay=0.0
                    )
                )
            try:
                time.sleep(spec["delay"])
                self.send_response(spec["status"])
                self.send_header("Content-Type", spec["ctype"])
                self.send_header("Content-Length", str(len(spec["body"])))
                for key, value in spec["headers"].items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(spec["body"])
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with site.lock:
                    site.in_flight -= 1

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def serving(mp: pytest.MonkeyPatch) -> Iterator[Site]:
    """A real HTTP server on 127.0.0.1 (random port) serving what the test adds."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        mp.delenv(var, raising=False)
    mp.setattr(webcorpus.client, "BACKOFF_SECONDS", 0.01)
    mp.setattr(webcorpus.store, "FLUSH_SECONDS", 0.0)
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.add("/robots.txt", ROBOTS, ctype="text/plain")
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def site(monkeypatch):
    with serving(monkeypatch) as site:
        yield site


FAST = dict(rate=500.0, timeout=0.5, retries=2, progress=False)


def add_pages(site: Site, *paths: str) -> list[str]:
    return [site.add(p, page_html(*PAGES[p])) for p in paths]


def read_rows(folder: Path) -> dict[str, dict]:
    with (folder / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        return {row["url"]: row for row in csv.DictReader(handle)}


def assert_complete(folder: Path) -> None:
    """Only finished articles: every .txt has an ok row and every ok row its .txt."""
    rows = {r["doc_id"]: r for r in read_rows(folder).values()}
    files = {p.stem for p in folder.glob("*.txt")}
    assert files == {d for d, r in rows.items() if r["status"] == "ok"}
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    for stem in files:
        assert (folder / f"{stem}.txt").read_text(encoding="utf-8").endswith(".\n")


# -- URLs -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, same",
    [
        ("HTTP://127.0.0.1:80/News/CSTO/", "http://127.0.0.1/News/CSTO"),
        ("https://Example.org/a?utm_source=x&id=2&UTM_medium=y#part", "https://example.org/a?id=2"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_normalized_urls_share_one_doc_id(url, same):
    assert normalize_url(url) == normalize_url(same)
    assert doc_id_for(url) == doc_id_for(same)
    assert len(doc_id_for(url)) == 12


def test_different_pages_get_different_ids():
    assert doc_id_for("https://example.org/a?id=1") != doc_id_for("https://example.org/a?id=2")
    assert doc_id_for("https://example.org/News") != doc_id_for("https://example.org/news")


# -- build from a URL list --------------------------------------------------------------------
def add_trouble(site: Site) -> Site:
    """Good pages and every kind of trouble."""
    add_pages(
        site,
        "/csto-summit",
        "/nato-summit",
        "/un-assembly",
        "/un-security-council",
        "/private/memo",
    )
    site.add("/un-copy", page_html(*PAGES["/un-assembly"]))
    site.add("/old-csto", status=301, headers={"Location": "/csto-summit"})
    site.add("/moved", status=302, headers={"Location": "/un-security-council"})
    site.add(
        "/flaky",
        b"oops",
        status=500,
        ctype="text/plain",
        then=[
            dict(
                body=page_html(*PAGES["/flaky"]),
                status=200,
                ctype="text/html; charset=utf-8",
                headers={},
                delay=0.0,
            )
        ],
    )
    site.add(
        "/busy",
        b"slow down",
        status=429,
        ctype="text/plain",
        headers={"Retry-After": "1"},
        then=[
            dict(
                body=page_html(*PAGES["/busy"]),
                status=200,
                ctype="text/html; charset=utf-8",
                headers={},
                delay=0.0,
            )
        ],
    )
    site.add("/always-500", b"broken", status=500, ctype="text/plain")
    site.add("/slow", page_html(*PAGES["/nato-summit"]), delay=0.8)
    site.add("/data.json", b'{"csto": 1}', ctype="application/json")
    site.add("/empty", b"<html><body><nav>Home</nav></body></html>")
    return site


MIXED = [
    "/csto-summit",
    "/nato-summit",
    "/un-assembly",
    "/un-copy",
    "/old-csto",
    "/moved",
    "/flaky",
    "/busy",
    "/always-500",
    "/missing",
    "/private/memo",
    "/slow",
    "/data.json",
    "/empty",
]
EXPECTED = {
    "/csto-summit": "ok",
    "/nato-summit": "ok",
    "/un-assembly": "ok",
    "/moved": "ok",
    "/flaky": "ok",
    "/busy": "ok",
    "/un-copy": "duplicate_text",
    "/old-csto": "duplicate_url",
    "/always-500": "http_500",
    "/missing": "http_404",
    "/private/memo": "robots_disallowed",
    "/slow": "timeout",
    "/data.json": "not_html",
    "/empty": "empty_text",
    "ftp://x.org/a": "bad_url",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the troubled site (shared: the tests below only read its results)."""
    tmp = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as mp, serving(mp) as site:
        add_trouble(site)
        url_file = tmp / "urls.txt"
        lines = [
            "# articles",
            *[site.url(p) for p in MIXED],
            "",
            site.url("/csto-summit/?utm_source=feed#comments"),
            "ftp://x.org/a",
        ]
        url_file.write_text("\n".join(lines), encoding="utf-8")
        out = tmp / "corpus" / "web"
        report = build(out, urls=url_file, **FAST)
        yield SimpleNamespace(
            site=site,
            out=out,
            report=report,
            url_file=url_file,
            hits=Counter(site.hits),
            times=dict(site.times),
            agents=set(site.agents),
        )


def test_build_records_every_url_with_its_status(built):
    site, out, report = built.site, built.out, built.report
    rows = read_rows(out)
    statuses = {
        (u if u.startswith("ftp") else urlsplit(u).path): r["status"] for u, r in rows.items()
    }
    assert statuses == EXPECTED
    assert report.statuses == Counter(EXPECTED.values())
    assert report.n_ok == 6 and report.n_failed == 7 and report.n_targets == 15
    assert report.input_duplicates == [
        {
            "url": site.url("/csto-summit/?utm_source=feed#comments"),
            "duplicate_of": site.url("/csto-summit"),
        }
    ]
    assert list(next(iter(rows.values())))[:8] == [
        "doc_id",
        "title",
        "author",
        "date",
        "source",
        "url",
        "fetched_at",
        "status",
    ]
    assert all(r["detail"] for r in rows.values() if r["status"] != "ok")
    original, target = doc_id_for(site.url("/un-assembly")), doc_id_for(site.url("/csto-summit"))
    assert rows[site.url("/un-copy")]["detail"] == f"same text as {original}"
    assert rows[site.url("/old-csto")]["detail"] == f"redirects to {target}"
    assert rows[site.url("/moved")]["final_url"] == site.url("/un-security-council")
    assert "http_404" in report.summary() and "listed twice" in report.summary()
    assert_complete(out)


def test_build_is_polite_with_retries(built):
    hits = built.hits
    assert hits["/robots.txt"] == 1
    assert hits["/private/memo"] == 0  # robots.txt honoured
    assert hits["/csto-summit"] == 1  # listed twice, redirected onto once
    assert hits["/flaky"] == 2  # 500, then OK
    assert hits["/always-500"] == 3  # retries=2: three attempts
    assert hits["/missing"] == 1  # 404: no retry
    assert hits["/slow"] == 3  # timed out each time
    first, second = built.times["/busy"]
    assert second - first >= 0.9  # Retry-After: 1 honoured
    assert all(a.startswith("analysis-corpus-builder/") and "contact" in a for a in built.agents)


def test_built_folder_loads_with_titles_and_dates(built):
    site = built.site
    corpus = analysis.load(built.out)
    docs = corpus.docs.set_index("doc_id")
    assert len(docs) == 6
    for path in ("/csto-summit", "/nato-summit", "/un-assembly", "/flaky"):
        title, date, author, body = PAGES[path]
        row = docs.loc[doc_id_for(site.url(path))]
        assert row["title"] == title
        assert str(row["date"].date()) == date
        assert body.split(". ")[0] in row["text"]
        assert row["status"] == "ok"
    assert docs.loc[doc_id_for(site.url("/csto-summit")), "author"] == "Anna Petrova"
    assert docs.loc[doc_id_for(site.url("/moved")), "title"] == PAGES["/un-security-council"][0]
    assert not corpus.report.skipped


def test_second_run_fetches_nothing_already_done(built, tmp_path):
    site, out = built.site, tmp_path / "web"
    shutil.copytree(built.out, out)
    before = site.article_hits()
    files = {p.name: p.stat().st_mtime_ns for p in out.glob("*.txt")}
    report = build(out, urls=built.url_file, **FAST)
    fetched = site.article_hits() - before
    # only the failures are tried again; done pages and duplicates are not fetched
    assert set(fetched) == {"/always-500", "/missing", "/slow", "/data.json", "/empty"}
    assert report.n_skipped == 8 and report.n_ok == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.txt")} == files
    assert len(read_rows(out)) == 15
    assert_complete(out)


def test_resume_fetches_a_fixed_page_only(site, tmp_path):
    urls = add_pages(site, "/csto-summit", "/nato-summit")
    urls.append(site.add("/un-assembly", b"down", status=503, ctype="text/plain"))
    out = tmp_path / "web"
    assert build(out, urls=urls, **FAST).statuses == Counter(ok=2, http_503=1)
    add_pages(site, "/un-assembly")
    before = site.article_hits()
    report = build(out, urls=urls, **FAST)
    assert site.article_hits() - before == Counter({"/un-assembly": 1})
    assert report.statuses == Counter(ok=1) and report.n_skipped == 2
    assert {r["status"] for r in read_rows(out).values()} == {"ok"}
    assert len(analysis.load(out)) == 3


def test_interrupted_run_leaves_only_complete_files(site, tmp_path, monkeypatch):
    paths = ["/csto-summit", "/nato-summit", "/un-assembly", "/un-security-council"]
    urls = add_pages(site, *paths)
    out = tmp_path / "web"
    real, calls = webcorpus.store._write_text, []

    def disk_full_on_third(path, text):
        calls.append(path)
        if len(calls) == 3:
            path.write_text(text[: len(text) // 2], encoding="utf-8")  # half written...
            raise OSError(28, "No space left on device")  # ...then the crash
        real(path, text)

    monkeypatch.setattr(webcorpus.store, "_write_text", disk_full_on_third)
    with pytest.raises(OSError, match="No space left"):
        build(out, urls=urls, **FAST, concurrency=1)
    assert len(list(out.glob("*.txt"))) == 2
    assert_complete(out)
    monkeypatch.setattr(webcorpus.store, "_write_text", real)
    before = site.article_hits()
    report = build(out, urls=urls, **FAST)
    assert sum((site.article_hits() - before).values()) == 2  # the two not yet written
    assert report.n_ok == 2 and report.n_skipped == 2
    assert_complete(out)
    assert len(analysis.load(out)) == 4


def test_rate_limit_and_per_host_cap(site, tmp_path):
    paths = ["/csto-summit", "/nato-summit", "/un-assembly", "/un-security-council"]
    for path in paths:
        site.add(path, page_html(*PAGES[path]), delay=0.2)
    report = build(
        tmp_path / "web",
        urls=[site.url(p) for p in paths],
        rate=10.0,
        concurrency=4,
        timeout=2,
        progress=True,
    )
    assert report.n_ok == 4
    starts = sorted(t for p in paths for t in site.times[p])
    assert all(b - a >= 0.09 for a, b in zip(starts, starts[1:]))  # one start per 0.1 s
    assert site.max_in_flight <= webcorpus.PER_HOST


def test_no_robots_fetches_disallowed_pages(site, tmp_path):
    urls = add_pages(site, "/private/memo")
    report = build(tmp_path / "web", urls=urls, respect_robots=False, **FAST)
    assert report.n_ok == 1 and site.hits["/robots.txt"] == 0


def test_robots_for_our_user_agent(site, tmp_path):
    site.add(
        "/robots.txt",
        "User-agent: analysis-corpus-builder\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        ctype="text/plain",
    )
    urls = add_pages(site, "/csto-summit")
    assert build(tmp_path / "a", urls=urls, **FAST).statuses == Counter(robots_disallowed=1)
    assert build(tmp_path / "b", urls=urls, user_agent="other-bot/1.0", **FAST).statuses == Counter(
        ok=1
    )


def test_unreachable_robots_means_disallow(site, tmp_path):
    site.add("/robots.txt", b"down", status=503, ctype="text/plain")
    urls = add_pages(site, "/csto-summit", "/nato-summit")
    report = build(tmp_path / "web", urls=urls, **FAST)
    assert report.statuses == Counter(robots_disallowed=2)  # RFC 9309, section 2.3.1.4
    assert site.hits["/robots.txt"] == 3 and not site.article_hits()  # asked once per run


def test_retry_after_forms():
    assert webcorpus.client.retry_after({"Retry-After": "7"}) == 7.0
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= webcorpus.client.retry_after({"Retry-After": later}) <= 60
    assert webcorpus.client.retry_after({"Retry-After": "soon"}) is None
    assert webcorpus.client.retry_after({}) is None


def test_date_falls_back_to_htmldate(site, tmp_path, monkeypatch):
    url = site.add("/undated", page_html(*PAGES["/nato-summit"]))
    real = textmod.html_to_text

    def without_date(html, *, url=None):
        text, meta = real(html, url=url)
        meta.pop("date", None)
        return text, meta

    monkeypatch.setattr(textmod, "html_to_text", without_date)
    build(tmp_path / "web", urls=[url], **FAST)
    assert read_rows(tmp_path / "web")[url]["date"] == "2024-07-10"


# -- feeds and sitemaps -----------------------------------------------------------------------
def rss(site: Site, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>Feed: {PAGES[p][0]}</title><link>{site.url(p)}</link>"
        f"<pubDate>Mon, 0{i + 1} Jan 2024 10:00:00 GMT</pubDate><author>desk@example.org "
        f"(Feed Desk)</author></item>"
        for i, p in enumerate(paths)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Security news</title>'
        f"<link>{site.url('/')}</link><description>CSTO, NATO, UN</description>"
        f"{items}</channel></rss>"
    )


def atom(paths: list[str]) -> str:
    entries = "".join(
        f'<entry><title>Atom: {PAGES[p][0]}</title><link rel="alternate" href="{p}"/>'
        f"<id>urn:{p}</id><updated>2022-03-0{i + 1}T12:00:00Z</updated>"
        f"<author><name>Atom Writer</name></author></entry>"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Org news</title><id>urn:feed</id><updated>2022-03-02T12:00:00Z</updated>"
        f"{entries}</feed>"
    )


def test_rss_feed_titles_and_dates_win(site, tmp_path):
    add_pages(site, "/csto-summit", "/nato-summit", "/private/memo")
    feed = site.add(
        "/feed.xml",
        rss(site, ["/csto-summit", "/nato-summit", "/private/memo"]),
        ctype="application/rss+xml",
    )
    report = build(tmp_path / "web", feed=feed, **FAST)
    assert report.statuses == Counter(ok=2, robots_disallowed=1)
    rows = read_rows(tmp_path / "web")
    assert rows[site.url("/csto-summit")]["title"] == "Feed: CSTO leaders meet in Minsk"
    assert rows[site.url("/nato-summit")]["date"] == "2024-01-02"
    assert rows[site.url("/private/memo")]["title"].startswith("Feed: ")  # recorded anyway
    corpus = analysis.load(tmp_path / "web")
    assert sorted(corpus.docs["title"]) == [
        "Feed: CSTO leaders meet in Minsk",
        "Feed: NATO allies gather in Washington",
    ]


def test_atom_feed_with_relative_links(site, tmp_path):
    add_pages(site, "/un-assembly", "/un-security-council")
    feed = site.add(
        "/atom.xml", atom(["/un-assembly", "/un-security-council"]), ctype="application/atom+xml"
    )
    build(tmp_path / "web", feed=feed, **FAST)
    rows = read_rows(tmp_path / "web")
    assert {urlsplit(u).path: (r["status"], r["date"], r["author"]) for u, r in rows.items()} == {
        "/un-assembly": ("ok", "2022-03-01", "Atom Writer"),
        "/un-security-council": ("ok", "2022-03-02", "Atom Writer"),
    }


def test_not_a_feed_is_an_error(site, tmp_path):
    page = site.add("/csto-summit", page_html(*PAGES["/csto-summit"]))
    with pytest.raises(AnalysisError) as err:
        build(tmp_path / "web", feed=page, **FAST)
    assert err.value.code is E.E012 and "feed" in str(err.value)
    with pytest.raises(AnalysisError, match="http_404"):
        build(tmp_path / "web", feed=site.url("/no-feed"), **FAST)


def urlset(site: Site, paths: list[str]) -> str:
    locs = "".join(
        f"<url><loc>{site.url(p)}</loc><lastmod>2024-01-01</lastmod></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )


def test_sitemap_index_with_gzipped_child(site, tmp_path):
    add_pages(site, "/csto-summit", "/nato-summit", "/un-assembly")
    site.add(
        "/sitemap-a.xml", urlset(site, ["/csto-summit", "/nato-summit"]), ctype="application/xml"
    )
    site.add(
        "/sitemap-b.xml.gz",
        gzip.compress(urlset(site, ["/un-assembly", "/nato-summit"]).encode()),
        ctype="application/gzip",
    )
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/sitemap-a.xml')}</loc></sitemap>"
        f"<sitemap><loc>{site.url('/sitemap-b.xml.gz')}</loc></sitemap>"
        f"<sitemap><loc>{site.url('/sitemap-gone.xml')}</loc></sitemap></sitemapindex>"
    )
    sitemap = site.add("/sitemap.xml", index, ctype="application/xml")
    report = build(tmp_path / "web", sitemap=sitemap, **FAST)
    assert report.statuses == Counter(ok=3)
    assert [d["url"] for d in report.input_duplicates] == [site.url("/nato-summit")]
    assert len(report.warnings) == 1 and "sitemap-gone" in report.warnings[0]["origin"]
    assert len(analysis.load(tmp_path / "web")) == 3


def test_bad_sitemap_is_an_error(site, tmp_path):
    sitemap = site.add(
        "/sitemap.xml", "<html><body>not a sitemap</body></html>", ctype="application/xml"
    )
    with pytest.raises(AnalysisError, match="neither <urlset> nor <sitemapindex>"):
        build(tmp_path / "web", sitemap=sitemap, **FAST)


def test_missing_url_list_is_an_error(tmp_path):
    with pytest.raises(AnalysisError) as err:
        build(tmp_path / "web", urls=tmp_path / "nope.txt", progress=False)
    assert err.value.code is E.E012 and "nope.txt" in str(err.value)


# -- datasets ---------------------------------------------------------------------------------
ARCHIVE = gzip.compress(b"doc_id,text\n1,The CSTO and NATO met at the UN.\n" * 200, mtime=0)
GOOD = hashlib.sha256(ARCHIVE).hexdigest()


def test_fetch_dataset_verifies_checksum(site, tmp_path):
    url = site.add("/data/corpus.csv.gz", ARCHIVE, ctype="application/gzip")
    dest = tmp_path / "data" / "corpus.csv.gz"
    dest.parent.mkdir()
    assert fetch_dataset(url, dest, sha256=GOOD, progress=False) == dest
    assert dest.read_bytes() == ARCHIVE
    # an existing good file is kept without asking the server again
    assert fetch_dataset(url, dest.parent, sha256=f"sha256:{GOOD.upper()}", progress=False) == dest
    assert site.hits["/data/corpus.csv.gz"] == 1
    # an existing file with another checksum is never overwritten
    with pytest.raises(AnalysisError) as err:
        fetch_dataset(url, dest, sha256="0" * 64, progress=False)
    assert err.value.code is E.E015 and dest.read_bytes() == ARCHIVE


def test_fetch_dataset_deletes_a_mismatch(site, tmp_path):
    url = site.add("/data/corpus.csv.gz", ARCHIVE, ctype="application/gzip")
    dest = tmp_path / "corpus.csv.gz"
    with pytest.raises(AnalysisError) as err:
        fetch_dataset(url, dest, sha256="ab" * 32, progress=False)
    assert err.value.code is E.E013 and GOOD in str(err.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(AnalysisError) as err:
        fetch_dataset(site.url("/data/missing.tgz"), dest, sha256=GOOD, progress=False)
    assert err.value.code is E.E014 and list(tmp_path.iterdir()) == []
    with pytest.raises(AnalysisError) as err:
        fetch_dataset(url, dest, sha256="not-a-checksum", progress=False)
    assert err.value.code is E.E016


def test_fetch_dataset_retries_a_server_error(site, tmp_path):
    url = site.add(
        "/data/x.gz",
        b"busy",
        status=503,
        ctype="text/plain",
        then=[dict(body=ARCHIVE, status=200, ctype="application/gzip", headers={}, delay=0.0)],
    )
    assert fetch_dataset(url, tmp_path / "x.gz", sha256=GOOD, progress=False).is_file()
    assert site.hits["/data/x.gz"] == 2


# -- CLI pieces -------------------------------------------------------------------------------
def test_cli_build_and_fetch(site, tmp_path, capsys):
    urls = add_pages(site, "/csto-summit", "/nato-summit")
    url_file = tmp_path / "urls.txt"
    url_file.write_text("\n".join(urls), encoding="utf-8")
    parser = argparse.ArgumentParser()
    webcorpus.add_build_arguments(parser)
    args = parser.parse_args(
        ["--urls", str(url_file), "--out", str(tmp_path / "web"), "--rate", "500", "--no-progress"]
    )
    assert webcorpus.run_build(args) == 0
    assert "ok 2" in capsys.readouterr().out
    assert webcorpus.run_build(parser.parse_args(["--out", str(tmp_path / "x")])) == 2

    url = site.add("/data/corpus.csv.gz", ARCHIVE, ctype="application/gzip")
    parser = argparse.ArgumentParser()
    webcorpus.add_fetch_arguments(parser)
    out = tmp_path / "corpus.csv.gz"
    args = parser.parse_args([url, "--sha256", GOOD, "--out", str(out), "--no-progress"])
    assert webcorpus.run_fetch(args) == 0 and out.read_bytes() == ARCHIVE
    bad = parser.parse_args([url, "--sha256", "0" * 64, "--out", str(tmp_path / "b.gz")])
    with pytest.raises(AnalysisError) as err:
        webcorpus.run_fetch(bad)
    assert err.value.exit_code == 9


def test_every_failed_run_exits_1(site, tmp_path):
    parser = argparse.ArgumentParser()
    webcorpus.add_build_arguments(parser)
    args = parser.parse_args(
        [
            "--urls",
            site.url("/missing"),
            "--out",
            str(tmp_path / "web"),
            "--rate",
            "500",
            "--no-progress",
        ]
    )
    assert webcorpus.run_build(args) == 1


def test_command_line_build_then_corpus_info(site, tmp_path, capsys):
    """The README's route: `python -m analysis corpus build --feed ...`, then `corpus info`."""
    from analysis.cli import main

    paths = list(PAGES)[:2]
    add_pages(site, *paths)
    feed = site.add("/feed.xml", rss(site, paths).encode(), ctype="application/rss+xml")
    out = tmp_path / "corpus" / "web"
    assert (
        main(
            ["corpus", "build", "--feed", feed, "--out", str(out), "--rate", "500", "--no-progress"]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["corpus", "info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["n_docs"] == 2 and info["n_skipped"] == 0
    bad = main(
        [
            "corpus",
            "fetch",
            site.url("/missing.tgz"),
            "--sha256",
            "0" * 64,
            "--out",
            str(tmp_path / "x.tgz"),
            "--no-progress",
        ]
    )
    assert bad == 8 and not (tmp_path / "x.tgz").exists()
