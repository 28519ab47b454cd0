"""Local stand-ins for the Akismet client: answers without any network."""

import akismet


class SaysSpam(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.SPAM


class SaysHam(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.HAM


class Unreachable(akismet.TestSyncClient):
    def comment_check(self, *args, **kwargs):
        raise akismet.RequestError("stand-in: the service cannot be reached")
