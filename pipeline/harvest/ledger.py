"""The harvest ledger (SQLite, `RAW/manifest.sqlite`): what was fetched from where, when, and what it held.

Three tables:

* ``urls`` — one row per URL ever seen: its site, role (listing, page, attachment), the
  page it was linked from (``disclosure_url``: the page a document belongs to), final URL
  after redirects, HTTP status, ETag / Last-Modified, sha256 and size of its current
  version, first/last seen, the run that last handled it and how (``outcome``), and the
  last error (a fetch reason code and message) with the count of consecutive failures;
* ``versions`` — one row per distinct content of a URL: sha256, size, media type, path in
  the raw store, when fetched, the version it replaced (``previous_version``), and when
  it was extracted (NULL = waiting for extraction) with the disclosure_id it got;
* ``runs`` — one row per site and run: started, finished, status (running/complete) and
  the run's counts of new, changed, unchanged and failed URLs.

Every change for one URL is one transaction, made after its file is safely in the store:
a killed harvest leaves the ledger and the store consistent, and the next harvest of
the site resumes the interrupted run (``start_run``).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, site TEXT NOT NULL, role TEXT NOT NULL, disclosure_url TEXT,
    final_url TEXT, status INTEGER, etag TEXT, last_modified TEXT, sha256 TEXT, size INTEGER,
    version_id INTEGER REFERENCES versions(version_id),
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_run TEXT, outcome TEXT,
    error TEXT, message TEXT, failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS versions (
    version_id INTEGER PRIMARY KEY, url TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    media_type TEXT, path TEXT NOT NULL, fetched_at TEXT NOT NULL,
    previous_version INTEGER REFERENCES versions(version_id),
    extracted_at TEXT, disclosure_id TEXT, UNIQUE (url, sha256)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT NOT NULL, site TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
    status TEXT NOT NULL, new INTEGER, changed INTEGER, unchanged INTEGER, failed INTEGER,
    PRIMARY KEY (run_id, site)
);
CREATE INDEX IF NOT EXISTS urls_site_run ON urls (site, last_run);
CREATE INDEX IF NOT EXISTS versions_pending ON versions (extracted_at);
"""

OUTCOMES = ("new", "changed", "unchanged", "failed")

# Columns added to a table after ledgers were first written. A ledger without them gets
# them when it is opened (SQLite adds a column in place; rows written before read NULL).
# Add a column here whenever SCHEMA gains one.
ADDED_COLUMNS = {
    "runs": ("new INTEGER", "changed INTEGER", "unchanged INTEGER", "failed INTEGER"),
}


