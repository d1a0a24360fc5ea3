"""How the corpus builder names itself to a site and how hard it may press one host.

Apart from :mod:`analysis.webcorpus.client` so the command line can show both in its help
without importing the HTTP machinery (``ssl``, ``http.client``) on every command.
"""

from __future__ import annotations

from analysis import __version__

#: Sent with every request; pass ``user_agent=`` with your own contact address.
USER_AGENT = (
    f"analysis-corpus-builder/{__version__} (academic research on how texts frame "
    "the CSTO, NATO and the UN; contact: research-contact@example.org)"
)
#: Simultaneous requests to one host (whatever ``concurrency`` is).
PER_HOST = 2
