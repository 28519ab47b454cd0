"""WordPress's REST error bodies: {"code", "message", "data": {"status", …}}."""

from django.http import JsonResponse


class RestError(Exception):
    def __init__(self, code, message, status, **data):
        super().__init__(message)
        self.code, self.message, self.status, self.data = code, message, status, data

    def response(self):
        body = {"code": self.code, "message": self.message, "data": {"status": self.status}}
        body["data"].update(self.data)
        return JsonResponse(body, status=self.status)


def no_route():
    return RestError(
        "rest_no_route", "No route was found matching the URL and request method.", 404
    )


def invalid_param(name, reason):
    return RestError(
        "rest_invalid_param",
        f"Invalid parameter(s): {name}",
        400,
        params={name: reason},
        details={},
    )
