"""Kept uploads go when their time is up, without waiting for another form's error."""

import pytest


# -- kept uploads go when their time is up, without waiting for another form's error -----
class TestKeptUploadsSwept:
    @pytest.fixture
    def app_settings(self, tmp_path):
        from statportal.testing import make_settings

        return make_settings(tmp_path, **{"statportal.upload_dir": str(tmp_path / "kept")})

    def test_the_worker_sweeps_kept_uploads_past_their_time(self, app, demo):
        import os
        import time

        from statportal.files.kept import get_kept_uploads
        from statportal.releases.worker import run_pass

        store = get_kept_uploads(app.registry)
        assert store.put("\0owner", "uid", "wages.basis.xlsx", "", b"respondents")
        assert store.put("\0other", "uid", "fresh.pdf", "", b"fresh")
        old = time.time() - store.max_age - 60
        fresh = {e.path for e in os.scandir(store.directory) if e.name.startswith(
            store._owner_mark("\0other"))}
        for entry in os.scandir(store.directory):
            if entry.path not in fresh:
                os.utime(entry.path, (old, old))
        run_pass(app.registry)
        assert {e.path for e in os.scandir(store.directory)} == fresh

    def test_the_start_sweeps_what_an_earlier_run_left(self, app_settings):  # noqa: F811
        import os
        import time

        from pyramid.config import Configurator

        from statportal.files.kept import kept_uploads_from_settings

        store = kept_uploads_from_settings(app_settings)
        assert store.put("\0owner", "uid", "question.pdf", "", b"an asker's file")
        old = time.time() - store.max_age - 60
        for entry in os.scandir(store.directory):
            os.utime(entry.path, (old, old))
        Configurator(settings=dict(app_settings)).include("statportal.files.kept")
        assert os.listdir(store.directory) == []
