"""The production static files storage: hashed, compressed copies whose URLs are worked
out once per process."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command

from apps.core.storage import StaticFilesStorage


def test_each_static_url_is_the_hashed_one_and_is_worked_out_once(tmp_path, settings, monkeypatch):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "apps.core.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    storage = StaticFilesStorage(location=tmp_path)
    hashed = storage.stored_name("css/site.css")
    assert hashed != "css/site.css" and (tmp_path / hashed).exists()
    assert (tmp_path / f"{hashed}.gz").exists()

    looked_up = []
    original = ManifestStaticFilesStorage.stored_name

    def counting(self, name):
        looked_up.append(name)
        return original(self, name)

    monkeypatch.setattr(ManifestStaticFilesStorage, "stored_name", counting)
    urls = {storage.url("css/site.css") for _ in range(3)}
    assert urls == {f"/static/{hashed}"}
    assert looked_up == ["css/site.css"]
    assert storage.url("css/site.css", force=True) == f"/static/{hashed}"
    assert looked_up == ["css/site.css", "css/site.css"]  # force always looks it up
