"""The old release's database served as it is (``statportal.evolve.pending = serve``, the
emergency setting): the public's search keeps listing every published material when the
first write fills the catalog's security indexes (each connection's kept copy re-reads
what that fill changed, not only the written material's range)."""

import os
import tarfile
from pathlib import Path

from webtest import TestApp

from statportal.testing import basic_auth, close_app, make_app, make_settings

FIXTURE = Path(__file__).parent / "data" / "statportal-7e27402.tar.gz"
JSON = {"Accept": "application/json"}


def test_search_right_when_the_first_write_fills_the_indexes(tmp_path, monkeypatch):
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        monkeypatch.delenv(name)
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / "var", filter="data")
    app = make_app(make_settings(tmp_path / "var", **{"statportal.evolve.pending": "serve"}))
    try:
        public = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en"})

        def found():
            data = public.get("/++api++/@search", headers=JSON).json
            return {i["@id"] for i in data["items"]}, data["items_total"]

        for _ in range(2):  # the connections' copies made (no allowed index yet)
            before, total = found()
        assert total == 6
        admin = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                            "REMOTE_ADDR": "127.0.0.1"})
        admin.authorization = basic_auth("admin")
        added = admin.post_json("/++api++/official-statistics/economy/industry", {
            "@type": "Material", "id": "served-as-it-is", "category": "bulletin",
            "title": {"kk": "Served", "ru": "Served", "en": "Served"}}, status=201)
        admin.post_json(added.json["@id"] + "/@workflow/publish", {}, status=200)
        after, total_after = found()
        assert total_after == 7 and before < after
    finally:
        close_app(app)
