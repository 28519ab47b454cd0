"""WordPress's REST API (`/wp-json/`, and `?rest_route=` on any URL): the `wp/v2` routes with
WordPress's JSON shapes, pagination headers and error bodies, so its clients work unchanged."""
