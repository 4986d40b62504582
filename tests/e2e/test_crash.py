"""kill -9 under concurrent ingest: every acknowledged event survives, exactly once."""
import collections
import datetime
import threading
import time

from conftest import ingest
from records import now, record

SOURCE = "crashtest.amazonaws.com"


def test_sigkill_under_load_loses_and_duplicates_nothing(fresh_server):
    srv = fresh_server.start()
    base = now() - datetime.timedelta(hours=5)
    acked, lock, stop = [], threading.Lock(), threading.Event()
    unacked = []

    def client(n):
        i = 0
        while not stop.is_set():
            batch = [record(base + datetime.timedelta(seconds=(i * 100 + j) % 3600), source=SOURCE,
                            name=f"Crash{n}") for j in range(100)]
            i += 1
            try:
                status, body, _ = ingest(srv, batch)
            except OSError:
                with lock:
                    unacked.append(batch)
                return
            with lock:
                if status == 200:
                    acked.extend(r["eventID"] for r in batch)
                else:
                    unacked.append(batch)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(acked) >= 4000:
                break
        time.sleep(0.05)
    srv.kill()
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) >= 1000, "too few acknowledged events before the kill"

    srv.start()
    # Clients retry what was not acknowledged; the server dedupes what had reached the disk.
    for batch in unacked:
        status, body, _ = ingest(srv, batch)
        assert status == 200, body
    pages = srv.client().get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": SOURCE}])
    found = collections.Counter(e["EventId"] for p in pages for e in p["Events"])
    missing = [i for i in acked if i not in found]
    assert not missing, f"{len(missing)} acknowledged events lost"
    dups = [i for i, c in found.items() if c > 1]
    assert not dups, f"{len(dups)} events duplicated"
    retried = {r["eventID"] for b in unacked for r in b}
    assert set(found) == set(acked) | retried