def migrate(db: sqlite3.Connection) -> list[str]:
    """Add the columns of ``ADDED_COLUMNS`` a ledger lacks; the ones added."""
    added = []
    for table, columns in ADDED_COLUMNS.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
                added.append(f"{table}.{column.split()[0]}")
    return added


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Pending:
    """A current version waiting for extraction (or a member of its disclosure)."""

    version_id: int
    url: str
    role: str
    disclosure_url: str
    path: str
    sha256: str
    site: str


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        migrate(self.db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic change (BEGIN IMMEDIATE … COMMIT; rolled back on any error)."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _one(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        with self._lock:
            return self.db.execute(sql, args).fetchone()

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------
    def start_run(self, site: str) -> tuple[str, bool]:
        """The site's interrupted run if there is one (resumed = True), else a new run."""
        row = self._one(
            "SELECT run_id FROM runs WHERE site = ? AND status = 'running' ORDER BY started DESC LIMIT 1", (site,)
        )
        if row:
            return row["run_id"], True
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        self.db.execute(
            "INSERT INTO runs (run_id, site, started, status) VALUES (?, ?, ?, 'running')", (run_id, site, now())
        )
        return run_id, False

    def finish_run(self, run_id: str, site: str) -> dict[str, int]:
        """Close the run and keep its counts (new, changed, unchanged, failed)."""
        counts = self.outcomes(run_id, site)
        self.db.execute(
            "UPDATE runs SET finished = ?, status = 'complete', new = ?, changed = ?, unchanged = ?, "
            "failed = ? WHERE run_id = ? AND site = ?",
            (now(), *(counts[o] for o in OUTCOMES), run_id, site),
        )
        return counts

    def outcomes(self, run_id: str, site: str) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.db.execute(
            "SELECT outcome, count(*) n FROM urls WHERE site = ? AND last_run = ? GROUP BY outcome", (site, run_id)
        ):
            counts[row["outcome"]] = row["n"]
        return counts

    def failures(self, run_id: str, site: str) -> list[sqlite3.Row]:
        return self._all(
            "SELECT url, role, error, message, failures FROM urls WHERE site = ? AND last_run = ? "
            "AND outcome = 'failed' ORDER BY url",
            (site, run_id),
        )

    # -- urls ---------------------------------------------------------------------------
    def get(self, url: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM urls WHERE url = ?", (url,))

    def current_path(self, url: str) -> str | None:
        row = self._one(
            "SELECT v.path FROM urls u JOIN versions v ON v.version_id = u.version_id WHERE u.url = ?", (url,)
        )
        return row["path"] if row else None

    def done_in_run(self, url: str, run_id: str) -> bool:
        row = self.get(url)
        return bool(row and row["last_run"] == run_id)

    def retry_candidates(self, site: str, run_id: str) -> list[sqlite3.Row]:
        """URLs of the site whose last fetch failed and that this run has not handled yet."""
        return self._all(
            "SELECT url, role, disclosure_url FROM urls WHERE site = ? AND error IS NOT NULL "
            "AND (last_run IS NULL OR last_run != ?) AND role != 'listing' ORDER BY url",
            (site, run_id),
        )

    def record_failure(
        self,
        url: str,
        site: str,
        role: str,
        disclosure_url: str | None,
        run_id: str,
        error: str,
        message: str,
        status: int | None = None,
        final_url: str | None = None,
    ) -> str:
        t = now()
        with self.transaction():
            self._touch(url, site, role, disclosure_url, t)
            self.db.execute(
                "UPDATE urls SET last_run = ?, outcome = 'failed', error = ?, message = ?, "
                "failures = failures + 1, status = ?, final_url = ? WHERE url = ?",
                (run_id, error, message, status, final_url, url),
            )
        return "failed"

    def record_unchanged(
        self,
        url: str,
        site: str,
        role: str,
        disclosure_url: str | None,
        run_id: str,
        status: int | None,
        final_url: str | None,
    ) -> str:
        t = now()
        with self.transaction():
            self._touch(url, site, role, disclosure_url, t)
            self.db.execute(
                "UPDATE urls SET last_run = ?, outcome = 'unchanged', error = NULL, message = NULL, "
                "failures = 0, status = ?, final_url = ? WHERE url = ?",
                (run_id, status, final_url, url),
            )
        return "unchanged"

    def record_content(
        self,
        url: str,
        site: str,
        role: str,
        disclosure_url: str | None,
        run_id: str,
        *,
        sha256: str,
        size: int,
        media_type: str,
        path: str,
        status: int | None,
        final_url: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> str:
        """Record fetched content (already in the store): new, changed or unchanged."""
        t = now()
        with self.transaction():
            self._touch(url, site, role, disclosure_url, t)
            row = self.get(url)
            assert row is not None  # _touch just inserted it
            current = row["version_id"]
            if current is not None and row["sha256"] == sha256:
                outcome, version = "unchanged", current
            else:
                outcome = "new" if current is None else "changed"
                known = self._one("SELECT version_id FROM versions WHERE url = ? AND sha256 = ?", (url, sha256))
                if known:  # back to an earlier content: that version is current again, extract it again
                    version = known["version_id"]
                    self.db.execute(
                        "UPDATE versions SET extracted_at = NULL, previous_version = ? WHERE version_id = ?",
                        (current, version),
                    )
                else:
                    version = self.db.execute(
                        "INSERT INTO versions (url, sha256, size, media_type, path, fetched_at, previous_version) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (url, sha256, size, media_type, path, t, current),
                    ).lastrowid
            self.db.execute(
                "UPDATE urls SET last_run = ?, outcome = ?, error = NULL, message = NULL, failures = 0, "
                "status = ?, final_url = ?, etag = ?, last_modified = ?, sha256 = ?, size = ?, "
                "version_id = ? WHERE url = ?",
                (run_id, outcome, status, final_url, etag, last_modified, sha256, size, version, url),
            )
        return outcome

    def _touch(self, url: str, site: str, role: str, disclosure_url: str | None, t: str) -> None:
        self.db.execute(
            "INSERT INTO urls (url, site, role, disclosure_url, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET last_seen = excluded.last_seen, "
            "disclosure_url = coalesce(excluded.disclosure_url, urls.disclosure_url)",
            (url, site, role, disclosure_url, t, t),
        )

    # -- extraction ---------------------------------------------------------------------
    def pending_disclosures(self, sites: list[str] | None = None) -> dict[str, list[Pending]]:
        """Disclosures (a page and its attachments) with a current version not yet extracted,
        each with all its current members (an unchanged attachment of a changed page is
        extracted again with it, so the files are checked against each other)."""
        rows = self.db.execute(
            "SELECT v.version_id, u.url, u.role, coalesce(u.disclosure_url, u.url) disclosure_url, v.path, "
            "v.sha256, v.extracted_at, u.site FROM urls u JOIN versions v ON v.version_id = u.version_id "
            "WHERE u.role != 'listing' ORDER BY u.url"
        ).fetchall()
        groups: dict[str, list[Pending]] = {}
        waiting: set[str] = set()
        for r in rows:
            if sites is not None and r["site"] not in sites:
                continue
            groups.setdefault(r["disclosure_url"], []).append(
                Pending(r["version_id"], r["url"], r["role"], r["disclosure_url"], r["path"], r["sha256"], r["site"])
            )
            if r["extracted_at"] is None:
                waiting.add(r["disclosure_url"])
        return {d: members for d, members in groups.items() if d in waiting}

    def mark_extracted(self, disclosure_ids: dict[int, str | None]) -> None:
        t = now()
        with self.transaction():
            for version_id, disclosure_id in disclosure_ids.items():
                self.db.execute(
                    "UPDATE versions SET extracted_at = ?, disclosure_id = ? WHERE version_id = ?",
                    (t, disclosure_id, version_id),
                )

    def current_shas(self) -> set[str]:
        """sha256 of the current version of every document (listings excluded)."""
        return {
            r[0]
            for r in self.db.execute(
                "SELECT v.sha256 FROM urls u JOIN versions v ON v.version_id = u.version_id WHERE u.role != 'listing'"
            )
        }
