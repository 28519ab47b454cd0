"""Static files as whitenoise serves them (compressed, with hashed names), each file's URL worked
out once: the theme's templates ask for the same few files on every page rendered, and each ask
went through the manifest, quoting and URL joining again (2% of the instructions of a page
rendered for a signed-in reader)."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        # Kept with the manifest they were read from: collectstatic makes a new one.
        urls = self.__dict__.get("_urls")
        if urls is None or urls[0] is not self.hashed_files:
            urls = self._urls = (self.hashed_files, {})
        key = (name, force, settings.DEBUG)  # DEBUG serves the unhashed names
        found = urls[1].get(key)
        if found is None:
            found = urls[1][key] = super().url(name, force)
        return found
