"""Static files as served in production: WhiteNoise's compressed, hashed copies."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each file's URL is worked out once per process and then remembered: the manifest
    is read when the storage is made and never changes while the process runs, and every
    page asks for the same few URLs (looking one up in the manifest and joining it costs
    about 8 µs: the six of a quiz question's page were a tenth of its template time)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
