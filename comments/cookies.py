"""The commenter cookies behind "Save my name, email, and website in this browser…"."""

COOKIE_AGE = 365 * 24 * 3600
FIELDS = {"name": "comment_author", "email": "comment_author_email", "url": "comment_author_url"}


def remember(response, comment):
    values = {"name": comment.user_name, "email": comment.user_email, "url": comment.user_url}
    for field, cookie in FIELDS.items():
        response.set_signed_cookie(
            cookie, values[field], salt=cookie, max_age=COOKIE_AGE, httponly=True, samesite="Lax"
        )


def forget(response):
    for cookie in FIELDS.values():
        response.delete_cookie(cookie, samesite="Lax")


def remembered(request):
    """Initial form values from the cookies; empty when there are none or they were forged."""
    values = {}
    for field, cookie in FIELDS.items():
        value = request.get_signed_cookie(cookie, default="", salt=cookie)
        if value:
            values[field] = value
    if values:
        values["remember"] = True
    return values
